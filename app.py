"""The frame: page config, database readiness, who is signed in, the resolved view, the sidebar, navigation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from components.auth import Viewer, may_see_server_details, resolve_viewer, sample_roles, sign_out
from components.auth_log import log_view
from components.auth_sessions import render_claim_image
from components.big_screen import build_playlist, render_rotation, render_screen_frame, screen_settings
from components.db_status import database_health, ensure_sample_database, render_database_problem
from labels import t
from components.page_registry import PAGES, PageSpec
from components.roles import may_open
from components.sidebar import (render_area_picker, render_asof_picker, render_sample_switcher,
                                render_signed_in)
from components.state import Keys, init_state
from components.page_params import parse_params
from components.url_params import asof_param
from components.url_state import current_params, report_rejected, restore_params
from components.view import View
from components.widget_text import render_widget_text
from db.engine import configured_url, is_default_url
from queries.areas import ancestors, area_tree
from queries.dataset import dataset_facts
from queries.households import household_village
from queries.overview import weekly_cases, weekly_open_problems
from queries.reports import ensure_report_tables


def _restore_remembered() -> None:
    # st.navigation drops query parameters on a page switch; bring back the area and date chosen.
    restore_params({"area": st.session_state.get(Keys.REMEMBERED_AREA),
                    "asof": st.session_state.get(Keys.REMEMBERED_ASOF)})


def _remember(view: View, today: date) -> None:
    # Only validated values: a malformed link must not come back on every page switch.
    st.session_state[Keys.REMEMBERED_AREA] = view.area_code
    st.session_state[Keys.REMEMBERED_ASOF] = asof_param(view.asof, today)


def _resolve_view(db: str, today: date, viewer: Viewer, is_sample: bool) -> tuple[View, list[str]]:
    """The view the URL asks for, inside the viewer's scope; also what was refused (for the audit log)."""
    params = parse_params(current_params(), today)
    problems = list(params.problems)
    refusals = [f"{key}={value}" for key, value in params.problems]
    scope = viewer.scope
    if params.screen:  # the big screen shows counts only, whatever the role (the queries enforce it)
        scope = replace(scope, personal_detail=False, household_detail=False)
    tree = area_tree(db, scope)
    area_code = params.area
    if area_code is not None and area_code not in tree.index:
        problems.append(("params.unknown_area", area_code))
        refusals.append(f"area={area_code}")
        area_code = None
    household = params.household
    if household is not None and not scope.household_detail:
        problems.append(("auth.household_not_allowed", str(household)))
        refusals.append(f"household={household}")
        household = None
    if household is not None:
        village = household_village(db, scope, household)
        if village is None:  # absent or outside the scope: the page says it cannot be shown
            refusals.append(f"household={household}")
        area_code = area_code or village  # a household link opens its village
    if area_code is None:
        area_code = scope.roots[0][0]
    report_rejected(problems)
    view = View(db=db, scope=scope, area_code=area_code, area_level=tree.at[area_code, "level"],
                asof=params.asof or today, household=household, unit=params.unit or scope.unit_code,
                screen=params.screen, is_sample=is_sample,
                pages=frozenset(spec.url_path for spec in PAGES if may_open(viewer.role, spec.url_path)))
    return view, refusals


def _pages(specs: list[PageSpec], unit_code: str | None = None) -> list:
    """st.Page objects for the specs, plus the hidden "/" forwarder when none of them is the default.

    "/" opens the first page (the cockpit); a department head (unit_code) starts on their unit's tasks.
    """
    pages = [st.Page(spec.path, title=t(spec.label_key), url_path=spec.url_path, default=spec.default)
             for spec in specs]
    start, extra = 0, {}
    paths = [spec.url_path for spec in specs]
    if unit_code is not None and "tasks" in paths:
        start, extra = paths.index("tasks"), {"unit": unit_code}
    if not any(spec.default for spec in specs):
        # Streamlit serves the default page at "/" only: a real page as default would lose its own path.
        pages.append(st.Page(lambda: st.switch_page(pages[start], query_params={**current_params(), **extra}),
                             title=t("app.short_title"), url_path="start", default=True, visibility="hidden"))
    return pages


def _navigation_hidden() -> None:
    # Before sign-in: register the pages (so the address stays valid) but show and run none of them;
    # without any st.navigation call Streamlit would list no pages and serve none of their addresses.
    st.navigation(_pages(list(PAGES)), position="hidden")


def _render_viewer_box(db: str, viewer: Viewer) -> None:
    if viewer.sample:
        render_sample_switcher(sample_roles(db), viewer.role)
    else:
        render_signed_in(viewer.display_name, viewer.role, lambda: sign_out(db, viewer))


def _change_scores(view: View) -> dict[str, int]:
    # How much each page has to tell this week, to order the big screen's playlist (cached reads
    # the cockpit makes anyway).
    area = (view.db, view.scope, view.area_code, view.area_level, view.asof)
    cases, problems = weekly_cases(*area), weekly_open_problems(*area)
    new, change = int(cases["identified"].iloc[-1]), int(cases["open_cases"].diff().iloc[-1])
    return {"risk": new + int(problems["found"].iloc[-1]), "map": new, "trends": abs(change)}


def _big_screen(view: View, tree, current: str, allowed: frozenset[str]) -> None:
    raw = current_params()
    settings = screen_settings(raw)
    report_rejected(settings.problems)
    render_screen_frame(tree.at[view.area_code, "name"], view.asof.isoformat())
    query = {**view.link(), **{name: raw[name] for name in ("dwell", "playlist") if name in raw}}
    playlist = build_playlist(_change_scores(view), settings.playlist, allowed)
    render_rotation(current, playlist, settings.dwell, query)


def main() -> None:
    """Route every request: check the database, resolve the view, draw the sidebar, run the page."""
    st.set_page_config(page_title=t("app.title"), layout="wide", initial_sidebar_state="expanded")
    init_state()
    db = configured_url()
    if is_default_url(db):
        ensure_sample_database(db)
    health = database_health(db)
    if not health.ok:
        # Strangers get a generic page: the details (host, port, account, driver error) go to the
        # server log and to signed-in county leaders only.
        render_database_problem(health, db, detailed=may_see_server_details(is_default_url(db)))
        _navigation_hidden()
        st.stop()

    ensure_report_tables(db)  # an older database gets the reporting loop's columns and tables
    is_sample = dataset_facts(db).get("sample") == "1"
    viewer = resolve_viewer(db, is_sample, _navigation_hidden)
    st.session_state[Keys.VIEWER] = viewer
    if not viewer.scope.roots:  # deny by default: a user without areas sees nothing at all
        st.title(t("app.title"))
        st.error(t("auth.no_scope", name=viewer.display_name))
        render_signed_in(viewer.display_name, viewer.role, lambda: sign_out(db, viewer))
        _navigation_hidden()
        st.stop()

    _restore_remembered()
    today = date.today()
    view, refusals = _resolve_view(db, today, viewer, is_sample)
    _remember(view, today)
    st.session_state[Keys.VIEW] = view
    allowed = [spec for spec in PAGES if may_open(viewer.role, spec.url_path)]
    pages = _pages(allowed, None if view.screen else viewer.scope.unit_code)
    navigation = st.navigation({t("nav.section_main"): pages}, position="hidden" if view.screen else "sidebar")
    # By identity: a default page's url_path reads "". The forwarder reruns at once as the real page.
    page_name = {id(page): spec.url_path for page, spec in zip(pages, allowed)}.get(id(navigation))
    if page_name is not None and not log_view(viewer, view, page_name, refusals):
        # Unmasked personal data is only ever seen on the record: no audit entry, no page.
        st.error(t("security.audit_unavailable"))
        st.stop()
    if view.screen:
        render_claim_image()
        _big_screen(view, area_tree(db, view.scope), page_name or "", frozenset(spec.url_path for spec in allowed))
        navigation.run()
        return
    with st.sidebar:
        render_widget_text()
        st.markdown(f"### {t('app.title')}")
        _render_viewer_box(db, viewer)
        render_claim_image()
        if view.is_sample:
            st.caption(t("app.sample_banner"))
        tree = area_tree(db, view.scope)
        render_area_picker(tree, ancestors(tree, view.area_code), [code for code, _level in view.scope.roots])
        render_asof_picker(view.asof, today)
    if not view.scope.household_detail and (view.area_level == "village" or view.household is not None):
        st.info(t("auth.aggregates_only"))
    navigation.run()


main()
