"""村级地图: areas one level down coloured by an indicator; click to drill; points at village level."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.brief_button import render_brief_download
from components.drill_tables import render_breadcrumbs
from components.labels import label_of, t
from components.map_layers import (LayerNames, add_assets, add_household_points, add_layer_switcher,
                                   add_warning_bubbles, build_area_map)
from components.map_params import parse_choice, url_segmented, url_selectbox
from components.map_render import render_legends, render_map, render_missing_boundaries
from components.map_styles import (DEFAULT_INDICATOR, INDICATOR_CODES, build_area_styles, build_point_legends,
                                   indicator_of, indicators_for, status_labels)
from components.view import View, current_view
from queries.areas import ancestors, area_tree, children
from queries.map import (child_boundaries, map_figures, parts_for, village_assets, village_points,
                         villages_without_boundary)
from queries.scope import code_range
from queries.warnings import warning_counts

GROUPS = ("village", "township")


def _controls(view: View, tree: pd.DataFrame) -> tuple[str, str]:
    """Indicator and (county-wide) grouping, read from and written to the URL."""
    indicator, bad_indicator = parse_choice(st.query_params.get("indicator"), INDICATOR_CODES, DEFAULT_INDICATOR)
    group, bad_group = parse_choice(st.query_params.get("by"), GROUPS, "village")
    for key, value in (("map.bad_indicator", bad_indicator), ("map.bad_group", bad_group)):
        if value is not None:
            st.warning(t(key, value=value))
    kids = children(tree, view.area_code)
    # A county may also be shown village by village (county-wide); a village shows itself.
    child_level = group if view.area_level == "county" else (kids["level"].iloc[0] if not kids.empty else "village")
    options = indicators_for(child_level)
    indicator = indicator if indicator in options else DEFAULT_INDICATOR
    left, right = st.columns([3, 2])
    with left:
        indicator = url_selectbox(t("map.indicator"), "indicator", options, indicator, DEFAULT_INDICATOR,
                                  lambda code: t(f"map_indicator.{code}"), key="map_indicator")
    if view.area_level == "county":
        with right:
            group = url_segmented(t("map.group_by"), "by", GROUPS, group, "village",
                                  lambda code: t(f"map.group_{code}"), key="map_group")
            child_level = group
    return indicator, child_level


def main() -> None:
    """Draw the map of the current area."""
    view = current_view()
    st.title(t("page.map"))
    render_brief_download(view, ("overview", "assets"), "map")
    st.caption(t("map.caption"))
    tree = area_tree(view.db, view.scope)
    crumbs = st.container()
    indicator, child_level = _controls(view, tree)
    page_params = {"indicator": None if indicator == DEFAULT_INDICATOR else indicator,
                   "by": child_level if view.area_level == "county" and child_level != "village" else None}
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
        map_key = f"map_{view.area_code}_{child_level}"
        clicked = render_map(m, key=map_key, clickable=not at_village)
        st.caption(t("map.village_hint") if at_village else t("map.click_hint"))
    with legend_column:
        render_legends(t(f"map_indicator.{indicator}"), legend, extra)
    if child_level == "village":  # a township map shows no village, so none is missing from it
        render_missing_boundaries(villages_without_boundary(view.db, view.scope, view.area_code, view.area_level))
    if clicked and clicked != view.area_code and clicked in areas.index:
        st.session_state.pop(map_key, None)  # or coming back up would drill straight down again
        st.query_params.from_dict(view.link(area=clicked, **page_params))
        st.rerun()


main()
