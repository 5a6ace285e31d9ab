"""Drawing maps in Streamlit: the folium map (clicks come back as an area code) and lists under it."""

from __future__ import annotations

from typing import Sequence

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.offline_map import missing_local_assets
from labels import t
from components.legend import LegendEntry, render_legend
from components.map_styles import DEFAULT_INDICATOR, indicators_for
from components.page_params import MAP_GROUPS
from components.state import Keys
from components.text import md_escape
from components.url_params import Param, url_value
from components.url_state import url_segmented, url_selectbox

MAP_HEIGHT = 620


def clicked_area(result: dict | None) -> str | None:
    """The area code of the polygon the user last clicked, from st_folium's result."""
    drawing = (result or {}).get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("code")
    return code if isinstance(code, str) else None


def render_map(m: folium.Map, key: str, clickable: bool = True, height: int = MAP_HEIGHT) -> str | None:
    """Show the map; returns the clicked area's code (panning and zooming do not rerun the app)."""
    # Only the clicked feature comes back: every other key would rerun the page on each pan.
    returned = ["last_active_drawing"] if clickable else []
    missing = missing_local_assets()
    if missing:  # without its Leaflet files the map stays blank: say why and how to fix it
        st.warning(t("map.assets_missing", count=len(missing), first=missing[0].name))
    result = st_folium(m, key=key, height=height, use_container_width=True, returned_objects=returned)
    return clicked_area(result) if clickable else None


def render_legends(title: str, entries: list[LegendEntry], extra: list[tuple[str, list[LegendEntry]]]) -> None:
    """The indicator's legend, then any layer legends (household status, asset kinds)."""
    count_label = t("map.legend_count")
    render_legend(title, entries, count_label)
    for extra_title, extra_entries in extra:
        render_legend(extra_title, extra_entries, count_label)


def render_missing_boundaries(missing: pd.DataFrame) -> None:
    """Villages without a boundary, listed under the map so they are not silently left out."""
    if missing.empty:
        return
    items = t("map.list_separator").join(t("map.without_boundary_row", name=md_escape(name), code=code)
                     for code, name in zip(missing["code"], missing["name"]))
    st.warning(t("map.without_boundary") + items)


def render_map_controls(params: Sequence[Param], indicator: str, child_level: str,
                        county: bool) -> tuple[str, str, dict[str, str | None]]:
    """The indicator select box and, county-wide, villages or townships; both kept in the URL.

    Returns (indicator, level of the areas shown, their URL values for links to other areas); an
    indicator the level lacks falls back to the default.
    """
    declared = {param.name: param for param in params}
    options = indicators_for(child_level)
    indicator = indicator if indicator in options else DEFAULT_INDICATOR
    left, right = st.columns([3, 2])
    with left:
        indicator = url_selectbox(t("map.indicator"), declared["indicator"], options, indicator,
                                  lambda code: t(f"map_indicator.{code}"), key=Keys.MAP_INDICATOR)
    if county:
        with right:
            child_level = url_segmented(t("map.group_by"), declared["by"], MAP_GROUPS, child_level,
                                        lambda code: t(f"map.group_{code}"), key=Keys.MAP_GROUP)
    kept = {"indicator": url_value(declared["indicator"], indicator),
            "by": url_value(declared["by"], child_level) if county else None}
    return indicator, child_level, kept
