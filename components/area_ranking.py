"""The worst-first ranking of an area's children with the week's change (cockpit, wall, drill wall)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from labels import t

RANK_COLUMNS = ("open_rate", "open_cases", "open_problems", "under_line")


def build_area_ranking(kids: pd.DataFrame, now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Children (index: code) worst first: open cases per 100 households, then open cases, then 三保障
    problems; `change` is the open cases' change since the same day last week."""
    figures = now.reindex(kids.index)
    table = pd.DataFrame({"name": kids["name"]}, index=kids.index)
    for column in RANK_COLUMNS:
        table[column] = pd.to_numeric(figures[column], errors="coerce").fillna(0) if column in figures else 0
    previous = pd.to_numeric(before["open_cases"], errors="coerce").reindex(kids.index) if "open_cases" in before \
        else pd.Series(index=kids.index, dtype="float64")
    table["change"] = (table["open_cases"] - previous).astype("Int64")
    table = table.sort_values(["open_rate", "open_cases", "open_problems", "name"],
                              ascending=[False, False, False, True], kind="stable")
    return table.astype({"open_cases": "int64", "open_problems": "int64", "under_line": "int64"})


def ranking_table(ranking: pd.DataFrame, level_label: str) -> pd.DataFrame:
    """The ranking as the desk cockpit shows it: labelled columns, the change signed (持平 for none)."""
    change = ranking["change"].map(lambda value: "" if pd.isna(value) else
                                   t("wall.flat") if value == 0 else f"{int(value):+d}")
    return pd.DataFrame({level_label: ranking["name"], t("wall.col_rate"): ranking["open_rate"],
                         t("wall.col_open"): ranking["open_cases"], t("wall.col_change"): change,
                         t("wall.col_problems"): ranking["open_problems"]}).reset_index(drop=True)


def render_area_ranking(ranking: pd.DataFrame, level_label: str, heading: str) -> None:
    """The children worst first with the week's change, as a table on the desk cockpit."""
    st.subheader(heading)
    table = ranking_table(ranking, level_label)
    table.index = range(1, len(table) + 1)
    counts = {column: st.column_config.NumberColumn(format="localized")  # 12,345 as the tiles show it
              for column in (t("wall.col_open"), t("wall.col_problems"))}
    st.dataframe(table, width="stretch", height=min(38 * (len(table) + 1) + 4, 560), column_config=counts)
