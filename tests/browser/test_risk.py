"""The risk page in headless Chromium with no internet: both heatmaps, the heat layer, URL-kept filters."""

from __future__ import annotations

import pytest

from components.labels import t
from tests.browser.conftest import SCREENSHOTS, wait_for_app

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def test_risk_page_draws_heatmaps_and_heat_layer_offline(open_page):
    opened = open_page("/risk?area=429999105000&asof=2026-11-20", viewport=(1600, 2600))
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0
    charts = page.locator('[data-testid="stPlotlyChart"]')
    charts.first.wait_for(timeout=60_000)
    assert charts.count() == 2
    assert page.locator(".js-plotly-plot .heatmaplayer").count() == 2
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
    assert t("risk_page.measure_rate") in chosen.all_inner_texts()  # the reloaded page shows the URL's choice
    assert page.locator(EXCEPTION).count() == 0
    assert opened.errors == [] and opened.foreign_requests == []
