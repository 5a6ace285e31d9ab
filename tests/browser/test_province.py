"""A generated province in the browser: the top area is 示例省, its children are cities, then counties."""

from __future__ import annotations

import pytest

from tests.browser.conftest import running_app
from tests.conftest import SAMPLE_UNTIL

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
PROVINCE, CITY, COUNTY = "990000000000", "990100000000", "990101000000"


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """The app in sample mode on 示例省: 2 cities, 3 counties, 1,500 households."""
    from db.engine import make_engine
    from db.schema import metadata
    from sample_data.generator import generate

    folder = tmp_path_factory.mktemp("province-server")
    url = f"sqlite:///{folder / 'province.db'}"
    engine = make_engine(url)
    metadata.create_all(engine)
    generate(engine, households=1500, seed=7, until=SAMPLE_UNTIL, counties=3, cities=2)
    engine.dispose()
    with running_app(url, folder) as base_url:
        yield base_url


def _clean(opened) -> None:
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0
    assert opened.errors == [] and opened.foreign_requests == []


@pytest.mark.parametrize("page_path", ["overview", "drill", "map", "tasks", "risk", "trends"])
def test_province_top_pages(open_page, page_path):
    opened = open_page(f"/{page_path}?asof=2026-11-20")
    _clean(opened)
    # The sidebar names the top area and its level; the picker's first box is the city level.
    sidebar = opened.page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("示例省（省）").count() == 1
    if page_path == "drill":  # the table of children (drawn on a canvas: read what the server sent)
        assert opened.received_contains("示例市1") and opened.received_contains("示例市2")


def test_city_drill_lists_its_counties_and_leads_back_to_the_province(open_page):
    opened = open_page(f"/drill?area={CITY}&asof=2026-11-20")
    _clean(opened)
    page = opened.page
    assert opened.received_contains("示例县1") and opened.received_contains("示例县2")
    assert not opened.received_contains("示例县3")  # the other city's county
    page.get_by_role("button", name="示例省").first.click()
    page.wait_for_function(f"location.search.includes('area={PROVINCE}')")


def test_big_screen_at_the_province(open_page):
    opened = open_page("/?screen=1&asof=2026-11-20", viewport=(1920, 1080))
    _clean(opened)
    assert opened.received_contains("示例市1") and opened.received_contains("示例市2")  # the cities ranked


def test_county_map_under_a_city(open_page):
    opened = open_page(f"/map?area={COUNTY}&asof=2026-11-20")
    _clean(opened)
