"""The wall as the meeting room sees it, on every page of the rotation at 1080p and 2160p: every
visible element inside the viewport and inside whatever clips it, no control, no untranslated
catalogue key or English word, and text contrast of at least 4.5:1 against what is behind it."""

from __future__ import annotations

import re

import pytest

from components.big_screen import NEVER_ON_SCREEN
from components.page_registry import PAGES
from labels import _catalogue

pytestmark = pytest.mark.browser

ROTATING = [spec.url_path for spec in PAGES if spec.url_path not in NEVER_ON_SCREEN]
SIZES = [(1920, 1080), (3840, 2160)]
ASOF = "2026-11-20"

# One pass over the page: what lies outside the viewport or its clipping box, what is a control,
# which text is hard to read, and the visible text itself.
AUDIT = """() => {
  const W = innerWidth, H = innerHeight, tol = 1;
  // Screen-reader-only text (Streamlit's "skip to content" link) is clipped to 1 px: not on the wall.
  const visible = el => el.checkVisibility({opacityProperty: true, visibilityProperty: true})
    && el.getBoundingClientRect().width > 1 && el.getBoundingClientRect().height > 1;
  const name = el => (el.getAttribute('data-testid') || el.className || el.tagName).toString().slice(0, 40)
    + ' «' + (el.innerText || el.alt || '').trim().slice(0, 30) + '»';
  const parse = c => { const m = c.match(/[\\d.]+/g) || [0, 0, 0, 0]; return [+m[0], +m[1], +m[2], m.length > 3 ? +m[3] : 1]; };
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = el => {
    let layers = [];
    for (let node = el; node; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let colour = [255, 255, 255];
    for (const [r, g, b, a] of layers.reverse()) colour = [r * a + colour[0] * (1 - a), g * a + colour[1] * (1 - a), b * a + colour[2] * (1 - a)];
    return colour;
  };
  const outside = [], clipped = [], controls = [], lowContrast = [], text = [];
  const all = [...document.body.querySelectorAll('*')].filter(el => !el.closest('script,style,head') && visible(el));
  for (const el of all) {
    const box = el.getBoundingClientRect();
    if (box.left < -tol || box.top < -tol || box.right > W + tol || box.bottom > H + tol) outside.push(name(el));
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const clip = up.getBoundingClientRect();
      if (box.left < clip.left - tol || box.top < clip.top - tol || box.right > clip.right + tol || box.bottom > clip.bottom + tol) {
        clipped.push(name(el)); break;
      }
    }
    const style = getComputedStyle(el);
    const ownText = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (ownText && style.overflow !== 'visible' && (el.scrollWidth > el.clientWidth + tol || el.scrollHeight > el.clientHeight + tol))
      clipped.push('cut: ' + name(el));
    if (el.matches('input,select,textarea,button,[role=button],[role=slider],[role=combobox],[role=listbox],iframe,'
        + '[data-testid=stSidebar],[data-testid=stSelectbox],[data-testid=stDateInput],[data-testid=stSegmentedControl],'
        + '[data-testid=stDownloadButton],[data-testid=stMultiSelect],[data-testid=stButton],[data-testid=stTabs]'))
      controls.push(name(el));
    if (ownText) {
      // The text itself, not its box: a nowrap value can spill out of a box that fits, and an ancestor
      // with hidden overflow (a tile) then cuts it without any element overflowing its own box.
      // A glyph run's box is taller than a tight line (line-height 1.1): vertically, allow a third of the font.
      const range = document.createRange(); range.selectNodeContents(el);
      const spread = range.getBoundingClientRect(), slack = parseFloat(style.fontSize) / 3;
      for (let up = el; up && up !== document.body; up = up.parentElement) {
        const upStyle = getComputedStyle(up);
        if (upStyle.overflowX === 'visible' && upStyle.overflowY === 'visible') continue;
        const clip = up.getBoundingClientRect();
        if (spread.left < clip.left - tol || spread.right > clip.right + tol
            || spread.top < clip.top - slack || spread.bottom > clip.bottom + slack) {
          clipped.push('text cut: ' + name(el)); break;
        }
      }
      text.push(ownText);
      const fg = parse(style.color), bg = background(el);
      const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      if (ratio < 4.5) lowContrast.push(`${ratio.toFixed(2)} ${style.color} on rgb(${bg.map(Math.round)}) ${name(el)}`);
    }
  }
  return {outside, clipped, controls, lowContrast, text: text.join('\\n'),
          stage: !!document.querySelector('.wall-stage'), images: document.querySelectorAll('.wall-stage img').length};
}"""

SECTIONS = {key.split(".")[0] for key in _catalogue("zh_CN")}
KEY_LIKE = re.compile(r"\b([a-z_]+)\.[a-z0-9_]+\b")
ENGLISH = re.compile(r"[A-Za-z]{2,}")


def untranslated(text: str) -> list[str]:
    """Catalogue keys shown as such (their section exists, so t() fell back to the key)."""
    return [match.group(0) for match in KEY_LIKE.finditer(text) if match.group(1) in SECTIONS]


def test_the_key_scan_finds_what_the_old_rotation_line_showed():
    assert untranslated("下一页：page.brief") == ["page.brief"]
    assert ENGLISH.findall("（按空格键或点击暂停）Space") == ["Space"]


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[1]}p")
@pytest.mark.parametrize("page_name", ROTATING)
def test_wall_page_fits_the_screen_without_controls_and_reads_well(open_page, page_name, size):
    opened = open_page(f"/{page_name}?screen=1&asof={ASOF}", viewport=size)
    page = opened.page
    page.wait_for_selector(".wall-stage", timeout=60_000)
    page.wait_for_function("[...document.images].every(image => image.complete)")
    page.screenshot(path=f"test-artifacts/screenshots/wall_{page_name}_{size[1]}p.png")
    report = page.evaluate(AUDIT)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert report["stage"] and report["images"] >= (0 if page_name == "tasks" else 1)
    assert report["outside"] == []
    assert report["clipped"] == []
    assert report["controls"] == []
    assert report["lowContrast"] == []
    assert untranslated(report["text"]) == []
    assert ENGLISH.findall(report["text"]) == []
    assert opened.errors == [] and opened.foreign_requests == []


@pytest.mark.parametrize("page_name", ["drill", "brief"])
def test_pages_off_the_rotation_show_no_controls_on_the_wall(open_page, page_name):
    opened = open_page(f"/{page_name}?screen=1&asof={ASOF}", viewport=(1920, 1080))
    page = opened.page
    page.wait_for_selector(".wall-stage", timeout=60_000)
    page.screenshot(path=f"test-artifacts/screenshots/wall_{page_name}_1080p.png")
    report = page.evaluate(AUDIT)
    assert report["outside"] == [] and report["clipped"] == [] and report["controls"] == []
    assert report["lowContrast"] == [] and untranslated(report["text"]) == []
    assert opened.errors == [] and opened.foreign_requests == []


@pytest.mark.parametrize("page_name", ["overview", "map", "risk"])
def test_a_township_on_the_wall_fits_too(open_page, page_name):
    opened = open_page(f"/{page_name}?screen=1&asof={ASOF}&area=429999103000", viewport=(1920, 1080))
    page = opened.page
    page.wait_for_selector(".wall-stage", timeout=60_000)
    page.wait_for_function("[...document.images].every(image => image.complete)")
    page.screenshot(path=f"test-artifacts/screenshots/wall_{page_name}_township_1080p.png")
    report = page.evaluate(AUDIT)
    assert report["outside"] == [] and report["clipped"] == [] and report["controls"] == []
    assert report["lowContrast"] == [] and untranslated(report["text"]) == []
    assert ENGLISH.findall(report["text"]) == []
    assert opened.errors == [] and opened.foreign_requests == []
