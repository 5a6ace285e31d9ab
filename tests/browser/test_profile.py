"""The household profile and the warning/compliance tabs in a real browser, with hostile data.

This module serves its own copy of the sample county in which one monitored household's name, its
latest visit note and an open 三保障 problem hold HTML: all of it must show as text.
"""

from __future__ import annotations


import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from labels import t
from tests.browser.conftest import running_app
from tests.conftest import copy_sample

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
NAME = "<img src=x onerror=alert(1)>"
NOTE = "<img src=x onerror=alert(2)>走访"
ISSUE = "<b>危房</b><img src=x onerror=alert(3)>"


@pytest.fixture(scope="module")
def hostile(sample_db_url, tmp_path_factory):
    """A copy of the sample with HTML planted in one monitored household's records; its raw row."""
    folder = tmp_path_factory.mktemp("hostile")
    copy = folder / "hostile.db"
    copy_sample(sample_db_url, copy)
    engine = create_engine(f"sqlite:///{copy}")
    with engine.begin() as connection:
        household_id = connection.execute(text(
            "SELECT c.household_id FROM monitoring_case c WHERE c.eliminated_on IS NULL "
            "AND EXISTS (SELECT 1 FROM visit v WHERE v.household_id = c.household_id) "
            "ORDER BY c.identified_on LIMIT 1")).scalar()
        connection.execute(text("UPDATE household SET head_name = :name WHERE id = :id"),
                           {"name": NAME, "id": household_id})
        connection.execute(text("UPDATE visit SET note = :note WHERE id = (SELECT id FROM visit WHERE "
                                "household_id = :id ORDER BY visited_on DESC LIMIT 1)"),
                           {"note": NOTE, "id": household_id})
        connection.execute(text("INSERT INTO guarantee_check (id, household_id, item, ok, checked_on, issue) "
                                "VALUES ((SELECT MAX(id) + 1 FROM guarantee_check), :id, 'housing', 0, "
                                "'2026-11-10', :issue)"), {"id": household_id, "issue": ISSUE})
        row = pd.read_sql(text("SELECT * FROM household WHERE id = :id"), connection, params={"id": household_id})
    engine.dispose()
    return f"sqlite:///{copy}", row.iloc[0], folder


@pytest.fixture(scope="module")
def app_server(hostile):
    """Overrides the session server: this module's pages come from the hostile copy."""
    url, _row, folder = hostile
    with running_app(url, folder) as base_url:
        yield base_url


def test_profile_shows_html_from_the_database_as_text(open_page, hostile):
    _url, person, _folder = hostile
    opened = open_page(f"/drill?household={person['id']}&asof=2026-11-20", viewport=(1600, 2700))
    page = opened.page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator('img[src="x"]').count() == 0
    body = page.locator("body").inner_text()
    assert ISSUE in body  # the open problem's text, tags and all, as typed
    assert t("profile.eligibility_heading") in body and t("profile.timeline_heading") in body
    html = page.content()
    for secret in (person["id_number"], person["phone"], NAME):
        assert secret not in html and not opened.received_contains(secret)
    page.locator(".js-plotly-plot").nth(1).wait_for(timeout=20_000)  # plotly loads lazily
    assert page.locator(".js-plotly-plot").count() == 2  # timeline and income
    page.wait_for_timeout(500)
    assert dialogs == [] and opened.errors == [] and opened.foreign_requests == []
    page.screenshot(path="test-artifacts/screenshots/profile_hostile.png", full_page=True)


def test_warning_and_compliance_tabs_list_and_link(open_page):
    opened = open_page("/drill?asof=2026-11-20", viewport=(1920, 1080))
    page = opened.page
    page.get_by_role("tab", name=t("warning_list.heading")).click()
    page.wait_for_timeout(500)
    assert page.locator('[data-testid="stDataFrame"]').nth(1).is_visible()
    page.screenshot(path="test-artifacts/screenshots/drill_warnings.png", full_page=True)
    page.get_by_role("tab", name=t("compliance.heading")).click()
    page.wait_for_timeout(500)
    assert page.get_by_text(t("compliance_rule.same_month")).first.is_visible()
    assert opened.errors == [] and opened.foreign_requests == [] and page.locator(EXCEPTION).count() == 0
    page.screenshot(path="test-artifacts/screenshots/drill_compliance.png", full_page=True)
