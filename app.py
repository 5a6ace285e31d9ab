"""The frame: page config, database readiness, the resolved view, the shared sidebar, navigation."""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.big_screen import build_playlist, render_rotation, render_screen_frame, screen_settings
from components.db_status import database_health, ensure_sample_database, render_database_problem
from components.labels import t
from components.page_registry import PAGES
from components.sidebar import render_area_picker, render_asof_picker
from components.state import Keys, init_state
from components.url_params import asof_param, parse_params
from components.view import View
from db.engine import configured_url, is_default_url
from queries.areas import ancestors, area_tree
from queries.dataset import dataset_facts, top_areas
from queries.households import household_village
from queries.overview import weekly_cases, weekly_open_problems
from queries.scope import Scope


def _restore_remembered() -> None:
    # st.navigation drops query parameters on a page switch; bring back the area and date chosen.
    for name, key in (("area", Keys.REMEMBERED_AREA), ("asof", Keys.REMEMBERED_ASOF)):
        if name not in st.query_params and st.session_state.get(key):
            st.query_params[name] = st.session_state[key]


def _remember(view: View, today: date) -> None:
    # Only validated values: a malformed link must not come back on every page switch.
    st.session_state[Keys.REMEMBERED_AREA] = view.area_code
    st.session_state[Keys.REMEMBERED_ASOF] = asof_param(view.asof, today)


def _resolve_view(db: str, today: date) -> View:
    params = parse_params(st.query_params.to_dict(), today)
    problems = [t(key, value=value) for key, value in params.problems]
    roots = top_areas(db)
    # Until sign-in lands (issue 9) every viewer gets the whole dataset with personal data masked.
    scope = Scope(roots=tuple(zip(roots["code"], roots["level"])), personal_detail=False)
    tree = area_tree(db, scope)
    area_code = params.area
    if area_code is not None and area_code not in tree.index:
        problems.append(t("params.unknown_area", value=area_code))
        area_code = None
    if area_code is None and params.household is not None:
        area_code = household_village(db, scope, params.household)  # a household link opens its village
    if area_code is None:
        area_code = roots["code"].iloc[0]
    if problems:
        st.warning(t("params.ignored", items="；".join(problems)))
    return View(db=db, scope=scope, area_code=area_code, area_level=tree.at[area_code, "level"],
                asof=params.asof or today, household=params.household, unit=params.unit,
                screen=params.screen, is_sample=dataset_facts(db).get("sample") == "1")


def _change_scores(view: View) -> dict[str, int]:
    # How much each page has to tell this week, to order the big screen's playlist (cached reads
    # the cockpit makes anyway).
    area = (view.db, view.scope, view.area_code, view.area_level, view.asof)
    cases, problems = weekly_cases(*area), weekly_open_problems(*area)
    new, change = int(cases["identified"].iloc[-1]), int(cases["open_cases"].diff().iloc[-1])
    return {"risk": new + int(problems["found"].iloc[-1]), "map": new, "trends": abs(change)}


def _big_screen(view: View, tree, current: str) -> None:
    settings = screen_settings(st.query_params.to_dict())
    if settings.problems:
        st.warning(t("params.ignored", items="；".join(t(key, value=value) for key, value in settings.problems)))
    render_screen_frame(tree.at[view.area_code, "name"], view.asof.isoformat())
    query = {**view.link(), **{name: st.query_params[name] for name in ("dwell", "playlist") if name in st.query_params}}
    render_rotation(current, build_playlist(_change_scores(view), settings.playlist), settings.dwell, query)


def main() -> None:
    """Route every request: check the database, resolve the view, draw the sidebar, run the page."""
    st.set_page_config(page_title=t("app.title"), layout="wide", initial_sidebar_state="expanded")
    init_state()
    db = configured_url()
    if is_default_url(db):
        ensure_sample_database(db)
    health = database_health(db)
    if not health.ok:
        render_database_problem(health, db)
        st.stop()

    _restore_remembered()
    today = date.today()
    view = _resolve_view(db, today)
    _remember(view, today)
    st.session_state[Keys.VIEW] = view
    pages = [st.Page(spec.path, title=t(spec.label_key), url_path=spec.url_path, default=spec.default)
             for spec in PAGES]
    if not any(spec.default for spec in PAGES):
        pages.append(st.Page(lambda: st.switch_page(pages[0], query_params=st.query_params.to_dict()),
                             title=t("app.short_title"), url_path="start", default=True, visibility="hidden"))
    navigation = st.navigation({t("nav.section_main"): pages}, position="hidden" if view.screen else "sidebar")
    if view.screen:
        _big_screen(view, area_tree(db, view.scope), navigation.url_path)
        navigation.run()
        return
    with st.sidebar:
        st.markdown(f"### {t('app.title')}")
        if view.is_sample:
            st.caption(t("app.sample_banner"))
        tree = area_tree(db, view.scope)
        render_area_picker(tree, ancestors(tree, view.area_code))
        render_asof_picker(view.asof, today)
    navigation.run()


main()
