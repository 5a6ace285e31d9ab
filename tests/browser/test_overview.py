"""The cockpit in a real browser: the default page, tiles with sparklines, links that drill."""

from __future__ import annotations

import pytest

from labels import t
from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'


def test_root_opens_the_cockpit_and_a_change_drills_to_its_village(open_page):
    opened = open_page("/?asof=2026-11-20", viewport=(1920, 1080))
    page = opened.page
    assert page.locator("h1").first.inner_text().strip() == t("overview.title")
    page.locator('[data-testid="stMetric"]').nth(5).wait_for(timeout=30_000)  # tiles may follow the title
    assert page.locator('[data-testid="stMetric"] svg, [data-testid="stMetric"] canvas').count() >= 4  # sparklines
    page.screenshot(path="test-artifacts/screenshots/overview_1080p.png", full_page=True)
    village_link = page.locator('[data-testid="stPageLink"] a[href*="drill"]',
                                has_text=t("overview.tile_identified_week")).nth(0)
    href = village_link.get_attribute("href")
    village_link.click()
    page.wait_for_function("location.pathname.endsWith('/drill') && location.search.includes('area=')")
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() == t("drill.title")
    assert "area=" in (href or page.url)
    assert page.locator(EXCEPTION).count() == 0
    assert opened.errors == [] and opened.foreign_requests == []
