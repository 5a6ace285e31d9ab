"""Drawing maps in Streamlit: the folium map (clicks come back as an area code) and lists under it."""

from __future__ import annotations

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from components.labels import t
from components.legend import LegendEntry, render_legend
from components.text import md_escape

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
