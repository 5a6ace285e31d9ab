"""Big-screen mode as the meeting room sees it: fits 1080p and 2160p, large type, rotates, pauses."""

from __future__ import annotations

import pytest

from components.big_screen import NEVER_ON_SCREEN
from components.page_registry import PAGES
from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

ROTATING = [spec.url_path for spec in PAGES if spec.url_path not in NEVER_ON_SCREEN]
EXCEPTION = '[data-testid="stException"]'

# Every element that shows text of its own, with its computed font size in CSS pixels.
TEXT_SIZES = """() => {
  const sizes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('script,style,svg,canvas,iframe')) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
    sizes.push([parseFloat(style.fontSize), node.textContent.trim().slice(0, 30)]);
  }
  return sizes;
}"""

SCROLLS = """() => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  return {page: document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth,
          main: main.scrollHeight > main.clientHeight + 1 || main.scrollWidth > main.clientWidth + 1};
}"""


@pytest.mark.parametrize("width, height", [(1920, 1080), (3840, 2160)])
def test_cockpit_fills_the_screen_without_scrollbars(open_page, width, height):
    opened = open_page("/overview?screen=1&asof=2026-11-20", viewport=(width, height))
    page = opened.page
    page.wait_for_timeout(1500)
    assert page.locator(EXCEPTION).count() == 0
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    page.screenshot(path=f"test-artifacts/screenshots/big_screen_{height}p.png")
    assert page.evaluate(SCROLLS) == {"page": False, "main": False}
    small = [(size, text) for size, text in page.evaluate(TEXT_SIZES) if size < 18 * width / 1920]
    assert small == []
    assert page.locator("#screen-clock").inner_text().strip()  # the clock ticks in the browser
    assert opened.errors == [] and opened.foreign_requests == []
    page.screenshot(path=f"test-artifacts/screenshots/big_screen_{height}p.png")


@pytest.mark.skipif(len(ROTATING) < 2, reason="rotation needs two pages on screen")
def test_rotation_advances_and_space_pauses_it(open_page):
    first, second = ROTATING[0], ROTATING[1]
    opened = open_page(f"/{first}?screen=1&asof=2026-11-20&dwell=6&playlist={first},{second}",
                       viewport=(1920, 1080))
    page = opened.page
    page.wait_for_function(f"location.pathname.endsWith('/{second}')", timeout=30_000)
    wait_for_app(page)
    page.screenshot(path=f"test-artifacts/screenshots/big_screen_rotated_{second}.png")
    page.keyboard.press("Space")  # pause
    wait_for_app(page)
    page.wait_for_timeout(9_000)
    assert page.url.split("?")[0].endswith(f"/{second}")
    assert opened.errors == [] and opened.foreign_requests == []
