"""Markdown injection (issue 21, 1): hostile text in every URL parameter of every page, and in the
database text the household profile shows, is echoed escaped and cut, never as a link or image."""

from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from components import page_params
from components.page_registry import PAGES
from components.state import Keys
from components.text import ECHO_LIMIT
from labels import t
from tests.conftest import APP, copy_sample, on_page, shown

PHISHING = "[登录已过期，请点此重新登录](http://127.0.0.1:9/login)![t](http://127.0.0.1:9/beacon.png)"
BARE_URL = "http://127.0.0.1:9/login"
# A Markdown link or image, or a bare URL a renderer would turn into a link, still live in the source.
LIVE = re.compile(r"(?<!\\)\]\(|(?<!\\)!\[|https?://|www\.")
PAGE_PARAMS = {
    "overview": (), "brief": (), "audit": (), "drill": (), "quality": (), "signals": (),
    "map": page_params.map_page(),
    "risk": page_params.risk_page(date(2026, 11, 20)),
    "trends": page_params.trends_page(date(2026, 11, 20)),
    "tasks": page_params.tasks_page(),
}


def markdown_sources(test: AppTest) -> list[str]:
    """The Markdown source of every element that renders Markdown, main area and sidebar."""
    parts = [e.value for e in (*test.title, *test.header, *test.subheader, *test.markdown, *test.caption,
                                *test.info, *test.warning, *test.error, *test.success)]
    parts += [e.label for e in (*test.button, *test.expander)]
    for table in test.table:
        parts += [str(value) for value in table.value.to_numpy().ravel()]
    return parts


def _every_param(page: str) -> list[str]:
    names = [param.name for param in page_params.shared(date.today())]
    names += [name for param in PAGE_PARAMS[page] for name in (param.name, *param.aliases)]
    return names


def test_every_page_declares_its_parameters():
    assert set(PAGE_PARAMS) == {spec.url_path for spec in PAGES}


@pytest.mark.parametrize("hostile", [PHISHING, BARE_URL], ids=["markdown", "bare_url"])
@pytest.mark.parametrize("page", list(PAGE_PARAMS))
def test_hostile_value_in_every_parameter_is_echoed_escaped(app, page, hostile):
    names = [name for name in _every_param(page) if name not in ("from", "to")]  # aliases: tested below
    test = app(page, **{name: hostile for name in names})
    assert not test.exception
    sources = markdown_sources(test)
    assert not [source for source in sources if LIVE.search(source)]
    warnings = [shown(w.value) for w in test.warning]
    cut = hostile if len(hostile) <= ECHO_LIMIT else hostile[:ECHO_LIMIT] + "…"
    assert any(cut in warning for warning in warnings), warnings
    if len(hostile) > ECHO_LIMIT:
        assert not any(hostile[:ECHO_LIMIT + 1] in warning for warning in warnings)
    assert shown(t("params.bad_area", value=cut)) in warnings[0]  # one convention: the frame's notice


@pytest.mark.parametrize("page", ["risk", "trends"])
def test_old_period_names_are_checked_the_same_way(app, page):
    test = app(page, **{"from": PHISHING, "to": BARE_URL})
    assert not test.exception
    assert not [source for source in markdown_sources(test) if LIVE.search(source)]
    warning = shown(" ".join(w.value for w in test.warning))
    assert PHISHING[:ECHO_LIMIT] + "…" in warning and BARE_URL in warning


def plant_hostile_text(db_path) -> int:
    """Hostile text in every text column the pages show, in a copy of the sample; returns a household
    of the sample case officer's villages, given an open 三保障 problem whose issue is hostile too."""
    from sqlalchemy import create_engine, text

    from queries.access import sample_assignments

    url = f"sqlite:///{db_path}"
    villages = sample_assignments(url)["villages"]
    engine = create_engine(url)
    with engine.begin() as connection:
        household_id = connection.execute(text(
            "SELECT id FROM household WHERE village_code = :v ORDER BY id LIMIT 1"), {"v": villages[0]}).scalar_one()
        connection.execute(text("UPDATE household SET head_name = :t, helper_name = :u WHERE id = :id"),
                           {"t": PHISHING, "u": BARE_URL + " www.example.com", "id": household_id})
        next_id = connection.execute(text("SELECT MAX(id) + 1 FROM guarantee_check")).scalar_one()
        connection.execute(text("INSERT INTO guarantee_check (id, household_id, item, ok, checked_on, issue) "
                                "VALUES (:id, :h, 'housing', 0, '2026-11-01', :t)"),
                           {"id": next_id, "h": household_id, "t": PHISHING})
        connection.execute(text("UPDATE visit SET note = :t, visitor = :u WHERE household_id = :id"),
                           {"t": PHISHING, "u": BARE_URL, "id": household_id})
        connection.execute(text("UPDATE area SET name = :t WHERE code = :v"), {"t": PHISHING, "v": villages[0]})
        connection.execute(text("UPDATE task SET title = :t, detail = :u WHERE code = 'T01'"),
                           {"t": PHISHING, "u": BARE_URL})
        connection.execute(text("UPDATE unit SET name = :t WHERE code = (SELECT MIN(code) FROM unit)"),
                           {"t": PHISHING})
        connection.execute(text("UPDATE task_milestone SET title = :t"), {"t": PHISHING})
        connection.execute(text("UPDATE task_progress SET note = :t"), {"t": PHISHING + " " + BARE_URL})
        connection.execute(text("UPDATE asset SET name = :t"), {"t": PHISHING})
    engine.dispose()
    return household_id


@pytest.fixture
def hostile_db(sample_db_url, tmp_path, monkeypatch):
    """A copy of the sample with hostile text planted (plant_hostile_text); returns the household."""
    copy = tmp_path / "hostile.db"
    copy_sample(sample_db_url, copy)
    household_id = plant_hostile_text(copy)
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{copy}")
    return household_id


@pytest.mark.parametrize("role", ["county_leader", "case_officer"])  # names masked, and in full
def test_profile_shows_database_text_as_typed(hostile_db, role):
    test = AppTest.from_file(APP, default_timeout=60)
    test.session_state[Keys.SAMPLE_ROLE] = role
    test.query_params["household"] = str(hostile_db)
    test.query_params["asof"] = "2026-11-20"
    on_page(test, "drill").run()
    assert not test.exception
    assert not [source for source in markdown_sources(test) if LIVE.search(source)]
    cells = [shown(str(value)) for table in test.table for value in table.value.to_numpy().ravel()]
    assert PHISHING in cells  # the 三保障 issue, as typed
    assert BARE_URL + " www.example.com" in cells  # the helper
    if role == "case_officer":
        assert PHISHING in cells  # the head's name in full
        assert any(PHISHING in shown(heading.value) for heading in test.subheader)


@pytest.mark.parametrize("page", ["drill", "tasks", "map", "risk", "trends", "overview"])
def test_pages_show_planted_text_escaped(hostile_db, page):
    test = AppTest.from_file(APP, default_timeout=60)
    test.session_state[Keys.SAMPLE_ROLE] = "case_officer"
    test.query_params["asof"] = "2026-11-20"
    if page == "tasks":
        test.query_params["task"] = "T01"
    on_page(test, page).run()
    assert not test.exception
    assert not [source for source in markdown_sources(test) if LIVE.search(source)]
