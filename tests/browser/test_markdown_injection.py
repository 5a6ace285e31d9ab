"""Markdown injection (issue 21, 1) in a real browser: every page opened with Markdown links, images
and bare URLs in every URL parameter, over a database with the same text planted in the names,
titles, notes and issues the pages show. No anchor may lead off the app, no image may come from
elsewhere, and no request may leave (the harness records and aborts foreign requests).

The server runs with a users file: a township leader with full personal detail signs in, and the
sign-in keeps the hostile URL, as the review showed.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode, urlsplit

import pytest

from components import page_params
from components.auth_users import AUTH_FILE_ENV, hash_password
from components.page_registry import PAGES
from tests.browser.conftest import running_app, wait_for_app
from tests.conftest import copy_sample
from tests.test_hostile_links import BARE_URL, PHISHING, plant_hostile_text

pytestmark = pytest.mark.browser

PASSWORD = "markdown injection 21"
EXCEPTION = '[data-testid="stException"]'
ASOF = "2026-11-20"
BARE = BARE_URL + " www.example.com"
# Every link and image source in the page and in its frames (folium maps, components), except
# Leaflet's own credit in the map corner (a fixed link the app draws, not data: it fetches nothing).
_TARGETS = """() => [
  ...Array.from(document.querySelectorAll('a[href]'))
    .filter(a => !(a.closest('.leaflet-control-attribution') && a.href === 'https://leafletjs.com/'))
    .map(a => ['a', a.href]),
  ...Array.from(document.querySelectorAll('img[src], image[href]')).map(i => ['img', i.currentSrc || i.src || i.getAttribute('href')]),
]"""


@pytest.fixture(scope="module")
def hostile(sample_db_url, tmp_path_factory):
    """A copy of the sample with hostile text planted; (folder, the household, its village)."""
    from queries.access import sample_assignments

    folder = tmp_path_factory.mktemp("markdown-injection")
    copy = folder / "hostile.db"
    copy_sample(sample_db_url, copy)
    village = sample_assignments(f"sqlite:///{copy}")["villages"][0]
    household_id = plant_hostile_text(copy)
    return folder, copy, household_id, village


@pytest.fixture(scope="module")
def app_server(hostile):
    """Overrides the session server: the hostile copy, and a leader of its first township who sees names."""
    folder, copy, _household, village = hostile
    users = folder / "users.toml"
    users.write_text(f'[users.leader]\nrole = "township_leader"\nareas = ["{village[:9]}000"]\n'
                     f'personal_detail = true\npassword_hash = "{hash_password(PASSWORD)}"\n', encoding="utf-8")
    with running_app(f"sqlite:///{copy}", folder, {AUTH_FILE_ENV: str(users)}) as base_url:
        yield base_url


def _hostile_query(page: str) -> dict[str, str]:
    """Every parameter the page takes (old names too), alternately a Markdown link/image and bare URLs."""
    today, asof = date.today(), date.fromisoformat(ASOF)
    declared = {"map": page_params.map_page(), "risk": page_params.risk_page(asof),
                "trends": page_params.trends_page(asof), "tasks": page_params.tasks_page()}.get(page, ())
    names = [param.name for param in page_params.shared(today)]
    names += [name for param in declared for name in (param.name, *param.aliases)]
    return {name: PHISHING if position % 2 == 0 else BARE for position, name in enumerate(names)}


def _signed_in(open_page, path: str):
    opened = open_page(path)
    page = opened.page
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    wait_for_app(page)
    page.wait_for_timeout(1500)  # maps and charts draw in frames after the run
    wait_for_app(page)
    return opened


def _foreign_targets(opened) -> list[str]:
    own = urlsplit(opened.url).netloc
    found = []
    for frame in opened.page.frames:
        try:
            targets = frame.evaluate(_TARGETS)
        except Exception:  # a frame that navigated away meanwhile has nothing left to check
            continue
        for kind, target in targets:
            parts = urlsplit(target or "")
            if parts.scheme in ("http", "https") and parts.netloc != own or parts.scheme == "javascript":
                found.append(f"{kind} {target}")
    return found


def _check(opened, name: str) -> None:
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
    assert _foreign_targets(opened) == []
    assert opened.foreign_requests == []
    page.screenshot(path=str(opened_screenshot(name)), full_page=True)


def opened_screenshot(name: str):
    from tests.browser.conftest import SCREENSHOTS

    return SCREENSHOTS / f"markdown_injection_{name}.png"


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_hostile_url_parameters_stay_text(open_page, spec):
    """Every parameter of the page is hostile: the notice names the values as text, cut at 40 characters."""
    opened = _signed_in(open_page, f"/{spec.url_path}?" + urlencode(_hostile_query(spec.url_path)))
    _check(opened, spec.url_path)
    alerts = " ".join(alert.inner_text() for alert in opened.page.locator('[data-testid="stAlert"]').all())
    alerts = alerts.replace("\u2060", "")  # the invisible joiner that keeps a URL from becoming a link
    assert PHISHING[:20] in alerts and PHISHING not in alerts  # shown as typed, and cut
    assert BARE_URL in alerts


@pytest.mark.parametrize("where", ["profile", "village", "village_map", "task", "unit", "risk", "overview"])
def test_hostile_database_text_stays_text(open_page, hostile, where):
    """Names, issues, notes, titles and asset names holding Markdown and URLs show as typed."""
    _folder, _copy, household_id, village = hostile
    path = {"profile": f"/drill?household={household_id}", "village": f"/drill?area={village}",
            "village_map": f"/map?area={village}", "task": "/tasks?task=T01", "unit": "/tasks?unit=fpb",
            "risk": f"/risk?area={village[:9]}000", "overview": f"/overview?area={village[:9]}000"}[where]
    opened = _signed_in(open_page, f"{path}&asof={ASOF}")
    _check(opened, where)
    if where == "profile":
        tables = opened.page.locator('[data-testid="stTable"]')
        tables.first.wait_for()
        text = opened.page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")
        assert PHISHING in text  # the head's name (and the 三保障 issue), exactly as typed
        cells = " ".join(tables.all_inner_texts()).replace("\u2060", "")
        assert PHISHING in cells and BARE in cells  # table cells: the issue, the name, the helper
        tables.last.scroll_into_view_if_needed()
        opened.page.screenshot(path=str(opened_screenshot("profile_tables")))
