"""总览 cockpit: KPI tiles with the change since the same day last week, sparklines, and what
changed this week, each linked to the page that explains it."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from components.brief_button import render_brief_download
from components.labels import t
from components.legend import render_legend
from components.map_layers import LayerNames, build_area_map
from components.map_render import render_map
from components.map_styles import build_area_styles
from components.overview_panels import (build_changes, build_task_changes, build_task_tiles, build_tiles,
                                        render_changes, render_tiles)
from components.page_registry import page_path
from components.view import current_view
from queries.areas import area_tree, children
from queries.drill import figures_by_area
from queries.map import child_boundaries, map_figures, parts_for
from queries.overview import asset_totals, new_cases_by_village, weekly_cases, weekly_open_problems
from queries.tasks import cell_status, overdue_milestones, tasks_in_scope
from queries.warnings import new_warning_counts

WEEK = timedelta(days=7)
SCREEN_CHANGES = 5  # what fits beside the tiles on one screen; the rest is on the desk view


def show_children_map(view, tree, height: int) -> None:
    """The child areas coloured by open cases per 100 households; a click opens the map page there."""
    kids = children(tree, view.area_code)
    if kids.empty:
        return
    level = kids["level"].iloc[0]
    area = (view.db, view.scope, view.area_code, view.area_level, level)
    styles, legend = build_area_styles(kids, map_figures(*area, view.asof, parts_for("open_rate")), "open_rate")
    names = LayerNames(areas=t("map_layer.areas"), labels=t("map_layer.labels"), basemap=t("map.basemap"))
    m = build_area_map(child_boundaries(*area), styles, t("map_indicator.open_rate"), names, t("map.area"))
    st.subheader(t("overview.map_heading"))
    clicked = render_map(m, key=f"overview_map_{view.area_code}", height=height)
    render_legend(t("map_indicator.open_rate"), legend, t("map.legend_count"))
    if clicked and clicked in kids.index:
        st.session_state.pop(f"overview_map_{view.area_code}", None)
        st.switch_page(page_path("map"), query_params=view.link(area=clicked))


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
    before = view.asof - WEEK
    cells_now, cells_before = cell_status(view.db, view.scope, view.asof), cell_status(view.db, view.scope, before)
    late_now, late_before = (overdue_milestones(view.db, view.scope, day) for day in (view.asof, before))
    tiles += build_task_tiles(cells_now, cells_before, late_now, late_before, view.link())
    tree = area_tree(view.db, view.scope)
    changes = build_changes(cases, new_cases_by_village(*area, view.asof), tree["name"],
                            new_warning_counts(*area, view.asof), problems,
                            lambda code: view.link(area=code) if code else view.link())
    tasks = tasks_in_scope(view.db, view.scope, view.asof).set_index("code")["title"]
    changes += build_task_changes(cells_now, cells_before, late_now, late_before, tasks,
                                  lambda code: view.link(task=code) if code else view.link())
    # On the big screen everything sits on one screen: tiles left, map and news right.
    tiles_area, side_area = st.columns([3, 1.3]) if view.screen else (st.container(), None)
    with tiles_area:
        render_tiles(tiles, per_row=4, links=not view.screen)
    if side_area is None:
        map_area, side_area = st.columns([3, 2])
        with map_area:
            show_children_map(view, tree, height=420)
    else:
        with side_area:
            show_children_map(view, tree, height=280)
    with side_area:
        render_changes(changes[:SCREEN_CHANGES] if view.screen else changes)


main()
