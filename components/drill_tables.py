"""Drill-down tables: build_* shape query results for display (no Streamlit), render_* draw them."""

from __future__ import annotations

from typing import Callable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from labels import label_of, t
from components.state import Keys
from components.text import md_escape
from components.url_state import replace_params

CHILD_COLUMNS = ("name", "kind", "village_class", "households", "exited", "open_cases", "open_rate",
                 "new_cases_year", "eliminated", "open_problems", "under_line", "link")
HOUSEHOLD_COLUMNS = ("head_name", "size", "poverty_status", "labor_capacity", "case_status", "helper_name", "link")


def _relative_link(query: dict[str, str]) -> str:
    # Relative to the current page, so the link also works under a server base path.
    return "drill?" + urlencode(query)


def build_children_table(children: pd.DataFrame, figures: pd.DataFrame,
                         link_query: Callable[[str], dict[str, str]]) -> pd.DataFrame:
    """One row per child area: labels, key figures (zero when no households) and a drill link."""
    table = children[["code", "name", "level", "kind", "village_class"]].reset_index(drop=True)
    table = table.join(figures, on="code")
    numbers = [column for column in figures.columns if column != "open_rate"]
    table[numbers] = table[numbers].fillna(0).astype("int64")
    table["kind"] = [label_of(f"{level}_kind", kind) if isinstance(kind, str) else label_of("level", level)
                     for kind, level in zip(table["kind"], table["level"])]
    table["village_class"] = table["village_class"].map(
        lambda code: label_of("village_class", code) if isinstance(code, str) else None)
    table["link"] = [_relative_link(link_query(code)) for code in table["code"]]
    return table


def build_household_table(rows: pd.DataFrame, link_query: Callable[[int], dict[str, str]]) -> pd.DataFrame:
    """Household list rows with labels for codes and a link to each household's profile."""
    table = rows.copy()
    table["poverty_status"] = table["poverty_status"].map(lambda code: label_of("poverty_status", code))
    table["labor_capacity"] = table["labor_capacity"].map(lambda code: label_of("labor_capacity", code))
    table["case_status"] = [label_of("case_type", code) if isinstance(code, str) else t("monitoring.none")
                            for code in table["open_case_type"]]
    table["helper_name"] = table["helper_name"].fillna("")
    table["link"] = [_relative_link(link_query(int(household_id))) for household_id in table["id"]]
    return table


COUNT_COLUMNS = ("households", "exited", "open_cases", "new_cases_year", "eliminated", "open_problems",
                 "under_line", "size")


def _column_config(columns: tuple[str, ...]) -> dict:
    config = {name: st.column_config.Column(t(f"col.{name}")) for name in columns}
    for name in COUNT_COLUMNS:
        config[name] = st.column_config.NumberColumn(t(f"col.{name}"), format="localized")
    config["helper_name"] = st.column_config.TextColumn(t("col.helper"))
    config["open_rate"] = st.column_config.NumberColumn(t("col.open_rate"), format="%.2f")
    config["link"] = st.column_config.LinkColumn(t("col.link"), display_text=t("drill.open_link"))
    return config


ROW_PX, MAX_ROWS_SHOWN = 35, 20


def render_selectable_table(table: pd.DataFrame, columns: tuple[str, ...], key: str) -> int | None:
    """A sortable table; returns the position of the row the user selected, if any."""
    shown = [column for column in columns if column in table.columns and table[column].notna().any()]
    height = ROW_PX * (min(len(table), MAX_ROWS_SHOWN) + 1) + 3  # all rows of a township fit
    event = st.dataframe(table, column_order=shown, column_config=_column_config(columns), hide_index=True,
                         on_select="rerun", selection_mode="single-row", key=key, width="stretch", height=height)
    rows = event.selection.rows if event is not None else []
    return rows[0] if rows else None


def _go_to(query: dict[str, str]) -> None:
    replace_params(query)


def render_breadcrumbs(crumbs: list[tuple[str, dict[str, str]]]) -> None:
    """County › township › village; each earlier place is a button that goes back up to it."""
    # Buttons, not st.page_link: a page link to the current page with other parameters is ignored.
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        for position, (label, query) in enumerate(crumbs):
            if position == len(crumbs) - 1:
                st.markdown(f"**{md_escape(label)}**")
            else:
                st.button(md_escape(label), key=Keys.CRUMB_BUTTON.format(position=position), type="tertiary", on_click=_go_to, args=(query,))
                st.markdown("›")


def render_list_filter(counts: dict[str, int], key: str) -> str:
    """Everyone / monitored / exited, each with its count; returns the chosen filter."""
    options = list(counts)
    chosen = st.segmented_control(t("drill.list_filter"), options, default=options[0], key=key,
                                  format_func=lambda name: f"{t(f'drill.filter_{name}')} {counts[name]:,}")
    return chosen or options[0]  # clicking the chosen option again deselects it: fall back to all
