"""总览 cockpit: KPI tiles with the change since the same day last week, sparklines, and what
changed this week, each linked to the page that explains it."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from components.area_ranking import build_area_ranking, render_area_ranking
from components.brief_button import render_brief_download
from labels import label_of, t
from components.legend import render_legend
from components.map_layers import LayerNames, build_area_map
from components.map_render import render_map
from components.map_styles import build_area_styles
from components.overview_panels import (build_changes, build_should_monitor_tile, build_signal_changes,
                                        build_signal_overdue_news, build_signal_tiles, build_task_changes,
                                        build_task_tiles, build_tiles, build_unreported_news,
                                        render_changes, render_tiles)
from components.page_registry import page_path
from components.state import Keys
from components.url_state import open_page
from components.view import View, current_view
from components.wall.cockpit import build_cockpit_wall
from components.wall.frame import render_wall
from components.rollup_caption import render_rollup_caption
from queries.areas import area_tree, children
from queries.drill import income_recorded, figures_by_area
from queries.map import child_boundaries, map_figures, parts_for
from queries.overview import asset_totals, new_cases_by_village, weekly_cases, weekly_open_problems
from queries.reports import unreported
from queries.tasks import cell_status, overdue_milestones, tasks_in_scope
from queries.rate_base import rate_base_kind
from queries.signals import new_signals, overdue_count, verify_days
from queries.warnings import new_warning_counts, rule_count
from queries.rollups import CASE_SPELLS, rollup_freshness
from rules.calendar import WEEK



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
    map_key = Keys.OVERVIEW_MAP.format(area=view.area_code)
    clicked = render_map(m, key=map_key, height=height)
    render_legend(t("map_indicator.open_rate"), legend, t("map.legend_count"))
    kind = rate_base_kind(view.db, view.scope, view.area_code, view.area_level)
    st.caption(t("quality.base_note", base=label_of("rate_base", kind)))
    if clicked and clicked in kids.index:
        open_page(page_path("map"), view.link(area=clicked), forget=(map_key,))


def children_ranking(view: View, tree):
    """The children worst first with the week's change, and their figures now (None for a village)."""
    kids = children(tree, view.area_code)
    if kids.empty:
        return None, None, None
    area = (view.db, view.scope, view.area_code, view.area_level, kids["level"].iloc[0])
    now, before = (figures_by_area(*area, day) for day in (view.asof, view.asof - WEEK))
    return kids, now, build_area_ranking(kids, now, before)


def show_wall(view: View, tree, tiles: list, changes: list) -> None:
    """The cockpit composed for the wall: tiles, children worst first with the week's change, map, news."""
    kids, now, ranking = children_ranking(view, tree)
    level = kids["level"].iloc[0] if kids is not None else None
    geometries, styles, legend = {}, None, []
    if level is not None:
        styles, legend = build_area_styles(kids, now, "open_rate")
        geometries = child_boundaries(view.db, view.scope, view.area_code, view.area_level, level)
    render_wall(t("overview.title"), t("overview.asof_line", asof=view.asof, start=view.asof - WEEK + timedelta(days=1)),
                build_cockpit_wall(tiles, ranking, level, geometries, styles, legend, changes))


def main() -> None:
    """Draw the cockpit for the current view (composed for the wall on the big screen)."""
    view = current_view()
    if not view.screen:
        st.title(t("overview.title"))
        render_brief_download(view, ("overview",), "overview")
        st.caption(t("overview.asof_line", asof=view.asof, start=view.asof - WEEK + timedelta(days=1)))
        render_rollup_caption(rollup_freshness(view.db, CASE_SPELLS), view.area_level)
    area = (view.db, view.scope, view.area_code, view.area_level)
    cases = weekly_cases(*area, view.asof)
    problems = weekly_open_problems(*area, view.asof)
    under = [figures_by_area(*area, view.area_level, day) for day in (view.asof, view.asof - WEEK)]
    under_line = tuple(int(frame["under_line"].sum()) for frame in under) \
        if income_recorded(*area, view.asof) else None  # no income rows: unknown, never 0
    tiles = build_tiles(cases, problems, under_line, asset_totals(*area, view.asof), view.link(),
                        open_people=int(under[0]["open_people"].sum()))
    tiles.append(build_should_monitor_tile(*(rule_count(*area, day, "should_monitor") for day in (view.asof, view.asof - WEEK)),
                                           view.link()))
    before = view.asof - WEEK
    cells_now, cells_before = cell_status(view.db, view.scope, view.asof), cell_status(view.db, view.scope, before)
    late_now, late_before = (overdue_milestones(view.db, view.scope, day) for day in (view.asof, before))
    tiles += build_task_tiles(cells_now, cells_before, late_now, late_before, view.link())
    overdue = [overdue_count(*area, day, verify_days()) for day in (view.asof, before)]
    tiles += build_signal_tiles(overdue[0], overdue[1], view.link())
    tree = area_tree(view.db, view.scope)
    changes = build_changes(cases, new_cases_by_village(*area, view.asof), tree,
                            new_warning_counts(*area, view.asof), problems,
                            lambda code: view.link(area=code) if code else view.link())
    tasks = tasks_in_scope(view.db, view.scope, view.asof).set_index("code")["title"]
    changes += build_task_changes(cells_now, cells_before, late_now, late_before, tasks,
                                  lambda code: view.link(task=code) if code else view.link())
    changes += build_unreported_news(unreported(view.db, view.scope, view.asof), view.link())
    changes += build_signal_changes(new_signals(*area, view.asof), view.link())
    if view.screen:
        # Nine tiles crowd the wall (a long value clips): there the overdue signals are a news line.
        show_wall(view, tree, [tile for tile in tiles if tile.page != "signals"],
                  changes + build_signal_overdue_news(overdue[0], overdue[0] - overdue[1], view.link()))
        return
    render_tiles(tiles, per_row=4, openable=view.pages)
    map_area, side_area = st.columns([3, 2])
    with map_area:
        show_children_map(view, tree, height=420)
    with side_area:
        render_changes(changes, openable=view.pages)
    kids, _, ranking = children_ranking(view, tree)
    if kids is not None:
        level = label_of("level", kids["level"].iloc[0])
        render_area_ranking(ranking, level, t("wall.ranking_title", level=level))


main()
