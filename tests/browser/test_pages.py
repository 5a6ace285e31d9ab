"""Every page loads in a real browser without an exception, a console error or a request off-site."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from components.page_registry import PAGES

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
ALERT = '[data-testid="stAlert"]'


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_page_loads_cleanly_offline(open_page, spec) -> None:
    """A leader opening the page sees its title and nothing broken, with no internet needed."""
    opened = open_page(f"/{spec.url_path}")
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
    assert opened.errors == []
    assert opened.foreign_requests == []
    heading = page.locator("h1").first
    assert heading.is_visible() and heading.inner_text().strip()


def test_leaflet_is_served_by_the_app(app_server: str) -> None:
    """The map library comes from the app's own static folder, not a CDN."""
    try:
        with urllib.request.urlopen(f"{app_server}/app/static/vendor/leaflet/leaflet.js", timeout=10) as resp:
            status, content_type, body = resp.status, resp.headers.get("Content-Type", ""), resp.read(200)
    except urllib.error.HTTPError as error:
        pytest.fail(f"leaflet.js not served ({error.code}): run `make assets`")
    assert status == 200
    assert "javascript" in content_type
    assert b"Leaflet" in body


def test_malformed_area_parameter_gets_a_friendly_message(open_page) -> None:
    """An injection-shaped area code in a bookmarked link is ignored with a notice, not a crash."""
    opened = open_page("/drill?area=%27%20OR%201%3D1%20--")
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
    # The notice names the rejected value (markdown may turn "--" into a dash, so match the middle).
    assert page.locator(ALERT).filter(has_text="OR 1=1").count() >= 1
    assert opened.errors == []
    assert page.locator("h1").first.is_visible()
