"""部门预警 in a real browser: a township leader records a verification; the county's figures move."""

from __future__ import annotations

import datetime as dt

import pytest

from labels import label_of, t
from queries.scope import Scope
from queries.signals import funnel, overdue_count, pending_list, review_history
from rules.settings import verify_days
from tests.browser.conftest import SCREENSHOTS, running_app, wait_for_app
from tests.conftest import copy_sample, read_table

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
ASOF = "2026-11-30"
COUNTY = "429999000000"


@pytest.fixture(scope="module")
def served_copy(sample_db_url, tmp_path_factory) -> str:
    """A copy of the sample: the verification writes into it."""
    target = tmp_path_factory.mktemp("signals-db") / "signals.db"
    copy_sample(sample_db_url, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def app_server(served_copy, tmp_path_factory):
    with running_app(served_copy, tmp_path_factory.mktemp("signals-server")) as base_url:
        yield base_url


def _metric(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text()


def _switch_role(page, role: str) -> None:
    page.get_by_role("combobox", name="示例角色").click()
    page.get_by_role("option", name=label_of("user_role", role)).click()
    wait_for_app(page)


def test_township_records_a_verification_and_the_county_sees_it(open_page, served_copy):
    asof = dt.date.fromisoformat(ASOF)
    areas = read_table(served_copy, "area")
    first_town = sorted(areas.loc[areas["level"] == "township", "code"])[0]
    town = Scope(roots=((first_town, "township"),), household_detail=True)
    oldest = pending_list(served_copy, town, first_town, "township", asof).iloc[0]
    was_overdue = (asof - oldest["received_on"]).days > verify_days()
    county = Scope(roots=((COUNTY, "county"),), household_detail=True)
    before = funnel(served_copy, county, COUNTY, "county", asof, asof - dt.timedelta(days=365))
    overdue_before = overdue_count(served_copy, county, COUNTY, "county", asof, verify_days())

    opened = open_page(f"/signals?asof={ASOF}", viewport=(1600, 2400))
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0
    page.wait_for_timeout(2000)
    page.screenshot(path=str(SCREENSHOTS / "signals_county.png"), full_page=True)
    assert _metric(page, label_of("signal_stage", "verified")) == f"{before['verified']:,}"
    assert _metric(page, t("signals.col_overdue_total")) == f"{overdue_before:,}"

    _switch_role(page, "township_leader")
    assert page.get_by_text(t("signals.record_header")).is_visible()
    page.screenshot(path=str(SCREENSHOTS / "signals_township.png"), full_page=True)
    # The record form comes first; the correction form below it has the same field once anything is verified.
    outcome = page.get_by_role("combobox", name=t("signals.record_outcome")).first
    outcome.scroll_into_view_if_needed()
    outcome.click()
    page.get_by_role("option", name=label_of("signal_outcome", "not_included"), exact=True).click()
    wait_for_app(page)
    page.get_by_label(t("signals.record_note")).first.fill("入户核实：已报销，无返贫风险")
    page.get_by_role("button", name=t("signals.verify_submit")).click()
    wait_for_app(page)
    done = page.get_by_text(t("signals.verify_done", signal=int(oldest["signal_id"]),
                              outcome=label_of("signal_outcome", "not_included")))
    done.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "signals_township_recorded.png"), full_page=True)
    assert done.is_visible()
    assert opened.received_contains("入户核实：已报销，无返贫风险")  # the history shows the new row
    assert page.get_by_label(t("signals.record_note")).first.input_value() == ""  # the next one starts empty

    # The township corrects what it recorded: a new row naming the first; the history shows both.
    fix_header = page.get_by_text(t("signals.record_correct"))
    fix_header.scroll_into_view_if_needed()
    picked = page.get_by_role("combobox", name=t("signals.correct_pick"))
    assert picked.input_value().startswith(f"{int(oldest['signal_id'])}：")  # the newest verification first
    fix_outcome = page.get_by_role("combobox", name=t("signals.record_outcome")).last
    fix_outcome.click()
    page.get_by_role("option", name=label_of("signal_outcome", "duplicate"), exact=True).click()
    wait_for_app(page)
    page.get_by_label(t("signals.record_note")).last.fill("更正：与上月医保预警重复")
    page.get_by_role("button", name=t("signals.correct_submit")).click()
    wait_for_app(page)
    fixed = page.get_by_text(t("signals.correct_done", signal=int(oldest["signal_id"]),
                               outcome=label_of("signal_outcome", "duplicate")))
    fixed.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "signals_township_corrected.png"), full_page=True)
    assert fixed.is_visible()
    assert opened.received_contains("更正：与上月医保预警重复")
    review_history.clear()
    history = review_history(served_copy, town, int(oldest["signal_id"]))
    assert list(history["outcome"].iloc[-2:]) == ["not_included", "duplicate"]
    assert list(history["note"].iloc[-2:]) == ["入户核实：已报销，无返贫风险", "更正：与上月医保预警重复"]
    assert history["corrects"].iloc[-1] == history["id"].iloc[-2]  # the first row stays, the new one names it
    audit = read_table(served_copy, "audit_log")
    verified = audit.loc[audit["action"] == "verify", "detail"].tolist()
    assert any(d.startswith(f"verify signal={int(oldest['signal_id'])} ") for d in verified)
    assert any(d.startswith(f"correct signal={int(oldest['signal_id'])} ") for d in verified)

    _switch_role(page, "county_leader")
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SCREENSHOTS / "signals_county_after.png"), full_page=True)
    assert _metric(page, label_of("signal_stage", "verified")) == f"{before['verified'] + 1:,}"
    assert _metric(page, t("signals.col_overdue_total")) == f"{overdue_before - int(was_overdue):,}"
    assert page.locator(EXCEPTION).count() == 0
    assert opened.errors == [] and opened.foreign_requests == []


def _screens(page, name: str, screens: int = 5) -> None:
    """The page screen by screen, as it scrolls (the app scrolls its main pane, not the document)."""
    page.mouse.move(1100, 600)
    for number in range(screens):
        page.wait_for_timeout(700)
        page.screenshot(path=str(SCREENSHOTS / f"{name}_{number}.png"))
        page.mouse.wheel(0, 900)


def test_signals_at_1080p_for_the_county_and_a_township(open_page):
    """The page as a county leader and as a township leader see it on a 1920x1080 screen."""
    opened = open_page(f"/signals?asof={ASOF}", viewport=(1920, 1080))
    page = opened.page
    page.wait_for_timeout(2000)
    settings = page.get_by_text(t("signals.settings_header"))
    settings.click()  # the deadline and the thresholds, as a table
    page.wait_for_timeout(500)
    _screens(page, "signals_county_1080p")
    assert opened.received_contains("signal_verify_days") and opened.received_contains("rigid_share")
    _switch_role(page, "township_leader")
    page.wait_for_timeout(1000)
    _screens(page, "signals_township_1080p")
    assert page.get_by_text(t("signals.list_header")).count() == 1
    assert page.locator(EXCEPTION).count() == 0
    assert opened.errors == [] and opened.foreign_requests == []


def test_the_county_office_uploads_a_department_file_on_the_page(open_page, served_copy, tmp_path):
    """检查并导入 on the page: the file is imported for the county in view, audited, and a rerun adds nothing."""
    from sample_data.people import check_digit

    strangers = []
    for number in range(3):
        first17 = f"42999619850{number}0{number}12{number}"
        strangers.append(first17 + check_digit(first17))
    path = tmp_path / "公安意外事故.csv"
    path.write_text("姓名,身份证号码,发生日期\n" + "".join(f"某某,{i},2026-11-25\n" for i in strangers),
                    encoding="utf-8")
    before = len(read_table(served_copy, "signal"))
    opened = open_page(f"/signals?asof={ASOF}", viewport=(1600, 2400))
    page = opened.page
    page.wait_for_timeout(1500)
    department = page.get_by_role("combobox", name=t("signals.upload_department"))
    department.scroll_into_view_if_needed()
    department.click()
    page.get_by_role("option", name=label_of("signal_department", "police"), exact=True).click()
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.wait_for_timeout(1500)
    for attempt in range(2):
        page.get_by_role("button", name=t("signals.upload_import")).click()
        wait_for_app(page)
        page.wait_for_timeout(1000)
        stored = read_table(served_copy, "signal")
        assert len(stored) == before + 3, attempt  # the second import adds nothing
    page.screenshot(path=str(SCREENSHOTS / "signals_upload.png"), full_page=True)
    assert opened.received_contains("以前已导入过 3 条")
    mine = stored[stored["id_number"].isin(strangers)]
    assert set(mine["area_code"]) == {COUNTY} and set(mine["match"]) == {"unknown"}
    audit = read_table(served_copy, "audit_log")
    assert (audit.loc[audit["action"] == "import", "detail"].str.contains("department=police")).sum() == 2
    assert page.locator(EXCEPTION).count() == 0
    assert opened.errors == [] and opened.foreign_requests == []
