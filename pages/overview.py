"""总览 cockpit: KPI tiles with the change since the same day last week, sparklines, and what
changed this week, each linked to the page that explains it."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from components.brief_button import render_brief_download
from components.labels import t
from components.overview_panels import build_changes, build_tiles, render_changes, render_tiles
from components.view import current_view
from queries.areas import area_tree
from queries.drill import figures_by_area
from queries.overview import asset_totals, new_cases_by_village, weekly_cases, weekly_open_problems
from queries.warnings import area_warnings

WEEK = timedelta(days=7)
# Warnings that start on a day (not a yearly figure): these can be "new this week".
EVENT_RULES = ("new_guarantee_problem", "open_without_measure", "no_recent_visit")


def main() -> None:
    """Draw the cockpit for the current view."""
    view = current_view()
    st.title(t("overview.title"))
    render_brief_download(view, ("overview",), "overview")
    st.caption(t("overview.asof_line", asof=view.asof, start=view.asof - WEEK + timedelta(days=1)))
    area = (view.db, view.scope, view.area_code, view.area_level)
    cases = weekly_cases(*area, view.asof)
    problems = weekly_open_problems(*area, view.asof)
    under = [figures_by_area(*area, view.area_level, day) for day in (view.asof, view.asof - WEEK)]
    under_line = tuple(int(frame["under_line"].sum()) for frame in under)
    tiles = build_tiles(cases, problems, under_line, asset_totals(*area, view.asof), view.link())
    # On the big screen the news sits beside the tiles so one screen holds everything.
    tiles_area, news_area = st.columns([3, 1]) if view.screen else (st.container(), st.container())
    with tiles_area:
        render_tiles(tiles, links=not view.screen)

    warnings = area_warnings(*area, view.asof, rules=EVENT_RULES)
    fresh = warnings[warnings["since"] > view.asof - WEEK] if not warnings.empty else warnings
    new_warnings = {rule: int((fresh["rule"] == rule).sum()) for rule in EVENT_RULES} if not fresh.empty else {}
    tree = area_tree(view.db, view.scope)
    changes = build_changes(cases, new_cases_by_village(*area, view.asof), tree["name"], new_warnings, problems,
                            lambda code: view.link(area=code) if code else view.link())
    with news_area:
        render_changes(changes)


main()
