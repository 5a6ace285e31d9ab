"""The drill-down as a leader uses it: open a village, go back up by breadcrumb, open a household."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import create_engine

from components.text import md_escape

from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'


@pytest.fixture(scope="module")
def sample_rows(sample_db_url):
    engine = create_engine(sample_db_url)
    try:
        areas = pd.read_sql_table("area", engine)
        households = pd.read_sql_table("household", engine)
    finally:
        engine.dispose()
    return areas, households


def test_breadcrumb_leads_from_village_up_to_county(open_page, sample_rows):
    areas, households = sample_rows
    village = households["village_code"].mode()[0]
    names = areas.set_index("code")["name"]
    opened = open_page(f"/drill?area={village}&asof=2026-11-20")
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0
    assert page.get_by_text(names[village], exact=True).first.is_visible()
    page.get_by_role("button", name=names["429999000000"]).first.click()
    page.wait_for_function("location.search.includes('area=429999000000')")
    wait_for_app(page)
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator('[data-testid="stMetric"]').count() >= 6  # the tiles (and the compliance tab's counts)
    assert opened.errors == [] and opened.foreign_requests == []
    page.screenshot(path="test-artifacts/screenshots/drill_back_to_county.png", full_page=True)


def test_household_profile_shows_no_raw_personal_data(open_page, sample_rows):
    _areas, households = sample_rows
    person = households.iloc[0]
    opened = open_page(f"/drill?household={person['id']}&area={person['village_code']}&asof=2026-11-20")
    masked_id = person["id_number"][:6] + "*" * 8 + person["id_number"][-4:]
    opened.page.get_by_text(masked_id).first.wait_for(timeout=60_000)  # the identity table, drawn
    text = opened.page.locator("body").inner_text()
    html = opened.page.content()
    for secret in (person["head_name"], person["id_number"], person["phone"]):
        assert secret not in text and secret not in html
        assert not opened.received_contains(secret)
    # The table cell travels as escaped Markdown (components.text.md_cells) and reads as the masked number.
    assert masked_id in text and opened.received_contains(md_escape(masked_id))
    assert opened.errors == [] and opened.foreign_requests == []


def test_clicking_a_township_row_drills_into_it(open_page, sample_rows):
    areas, _households = sample_rows
    townships = areas[areas["level"] == "township"].sort_values("code")
    opened = open_page("/drill?asof=2026-11-20")
    page = opened.page
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    row_px = 35  # components.drill_tables.ROW_PX: the header, then one row per township
    # The grid is a canvas: click the selection box of the second row.
    page.mouse.click(box["x"] + 15, box["y"] + row_px * 2 + row_px / 2)
    second = townships.iloc[1]
    page.wait_for_function(f"location.search.includes('area={second['code']}')")
    wait_for_app(page)
    assert page.locator(EXCEPTION).count() == 0
    assert page.get_by_text(second["name"], exact=True).first.is_visible()
    assert opened.errors == [] and opened.foreign_requests == []
    page.screenshot(path="test-artifacts/screenshots/drill_into_township.png", full_page=True)


def test_picking_today_after_a_past_date_returns_to_today(open_page):
    from datetime import date

    opened = open_page("/drill?asof=2025-06-30")
    page = opened.page
    segments = page.locator('[data-testid="stDateInput"] [role="spinbutton"]')  # year, month, day
    today = date.today()
    for segment, text in zip(segments.all(), (f"{today.year}", f"{today.month:02d}", f"{today.day:02d}")):
        segment.click()
        page.keyboard.type(text)
    page.locator("h1").first.click()  # the date commits when the field loses focus
    page.wait_for_function("!location.search.includes('asof=')")
    wait_for_app(page)
    page.wait_for_timeout(1500)  # a wrongly restored date would come back on the next run
    assert "asof=" not in page.url
    assert [s.inner_text() for s in segments.all()] == [f"{today.year}", f"{today.month:02d}", f"{today.day:02d}"]
    assert opened.errors == [] and page.locator(EXCEPTION).count() == 0


def test_coverage_tab_shows_measures_overlap_and_local_settings(open_page):
    from labels import t

    opened = open_page("/drill?area=429999000000&asof=2026-11-20")
    page = opened.page
    page.get_by_role("tab", name=t("coverage.heading")).click()
    page.get_by_text(t("overlap.heading")).first.wait_for()
    page.get_by_text(t("settings.heading")).first.click()  # open the 口径说明 expander
    page.get_by_text(t("settings_doc.rigid_share")[:10]).first.wait_for(state="attached")  # a grid cell
    page.wait_for_timeout(800)  # the expander opens
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() >= 3  # coverage, overlap, settings
    assert opened.errors == [] and opened.foreign_requests == []
    page.screenshot(path="test-artifacts/screenshots/drill_coverage_tab.png", full_page=True)


def test_profile_names_the_low_income_category_of_a_household_on_dibao(open_page, sample_db_url):
    # Issue 20: household status gains the 民政 categories; a household on 低保 on the date says so.
    from labels import label_of, t

    engine = create_engine(sample_db_url)
    try:
        measures = pd.read_sql_table("assistance", engine)
        households = pd.read_sql_table("household", engine).set_index("id")
    finally:
        engine.dispose()
    day = pd.Timestamp("2026-11-20")
    started, ended = pd.to_datetime(measures["started_on"]), pd.to_datetime(measures["ended_on"])
    held = measures[(measures["kind"] == "dibao") & (started <= day) & (ended.isna() | (ended >= day))]
    household = int(held["household_id"].iloc[0])
    village = households.at[household, "village_code"]
    opened = open_page(f"/drill?household={household}&area={village}&asof=2026-11-20")
    page = opened.page
    page.get_by_text(t("col.low_income"), exact=True).first.wait_for(timeout=60_000)
    row = page.locator("tr", has_text=t("col.low_income")).first.inner_text()
    assert label_of("low_income_category", "dibao") in row
    assert page.locator(EXCEPTION).count() == 0
    assert opened.errors == [] and opened.foreign_requests == []
    page.screenshot(path="test-artifacts/screenshots/profile_low_income.png", full_page=True)
