"""The risk page in headless Chromium with no internet: both heatmaps, the heat layer, URL-kept filters."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from labels import t
from tests.browser.conftest import SCREENSHOTS, wait_for_app

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def test_risk_page_draws_heatmaps_and_heat_layer_offline(open_page):
    opened = open_page("/risk?area=429999105000&asof=2026-11-20", viewport=(1600, 2600))
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0
    # Vega-Lite draws each chart when its element arrives: wait for both, not only the first (ci15 counted
    # one while the second was on its way). No plotly: a fresh tab would spend a second loading it.
    expect(page.locator('[data-testid="stVegaLiteChart"] svg.marks')).to_have_count(2, timeout=60_000)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    numbers = page.locator('[data-testid="stVegaLiteChart"]').first.locator(".mark-text.role-mark text")
    expect(numbers.first).to_be_visible()
    assert numbers.count() > 0 and all(text.strip().isdigit() for text in numbers.all_text_contents())
    labels = " ".join(page.locator('[data-testid="stVegaLiteChart"]').first.locator(".role-axis-label text")
                      .all_text_contents())
    assert t("risk.illness") in labels and "合计" in labels  # Chinese axis labels drawn as SVG text
    page.locator('[data-testid="stVegaLiteChart"]').first.locator(".mark-text.role-mark text").first.hover()
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible(timeout=10_000)
    assert t("risk_page.measure_count") in tooltip.inner_text()
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    frame.wait_for_function("() => document.querySelectorAll('canvas.leaflet-heatmap-layer').length == 1",
                            timeout=30_000)
    page.wait_for_timeout(800)
    page.screenshot(path=str(SCREENSHOTS / "risk_township.png"), full_page=True)
    assert opened.errors == [] and opened.foreign_requests == []


def test_a_filter_change_lands_in_the_url_and_survives_a_reload(open_page):
    opened = open_page("/risk?asof=2026-11-20")
    page = opened.page
    page.get_by_role("radio", name=t("risk_page.measure_rate")).click()
    page.wait_for_function("location.search.includes('measure=rate')")
    wait_for_app(page)
    page.reload()
    wait_for_app(page)
    assert "measure=rate" in page.url
    chosen = page.locator('[data-testid="stButtonGroup"] [role="radio"][aria-checked="true"]')
    chosen.first.wait_for(timeout=60_000)  # the control is drawn after the script has settled, on a slow machine
    assert t("risk_page.measure_rate") in chosen.all_inner_texts()  # the reloaded page shows the URL's choice
    assert page.locator(EXCEPTION).count() == 0
    assert opened.errors == [] and opened.foreign_requests == []


def test_a_warning_row_opens_the_household_in_the_same_tab(open_page):
    """Opening a household from the warning list keeps the tab (and with it the role and sign-in)."""
    opened = open_page("/risk?area=429999105000&asof=2026-11-20", viewport=(1600, 2600))
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0
    hint = page.get_by_text(t("warning_list.open_hint"), exact=True).first
    hint.wait_for(timeout=60_000)
    grid = hint.locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]").locator(
        '[data-testid="stDataFrame"]').last
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    tabs_before = len(page.context.pages)
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 35 / 2)  # the first row's selection box
    page.wait_for_function("location.pathname.endsWith('/drill') && location.search.includes('household=')",
                           timeout=60_000)
    wait_for_app(page)
    assert len(page.context.pages) == tabs_before  # no new tab
    assert page.locator(EXCEPTION).count() == 0
    assert opened.errors == [] and opened.foreign_requests == []
