"""A unit reports, the office returns it, the unit reports again, the office approves: in real browsers.

This module starts its own server with a users file (a reporter of one unit, a reporter of another,
the county office) on a private copy of the sample, since it writes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from components.auth_users import AUTH_FILE_ENV, hash_password
from db.schema import audit_log, unit
from labels import t
from queries.scope import Scope
from queries.tasks import cell_status, tasks_in_scope
from tests.browser.conftest import SCREENSHOTS, running_app, wait_for_app
from tests.conftest import copy_sample

pytestmark = pytest.mark.browser

PASSWORD = "report loop 16"
EXCEPTION = '[data-testid="stException"]'
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000


@pytest.fixture(scope="module")
def report_db(sample_db_url, tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("report-loop") / "loop.db"
    copy_sample(sample_db_url, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def pair(report_db):
    """A unit's first task (by sequence) that is not yet done today, and another unit."""
    engine = create_engine(report_db)
    with engine.connect() as connection:
        code, level = connection.exec_driver_sql("SELECT code, level FROM area WHERE parent_code IS NULL").first()
    scope = Scope(roots=((code, level),), household_detail=True)
    cells = cell_status(report_db, scope, date.today())
    tasks = tasks_in_scope(report_db, scope).set_index("code")
    cells["seq"] = [tasks.at[c, "seq"] for c in cells["task_code"]]
    for unit_code, mine in cells.sort_values("seq").groupby("unit_code", sort=True):
        first = mine.iloc[0]
        if first["status"] not in ("done", "overdue"):
            other = sorted(set(cells["unit_code"]) - {unit_code})[0]
            return first["task_code"], unit_code, other
    raise AssertionError("no unit with an open first task")


@pytest.fixture(scope="module")
def app_server(report_db, pair, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report-server")
    users = folder / "users.toml"
    stored = hash_password(PASSWORD)
    _task, unit, other = pair
    users.write_text(
        f'[users.unit_a]\nrole = "unit_reporter"\nunit = "{unit}"\npassword_hash = "{stored}"\n'
        f'[users.unit_b]\nrole = "unit_reporter"\nunit = "{other}"\npassword_hash = "{stored}"\n'
        f'[users.office]\nrole = "briefing"\npassword_hash = "{stored}"\n', encoding="utf-8")
    with running_app(report_db, folder, {AUTH_FILE_ENV: str(users)}) as base_url:
        yield base_url


def _refresh(page) -> None:
    # A reload would start a new session (sign in again): switch to the page through the navigation.
    page.locator('[data-testid="stSidebarNav"] a', has_text="责任分工").click()
    wait_for_app(page)


def _sign_in(opened, name: str) -> None:
    page = opened.page
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    wait_for_app(page)


def _unit_name(url: str, code: str) -> str:
    with create_engine(url).connect() as connection:
        return connection.execute(select(unit.c.name).where(unit.c.code == code)).scalar_one()


def _submit(page, files: list[tuple[str, bytes]], percent: str = "100") -> None:
    page.locator('[data-testid="stNumberInput"] input').fill(percent)
    page.locator('[data-testid="stTextArea"] textarea').nth(1).fill("完成了入户核查")
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(
        [{"name": name, "mimeType": "image/jpeg", "buffer": content} for name, content in files])
    page.wait_for_timeout(500)
    page.get_by_role("button", name=t("reports.submit")).click()
    wait_for_app(page)


def test_report_return_resubmit_approve(open_page, pair, report_db):
    task_code, unit_code, other = pair
    unit = open_page("/")
    _sign_in(unit, "unit_a")
    page = unit.page
    page.get_by_text(t("reports.form_heading")).scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "reports_unit_view.png"), full_page=True)
    page.wait_for_url(lambda url: f"unit={unit_code}" in url, timeout=30_000)
    _submit(page, [("scan.jpg", JPEG)])
    assert page.get_by_text(t("reports.submitted", id="")[:6]).count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "reports_submitted.png"), full_page=True)

    office = open_page("/")
    _sign_in(office, "office")
    desk = office.page
    # Not page.goto: a reload starts a new session, which shows the sign-in form and no matrix at all.
    _refresh(desk)
    cell = desk.locator(f'tr[data-task="{task_code}"] td[data-waiting="1"]')
    assert cell.count() == 1
    before = cell.get_attribute("title")
    desk.locator(f'tr[data-task="{task_code}"]').scroll_into_view_if_needed()
    desk.screenshot(path=str(SCREENSHOTS / "reports_matrix_waiting.png"), full_page=True)
    desk.get_by_role("tab", name=t("reports.chase_tab")).click()
    desk.get_by_role("button", name=t("reports.chase_download_xlsx")).wait_for()
    desk.screenshot(path=str(SCREENSHOTS / "reports_chase_tab.png"), full_page=True)
    desk.get_by_role("tab", name=t("reports.review_tab")).click()
    desk.get_by_text(t("reports.attachment", name="scan.jpg", size=2)).wait_for()
    desk.screenshot(path=str(SCREENSHOTS / "reports_review_queue.png"), full_page=True)
    # The attachment is made on click and the click is on the record, like every other file.
    with desk.expect_download() as downloaded:
        desk.get_by_text(t("reports.attachment", name="scan.jpg", size=2)).click()
    assert Path(downloaded.value.path()).read_bytes() == JPEG
    with create_engine(report_db).connect() as connection:
        exported = [row.detail for row in connection.execute(
            select(audit_log.c.detail).where(audit_log.c.action == "export", audit_log.c.user_name == "office"))]
    assert any(detail.startswith("attachment: ") and detail.endswith("scan.jpg") for detail in exported), exported
    reason = desk.locator('[data-testid="stTextInput"] input').last
    reason.fill("照片看不清")
    reason.press("Enter")
    wait_for_app(desk)
    desk.get_by_role("button", name=t("reports.return_")).click()
    wait_for_app(desk)
    assert desk.get_by_text(t("reports.review_empty")).count() == 1

    _refresh(page)
    assert page.get_by_text("照片看不清").count() >= 1 or page.locator('[data-testid="stDataFrame"]').count() >= 1
    _submit(page, [("scan.jpg", JPEG)])

    _refresh(desk)
    assert desk.locator(f'tr[data-task="{task_code}"] td[data-waiting="1"]').get_attribute("title") == before
    desk.get_by_role("tab", name=t("reports.review_tab")).click()
    desk.get_by_role("button", name=t("reports.approve")).click()
    wait_for_app(desk)
    _refresh(desk)
    assert desk.locator(f'tr[data-task="{task_code}"] td[data-waiting="1"]').count() == 0
    titles = desk.locator(f'tr[data-task="{task_code}"] td[data-status]').evaluate_all("els => els.map(e => e.title)")
    assert sum("100%" in title for title in titles) >= 1 and before not in titles
    desk.screenshot(path=str(SCREENSHOTS / "reports_matrix_after_approval.png"), full_page=True)

    engine = create_engine(report_db)
    with engine.connect() as connection:
        actions = [row.action + ":" + row.detail.split(" ")[0] for row in connection.execute(
            select(audit_log.c.action, audit_log.c.detail).where(audit_log.c.action.in_(("report", "review")))
            .order_by(audit_log.c.id))]
    assert actions == ["report:submit", "review:returned", "report:submit", "review:approved"]

    # Bad input: an .exe renamed .jpg is refused with a clear message and nothing is written.
    _refresh(page)
    _submit(page, [("photo.jpg", b"MZ\x90\x00" + b"\x00" * 500)])
    assert page.get_by_text("不是照片或扫描件").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "reports_refused_exe.png"), full_page=True)

    # A draft is kept across navigation, for this user only.
    page.locator('[data-testid="stTextArea"] textarea').nth(1).fill("草稿内容")
    page.get_by_role("button", name=t("reports.save_draft")).click()
    wait_for_app(page)
    _refresh(page)
    assert page.locator('[data-testid="stTextArea"] textarea').nth(1).input_value() == "草稿内容"

    # Another unit's reporter: its own unit's form only, never this unit's.
    stranger = open_page("/")
    _sign_in(stranger, "unit_b")
    other_page = stranger.page
    other_page.wait_for_url(lambda url: f"unit={other}" in url, timeout=30_000)  # the frame rewrites the address after sign-in
    assert other_page.get_by_role("button", name=t("reports.submit")).count() >= 1
    # Within the session (a goto would sign out): pick the first unit's view in the unit picker.
    picker = other_page.locator('[data-testid="stSelectbox"]').filter(has_text=t("tasks.pick_unit"))
    picker.get_by_role("combobox").click()
    other_page.get_by_role("option", name=_unit_name(report_db, unit_code), exact=True).click()
    other_page.wait_for_function(f"location.search.includes('unit={unit_code}')")
    wait_for_app(other_page)
    assert other_page.get_by_role("button", name=t("reports.submit")).count() == 0
    assert other_page.get_by_text("草稿内容").count() == 0
    for opened in (unit, office, stranger):
        assert opened.page.locator(EXCEPTION).count() == 0
        assert opened.errors == [] and opened.foreign_requests == []
