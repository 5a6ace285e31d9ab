"""村级地图: areas one level down coloured by an indicator; click to drill; points at village level."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.drill_tables import render_breadcrumbs
from labels import label_of, t
from components.map_layers import (LayerNames, add_assets, add_household_points, add_layer_switcher,
                                   add_warning_bubbles, build_area_map)
from components.map_render import render_legends, render_map, render_map_controls, render_missing_boundaries
from components.map_styles import (DEFAULT_INDICATOR, build_area_styles, build_point_legends, indicator_of,
                                   status_labels)
from components.page_params import map_page
from components.state import Keys
from components.url_state import go_to, read_params
from components.area_ranking import build_area_ranking
from components.view import View, current_view
from components.wall.area_pages import build_map_wall
from components.wall.frame import message_html, render_wall
from components.page_head import render_page_head
from components.rollup_caption import render_rollup_caption
from queries.drill import figures_by_area
from rules.calendar import WEEK
from queries.areas import ancestors, area_tree, children
from queries.map import (child_boundaries, map_figures, parts_for, village_assets, village_points,
                         villages_without_boundary)
from queries.scope import code_range
from queries.warnings import warning_counts
from queries.rollups import CASE_SPELLS, rollup_freshness


def _controls(view: View, tree: pd.DataFrame) -> tuple[str, str, dict[str, str | None]]:
    """Indicator and (county-wide) grouping, read from and written to the URL."""
    params = map_page()
    chosen = read_params(params)
    kids = children(tree, view.area_code)
    child_level = chosen["by"] if view.area_level == "county" else (
        kids["level"].iloc[0] if not kids.empty else "village")
    return render_map_controls(params, chosen["indicator"], child_level, view.area_level == "county")


def show_wall(view: View, tree: pd.DataFrame) -> None:
    """The map composed for the wall: villages (or a township's villages) by open cases per 100
    households, and the worst of them with the week's change."""
    kids = children(tree, view.area_code)
    title = t("page.map")
    if kids.empty:
        render_wall(title, t("map.caption"), message_html(t("wall.no_children")))
        return
    # The wall shows villages county-wide (one large map, the desk offers townships); above a county
    # its children (cities or counties): thousands of villages would be neither legible nor light.
    level = "village" if view.area_level in ("county", "township") else str(kids["level"].iloc[0])
    low, high = code_range(view.area_code, view.area_level)
    areas = tree[(tree["level"] == level) & tree["code"].between(low, high)]
    area = (view.db, view.scope, view.area_code, view.area_level, level)
    now, before = (figures_by_area(*area, day) for day in (view.asof, view.asof - WEEK))
    styles, legend = build_area_styles(areas, now, DEFAULT_INDICATOR)
    # County-wide, a village is named with its township (two villages may share a name).
    named = areas.assign(name=[f"{tree.at[parent, 'name']} {name}" if view.area_level != "township" else name
                               for parent, name in zip(areas["parent_code"], areas["name"])])
    render_wall(title, t(f"map_indicator.{DEFAULT_INDICATOR}"),
                build_map_wall(child_boundaries(*area), styles, legend, build_area_ranking(named, now, before), level))


def main() -> None:
    """Draw the map of the current area (composed for the wall on the big screen)."""
    view = current_view()
    if view.screen:
        show_wall(view, area_tree(view.db, view.scope))
        return
    render_page_head(view, t("page.map"), t("map.caption"), ("overview", "assets"), "map")
    render_rollup_caption(rollup_freshness(view.db, CASE_SPELLS), view.area_level)
    tree = area_tree(view.db, view.scope)
    crumbs = st.container()
    indicator, child_level, page_params = _controls(view, tree)
    with crumbs:  # above the controls, but its links carry the controls' choices
        render_breadcrumbs([(tree.at[c, "name"], view.link(area=c, **page_params))
                            for c in ancestors(tree, view.area_code)])

    low, high = code_range(view.area_code, view.area_level)
    areas = tree[(tree["level"] == child_level) & tree["code"].between(low, high)]
    figures = map_figures(view.db, view.scope, view.area_code, view.area_level, child_level, view.asof,
                          parts_for(indicator_of(indicator).column))
    styles, legend = build_area_styles(areas, figures, indicator)
    geometries = child_boundaries(view.db, view.scope, view.area_code, view.area_level, child_level)
    at_village = view.area_level == "village"
    names = LayerNames(areas=t("map_layer.areas"), labels=t("map_layer.labels"), households=t("map_layer.households"),
                       assets=t("map_layer.assets"), basemap=t("map.basemap"), warnings=t("map_layer.warnings"))
    own = tree.loc[view.area_code]
    centre = (own["lat"], own["lon"]) if pd.notna(own["lat"]) and pd.notna(own["lon"]) else None
    m = build_area_map(geometries, styles, t(f"map_indicator.{indicator}"), names, t("map.area"),
                       clickable=not at_village, centre=centre)
    extra = []
    if not at_village:  # the early warnings of each area, as circles (a layer that can be hidden)
        warned = warning_counts(view.db, view.scope, view.area_code, view.area_level, child_level, view.asof)["total"]
        add_warning_bubbles(m, warned, tree, lambda name, count: t("map.warning_tooltip", name=name, count=count),
                            names.warnings)
    if at_village:
        points = village_points(view.db, view.scope, view.area_code, view.asof)
        assets = village_assets(view.db, view.scope, view.area_code, view.asof)
        add_household_points(m, points, status_labels(), names.households)
        add_assets(m, assets, {k: label_of("map_asset_kind", k) for k in ("public_welfare", "operating", "household")},
                   lambda value: t("map.asset_value", value=f"{(value or 0) / 10_000:,.1f}"), names.assets)
        extra = build_point_legends(points, assets)
    add_layer_switcher(m)

    map_column, legend_column = st.columns([4, 1])
    with map_column:
        if not geometries:
            st.info(t("map.no_boundaries"))
        map_key = Keys.MAP_CLICK.format(area=view.area_code, level=child_level)
        clicked = render_map(m, key=map_key, clickable=not at_village)
        st.caption(t("map.village_hint") if at_village else t("map.click_hint"))
    with legend_column:
        render_legends(t(f"map_indicator.{indicator}"), legend, extra)
    if child_level == "village":  # a township map shows no village, so none is missing from it
        render_missing_boundaries(villages_without_boundary(view.db, view.scope, view.area_code, view.area_level))
    if clicked and clicked != view.area_code and clicked in areas.index:
        go_to(view.link(area=clicked, **page_params), forget=(map_key,))


main()
