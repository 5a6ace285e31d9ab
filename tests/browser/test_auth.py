"""Two people signed in at once, in two browsers, never see each other's data.

This module starts its own server with a users file (the shared one runs in sample mode) and
overrides `app_server`, so `open_page` (console errors, foreign requests, websocket frames) applies.
"""

from __future__ import annotations


import pandas as pd
import pytest
from sqlalchemy import create_engine

from components.auth_users import AUTH_FILE_ENV, hash_password
from components.page_registry import PAGES
from labels import t
from tests.browser.conftest import SCREENSHOTS, running_app, wait_for_app

pytestmark = pytest.mark.browser

PASSWORD = "two browsers 42"
EXCEPTION = '[data-testid="stException"]'


@pytest.fixture(scope="module")
def sample_rows(sample_db_url):
    engine = create_engine(sample_db_url)
    try:
        return pd.read_sql_table("area", engine), pd.read_sql_table("household", engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def towns(sample_rows):
    areas, _households = sample_rows
    codes = sorted(areas.loc[areas["level"] == "township", "code"])
    return codes[0], codes[1]


@pytest.fixture(scope="module")
def app_server(sample_db_url, towns, tmp_path_factory):
    """The app with two township leaders (full personal detail, so a leak would be raw data)."""
    folder = tmp_path_factory.mktemp("auth-server")
    users = folder / "users.toml"
    stored = hash_password(PASSWORD)
    users.write_text("".join(
        f'[users.{name}]\nrole = "township_leader"\nareas = ["{code}"]\npersonal_detail = true\n'
        f'password_hash = "{stored}"\n' for name, code in (("leader_a", towns[0]), ("leader_b", towns[1])))
        + f'[users.county_c]\nrole = "county_leader"\npassword_hash = "{stored}"\n', encoding="utf-8")
    with running_app(sample_db_url, folder, {AUTH_FILE_ENV: str(users)}) as base_url:
        yield base_url


def _sign_in(opened, name: str, password: str = PASSWORD) -> None:
    page = opened.page
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    wait_for_app(page)


def _open_first_village(opened) -> None:
    # The villages table is a canvas grid: click the selection box of its first row.
    page = opened.page
    box = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 35 / 2)
    page.wait_for_function("location.search.includes('area=')")
    wait_for_app(page)


def _secrets_of(town: str, areas: pd.DataFrame, households: pd.DataFrame) -> list[str]:
    """What only a viewer of that township may receive: its villages' names and codes, its people."""
    villages = areas[areas["parent_code"] == town]
    people = households[households["village_code"].isin(villages["code"])]
    return ([areas.set_index("code").at[town, "name"]] + list(villages["code"]) + list(villages["name"])
            + list(people["id_number"].dropna()) + list(people["phone"].dropna()))


def test_two_people_at_once_never_see_each_other(open_page, sample_rows, towns):
    areas, households = sample_rows
    first, second = open_page("/drill?asof=2026-11-20"), open_page("/drill?asof=2026-11-20")
    for opened in (first, second):
        assert opened.page.get_by_role("button", name="登录").is_visible()
        assert opened.page.locator('[data-testid="stDataFrame"]').count() == 0  # nothing before sign-in
    _sign_in(first, "leader_a")
    _sign_in(second, "leader_b")
    _open_first_village(first)  # interleaved: both sessions live on one server at the same time
    _open_first_village(second)
    for opened, own, other in ((first, towns[0], towns[1]), (second, towns[1], towns[0])):
        page = opened.page
        assert page.locator(EXCEPTION).count() == 0
        html = page.content()
        village = page.url.split("area=")[1][:12]
        assert village.startswith(own[:9])  # the village opened is in the own township
        own_people = households[households["village_code"] == village]
        listed = [name for name in own_people["head_name"] if opened.received_contains(name)]
        assert listed  # full detail of the own village arrived (the leak check below is not vacuous)
        for secret in _secrets_of(other, areas, households):
            assert secret not in html and not opened.received_contains(secret), secret
        assert opened.errors == [] and opened.foreign_requests == []
    first.page.screenshot(path=str(SCREENSHOTS / "auth_two_browsers_a.png"), full_page=True)
    second.page.screenshot(path=str(SCREENSHOTS / "auth_two_browsers_b.png"), full_page=True)


def test_wrong_password_and_other_townships_link(open_page, towns, sample_rows):
    areas, _households = sample_rows
    opened = open_page(f"/drill?asof=2026-11-20&area={towns[1]}")
    _sign_in(opened, "leader_a", "not the password")
    page = opened.page
    assert page.get_by_text("用户名或密码错误").is_visible()
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    _sign_in(opened, "leader_a")
    # The bookmarked link names another township: refused with a message, the own township shown.
    assert page.locator('[data-testid="stAlert"]').filter(has_text=towns[1]).count() >= 1
    other_name = areas.set_index("code").at[towns[1], "name"]
    assert other_name not in page.content() and not opened.received_contains(other_name)
    assert page.locator(EXCEPTION).count() == 0 and opened.errors == [] and opened.foreign_requests == []
    page.screenshot(path=str(SCREENSHOTS / "auth_refused_link.png"), full_page=True)


def test_audit_log_is_a_county_leaders_page(open_page):
    opened = open_page("/audit")
    page = opened.page
    page.screenshot(path=str(SCREENSHOTS / "auth_sign_in.png"), full_page=True)
    _sign_in(opened, "leader_a")
    # A township leader has no audit page: the link is absent and the address shows the drill-down.
    assert page.get_by_role("heading", name="访问日志").count() == 0
    assert page.locator('[data-testid="stSidebarNav"] a', has_text="访问日志").count() == 0

    opened = open_page("/drill?asof=2026-11-20")
    page = opened.page
    _sign_in(opened, "county_c")
    page.locator('[data-testid="stSidebarNav"] a', has_text="访问日志").click()
    page.wait_for_url("**/audit**")
    wait_for_app(page)
    assert page.get_by_role("heading", name="访问日志").is_visible()
    assert page.locator('[data-testid="stDataFrame"]').count() == 1
    assert page.locator(EXCEPTION).count() == 0 and opened.errors == [] and opened.foreign_requests == []
    page.screenshot(path=str(SCREENSHOTS / "auth_audit_page.png"), full_page=True)


def test_sample_mode_role_switcher_changes_what_the_server_sends(browser, sample_db_url, sample_rows,
                                                                 tmp_path):
    areas, households = sample_rows
    with running_app(sample_db_url, tmp_path, {AUTH_FILE_ENV: str(tmp_path / "none.toml")}) as base_url:
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
        errors: list[str] = []
        received: list[bytes] = []
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and "404" not in msg.text
                else None)
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(
            payload if isinstance(payload, bytes) else payload.encode())))
        page.goto(f"{base_url}/drill?asof=2026-11-20")
        wait_for_app(page)
        assert page.get_by_text("示例模式").first.is_visible()
        first_town = sorted(areas.loc[areas["level"] == "township", "code"])[0]
        officer_villages = sorted(areas.loc[areas["parent_code"] == first_town, "code"])[:3]
        first_people = households[households["village_code"] == officer_villages[0]]

        def arrived(values) -> bool:
            return any(value.encode() in frame for frame in received for value in values)

        assert not arrived(first_people["id_number"])  # the county leader's view is masked
        received.clear()
        page.get_by_role("combobox", name="示例角色").click()
        page.get_by_role("option", name="包村干部").click()
        wait_for_app(page)
        assert arrived(first_people["head_name"])  # the case officer's first village, unmasked
        assert page.get_by_text("我的查看范围").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "auth_sample_case_officer.png"), full_page=True)
        received.clear()
        page.get_by_role("combobox", name="示例角色").click()
        page.get_by_role("option", name="县级领导").click()
        wait_for_app(page)
        assert page.locator("h1").first.inner_text() == "逐级钻取"
        assert not arrived(first_people["id_number"]) and not arrived(first_people["head_name"])
        assert errors == []
        context.close()


def test_a_page_address_opened_first_on_a_fresh_server_runs_the_frame(browser, sample_db_url, tmp_path):
    # Legacy multipage mode (a folder named pages/) ran pages/<page>.py directly on a fresh server,
    # before any sign-in. Every page's address, first thing after start, must show the sign-in form.
    users = tmp_path / "users.toml"
    users.write_text(f'[users.county_c]\nrole = "county_leader"\npassword_hash = "{hash_password(PASSWORD)}"\n',
                     encoding="utf-8")
    with running_app(sample_db_url, tmp_path, {AUTH_FILE_ENV: str(users)}) as base_url:
        for spec in PAGES:
            context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
            page = context.new_page()
            page.goto(f"{base_url}/{spec.url_path}?asof=2026-11-20")
            wait_for_app(page)
            assert page.get_by_label("用户名").is_visible(), spec.url_path
            assert page.get_by_role("heading", name=t(spec.label_key)).count() == 0, spec.url_path
            assert page.locator(EXCEPTION).count() == 0, spec.url_path
            if spec.url_path == PAGES[0].url_path:
                page.screenshot(path=str(SCREENSHOTS / "auth_fresh_server_direct_page.png"))
            context.close()
