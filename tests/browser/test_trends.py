"""The trends page in Chromium: every chart draws with Chinese labels, offline, without console errors."""

from __future__ import annotations

from datetime import date

import pytest

from labels import t
from queries.elimination_quality import elimination_quality
from queries.scope import Scope
from tests.browser.conftest import SCREENSHOTS, wait_for_app

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
PLOT = '[data-testid="stPlotlyChart"] .main-svg'
CHARTS_AT_COUNTY = 7  # cases, risks, elimination, income, problems, indicators, compare
CHARTS_FIRST_TAB = 4  # cases (two panels), risks, elimination, in Vega-Lite: the other tabs draw when opened
SECTION_CHARTS = {"income": 1, "problems": 1, "indicators": 1, "compare": 1}


DRAWN = '[data-testid="stPlotlyChart"] .plot-container, [data-testid="stVegaLiteChart"] svg.marks'
CHARTS = '[data-testid="stPlotlyChart"], [data-testid="stVegaLiteChart"]'


def _charts_drawn(page, count: int) -> None:
    page.wait_for_function(f"document.querySelectorAll('{DRAWN}').length >= {count}", timeout=60_000)


def test_county_trends_draw_every_chart(open_page, sample_db_url):
    opened = open_page("/trends?asof=2026-11-20", viewport=(1600, 3200))
    page = opened.page
    _charts_drawn(page, CHARTS_FIRST_TAB)
    assert page.locator(EXCEPTION).count() == 0
    text = page.locator("body").inner_text()
    assert t("trends.cases_heading") in text and t("trends.income_heading") not in text  # one tab at a time
    stock = elimination_quality(sample_db_url, Scope(roots=(("429999000000", "county"),)), "429999000000", "county",
                                date(2026, 11, 20))
    assert t("trends.stock_now", date="2026-11-20", identified=f"{stock['identified']:,}",
             eliminated=f"{stock['eliminated']:,}", open=f"{stock['identified'] - stock['eliminated']:,}",
             people=f"{stock['open_people']:,}") in text  # the period-end stock in 户 and 人
    # Chinese inside the charts themselves: the phase labels and axis titles are SVG text.
    svg_text = " ".join(page.locator('[data-testid="stVegaLiteChart"] svg text').all_text_contents())
    assert t("trends.phase_transition") in svg_text and t("trends.phase_regular") in svg_text
    assert t("trends.axis_open") in svg_text
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0  # the first tab loads no plotly.js
    page.screenshot(path=str(SCREENSHOTS / "trends_county_full.png"), full_page=True)
    drawn = CHARTS_FIRST_TAB
    for section, charts in SECTION_CHARTS.items():  # a click opens the tab, draws its charts and goes in the URL
        page.get_by_role("tab", name=t(f"trends.section_{section}")).click()
        page.wait_for_function(f"location.search.includes('section={section}')")
        wait_for_app(page)
        _charts_drawn(page, charts)
        assert page.locator(CHARTS).count() == charts
        if section == "income":
            page.locator('[data-testid="stPlotlyChart"]').first.hover()  # the mode bar shows on hover
            assert page.locator(".modebar").count() >= 1 and page.locator(".modebar-btn--logo").count() == 0
        drawn += charts
        text += page.locator("body").inner_text()
        assert page.locator(EXCEPTION).count() == 0
        assert page.locator('[data-testid="stDownloadButton"]').count() >= charts
        page.screenshot(path=str(SCREENSHOTS / f"trends_county_{section}.png"), full_page=True)
    assert drawn == CHARTS_AT_COUNTY + 1  # the cases chart has two panels
    for key in ("trends.income_heading", "trends.problems_heading", "trends.indicators_heading",
                "trends.two_highs_heading"):
        assert t(key) in text
    page.go_back()  # the browser's back button returns to the tab before
    page.wait_for_function("location.search.includes('section=indicators')")
    wait_for_app(page)
    assert page.locator('[role="tab"][aria-selected="true"]').inner_text() == t("trends.section_indicators")
    assert opened.errors == [] and opened.foreign_requests == []


def test_period_picker_and_bad_period(open_page, sample_db_url):
    opened = open_page("/trends?asof=2026-11-20&area=429999001000&from_month=2023-01&to_month=2023-99")
    page = opened.page
    _charts_drawn(page, CHARTS_FIRST_TAB)
    alerts = [alert.inner_text() for alert in page.locator('[data-testid="stAlert"]').all()]
    assert any("2023-99" in alert for alert in alerts)  # (the sidebar's sample banner is an alert too)
    assert page.locator(EXCEPTION).count() == 0
    slider = page.locator('[data-testid="stSlider"] input[type="range"]').first  # the start thumb
    slider.focus()
    page.keyboard.press("ArrowRight")  # from 2023-01 to 2023-02
    page.wait_for_function("location.search.includes('from_month=2023-02')")
    wait_for_app(page)
    assert page.locator(EXCEPTION).count() == 0
    assert opened.errors == [] and opened.foreign_requests == []
    page.screenshot(path=str(SCREENSHOTS / "trends_township_period.png"), full_page=True)


def test_a_csv_download_is_logged_when_clicked(open_page, sample_db_url):
    from tests.conftest import read_table

    def exports() -> list[str]:
        log = read_table(sample_db_url, "audit_log")
        return log.loc[log["action"] == "export", "detail"].tolist()

    before = len(exports())
    opened = open_page("/trends?asof=2026-11-20&area=429999001000")
    page = opened.page
    _charts_drawn(page, CHARTS_FIRST_TAB)
    assert len(exports()) == before  # drawn, not exported
    assert not opened.received_contains("/media/")  # the server sent no file link with the page
    with page.expect_download() as download:
        page.locator('[data-testid="stDownloadButton"] button').first.click()
    assert download.value.suggested_filename == "trends_cases.csv"
    assert open(download.value.path(), "rb").read().startswith("\ufeff".encode())  # the BOM spreadsheets need
    assert exports()[before:] == ["csv: trends_cases.csv"]
    assert opened.errors == [] and opened.foreign_requests == []


def test_seed_indicators_section_shows_targets_and_seeds(open_page):
    """Rule 11 (issue 20): the seeds' indicators with counts, target and verdict, each seed quoted."""
    opened = open_page("/trends?asof=2026-11-20&section=indicators", viewport=(1600, 1200))
    page = opened.page
    _charts_drawn(page, SECTION_CHARTS["indicators"])
    heading = page.get_by_text(t("seed_indicator.heading"), exact=True)
    heading.scroll_into_view_if_needed()
    text = page.locator("body").inner_text()
    for code in ("relocated_employed", "medical_insured", "chronic_signed", "welfare_posts", "credit_overdue"):
        assert t(f"seed_indicator.{code}_seed") in text
    assert page.locator(EXCEPTION).count() == 0
    assert opened.errors == [] and opened.foreign_requests == []
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "trends_seed_indicators.png"))
