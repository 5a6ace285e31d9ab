"""Signing in lasts across a reload, a new tab, another app process and a restart; signing out ends it
everywhere; an idle session ends (issue 18, "What users hit").

Two app processes serve one database (as behind nginx); a third runs with an idle timeout of a few
seconds. Cookies do not depend on the port, so one browser context reaches all three.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from components.auth_sessions import COOKIE, IDLE_ENV
from components.auth_users import AUTH_FILE_ENV, hash_password
from labels import t
from tests.browser.conftest import SCREENSHOTS, running_app, wait_for_app
from tests.conftest import copy_sample

pytestmark = pytest.mark.browser

PASSWORD = "sessions last 7"
SIGN_IN = t("auth.sign_in")
SIGN_OUT = t("auth.sign_out")
IDLE_SECONDS = 20  # long enough for a reload on a busy machine, short for a test


@pytest.fixture(scope="module")
def setup(sample_db_url, tmp_path_factory) -> tuple[str, Path, Path]:
    """A database of its own (sessions are written to it) and a users file."""
    folder = tmp_path_factory.mktemp("sessions")
    copy_sample(sample_db_url, folder / "sessions.db")
    users = folder / "users.toml"
    users.write_text(f'[users.county]\nrole = "county_leader"\npassword_hash = "{hash_password(PASSWORD)}"\n'
                     f'[users.other]\nrole = "county_leader"\npassword_hash = "{hash_password(PASSWORD)}"\n',
                     encoding="utf-8")
    return f"sqlite:///{folder / 'sessions.db'}", users, folder


@pytest.fixture(scope="module")
def servers(setup):
    """Two app processes on the same database and users file."""
    db, users, folder = setup
    (folder / "a").mkdir()
    (folder / "b").mkdir()
    with running_app(db, folder / "a", {AUTH_FILE_ENV: str(users)}) as first:
        with running_app(db, folder / "b", {AUTH_FILE_ENV: str(users)}) as second:
            yield first, second


@pytest.fixture
def context(browser):
    made = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN",
                               timezone_id="Asia/Shanghai")
    yield made
    made.close()


def _settle(page) -> None:
    """Wait until the script has drawn the frame (a sign-in or a sign-out button), then until it
    rests: on a busy machine the script state reads "notRunning" before the first run has begun."""
    page.get_by_role("button", name=SIGN_IN).or_(page.get_by_role("button", name=SIGN_OUT)).first.wait_for(
        timeout=60_000)
    wait_for_app(page)


def _click_and_rerun(page, button) -> None:
    """Click a button that reruns the script and wait for that rerun: right after a click the state
    can still read "notRunning" from before it, so first wait (briefly) for the run to begin."""
    button.click()
    try:
        page.wait_for_function("document.querySelector('[data-testid=\"stApp\"]')"
                               "?.getAttribute('data-test-script-state') === 'running'", timeout=5_000)
    except PlaywrightTimeout:  # the rerun was over before we looked
        pass
    wait_for_app(page)


def _open(context, url: str):
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    _settle(page)
    return page


def _signed_in(page) -> bool:
    return page.get_by_role("button", name=SIGN_OUT).count() == 1


def _at_sign_in(page) -> bool:
    return page.get_by_role("button", name=SIGN_IN).count() == 1 and not _signed_in(page)


def _comes_to(page, check, timeout: float = 60.0) -> bool:
    """True once the script rests with check(page) true; False if it has not by the timeout. A busy
    machine can report a run over before the click's rerun has reached the server, so a single look
    after the click reads the page from before it (ci8 and a stop's CI failed that way)."""
    deadline = time.monotonic() + timeout
    while True:
        state = page.get_attribute('[data-testid="stApp"]', "data-test-script-state")
        if state == "notRunning" and check(page):
            return True
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(300)


def _shown(page, folder: Path | None = None) -> str:
    """What the page shows and the end of the app servers' logs, to say why a state never came."""
    text = page.locator('[data-testid="stMain"]').inner_text(timeout=5_000)[:600]
    logs = "".join(f"\n--- {log} ---\n" + log.read_text(errors="replace")[-2_000:]
                   for log in sorted(folder.glob("*/streamlit.log"))) if folder else ""
    return f"{page.url} shows:\n{text}{logs}"


def _sign_in(page, name: str = "county", password: str = PASSWORD) -> None:
    page.get_by_label(t("auth.user_name")).fill(name)
    page.get_by_label(t("auth.password"), exact=True).fill(password)
    _click_and_rerun(page, page.get_by_role("button", name=SIGN_IN))


def _session_cookie(context, timeout: float = 15.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [cookie for cookie in context.cookies() if cookie["name"] == COOKIE]
        if found:
            return found[0]
        time.sleep(0.3)
    raise AssertionError("the session cookie never arrived")


def test_sign_in_lasts_across_reload_new_tab_and_the_other_process(setup, servers, context):
    first, second = servers
    folder = setup[2]
    page = _open(context, first + "/drill")
    assert _comes_to(page, _at_sign_in), _shown(page, folder)
    _sign_in(page)
    assert _comes_to(page, _signed_in), _shown(page, folder)
    cookie = _session_cookie(context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert page.evaluate("document.cookie").find(COOKIE) == -1  # no script can read it
    page.reload(wait_until="domcontentloaded")
    _settle(page)
    assert _comes_to(page, _signed_in), "a reload signed the user out: " + _shown(page, folder)
    tab = _open(context, first + "/risk")
    assert _comes_to(tab, _signed_in), "a new tab did not find the sign-in: " + _shown(tab, folder)
    other = _open(context, second + "/drill")  # the other process: a restart looks the same to the browser
    assert _comes_to(other, _signed_in), "the other app process did not accept the cookie: " + _shown(other, folder)
    other.screenshot(path=str(SCREENSHOTS / "sessions_other_process.png"), full_page=True)


def test_sign_out_ends_every_session_of_the_user(setup, servers, browser, context):
    first, second = servers
    folder = setup[2]
    page = _open(context, first + "/drill")
    _sign_in(page)
    _session_cookie(context)
    tab = _open(context, second + "/drill")
    assert _comes_to(tab, _signed_in), _shown(tab, folder)
    elsewhere = browser.new_context(locale="zh-CN")  # the same user on another computer
    try:
        far = _open(elsewhere, first + "/drill")
        _sign_in(far)
        assert _comes_to(far, _signed_in), _shown(far, folder)
        _click_and_rerun(page, page.get_by_role("button", name=SIGN_OUT))
        assert _comes_to(page, _at_sign_in), _shown(page, folder)
        for still_open in (tab, far):  # their next run finds the session revoked
            still_open.reload(wait_until="domcontentloaded")
            _settle(still_open)
            assert _comes_to(still_open, _at_sign_in), _shown(still_open, folder)
        far.screenshot(path=str(SCREENSHOTS / "sessions_signed_out_elsewhere.png"), full_page=True)
    finally:
        elsewhere.close()


def test_the_throttle_counts_on_both_processes(servers, context):
    first, second = servers
    page = _open(context, first + "/drill")
    for attempt in range(4):  # three free failures, the fourth makes this name at this address wait
        _sign_in(page, "other", f"wrong {attempt}")
    tab = _open(context, second + "/drill")
    # On the other process one more failure is the fifth (or falls in the wait): a delay either way;
    # counted apart, it would be this process's first and merely "wrong password".
    _sign_in(tab, "other", "wrong again")
    assert tab.get_by_text(t("auth.wait", seconds=0)[:8]).count() >= 1 and not _signed_in(tab)
    assert tab.get_by_text(t("auth.sign_in_failed")).count() == 0


def test_an_idle_session_ends(setup, context):
    db, users, folder = setup
    (folder / "idle").mkdir()
    with running_app(db, folder / "idle", {AUTH_FILE_ENV: str(users), IDLE_ENV: str(IDLE_SECONDS / 60)}) as url:
        page = _open(context, url + "/drill")
        _sign_in(page)
        _session_cookie(context)
        page.reload(wait_until="domcontentloaded")
        _settle(page)
        assert _comes_to(page, _signed_in), _shown(page, folder)
        time.sleep(IDLE_SECONDS + 2)
        page.reload(wait_until="domcontentloaded")
        _settle(page)
        assert _comes_to(page, _at_sign_in), "an idle session was still accepted: " + _shown(page, folder)
        page.screenshot(path=str(SCREENSHOTS / "sessions_idle_ended.png"), full_page=True)


def test_a_restarted_process_keeps_the_sign_in(setup, context):
    db, users, folder = setup
    (folder / "before").mkdir()
    (folder / "after").mkdir()
    with running_app(db, folder / "before", {AUTH_FILE_ENV: str(users)}) as url:
        page = _open(context, url + "/drill")
        _sign_in(page)
        _session_cookie(context)
        page.close()
    # The process is gone (its Streamlit sessions with it); a new one starts on the same database.
    with running_app(db, folder / "after", {AUTH_FILE_ENV: str(users)}) as url:
        page = _open(context, url + "/drill")
        assert _comes_to(page, _signed_in), "a restart signed the user out: " + _shown(page, folder)
