"""Data-quality tables: build_* shape query results (no Streamlit), render_* draw them."""

from __future__ import annotations

from typing import Callable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from labels import label_of, t

HISTORY_COLUMNS = ("id", "kind", "file_name", "asof", "status", "rows_read", "rows_written", "rows_rejected",
                   "errors", "warnings", "started_at", "imported_by")
HISTORY_LABELS = {"id": "col_id", "kind": "col_kind", "file_name": "col_file", "asof": "col_asof",
                  "status": "col_status", "rows_read": "col_rows_read", "rows_written": "col_rows_written",
                  "rows_rejected": "col_rows_rejected", "errors": "col_errors", "warnings": "col_warnings",
                  "started_at": "col_started", "imported_by": "col_by"}
PROBLEM_COLUMNS = ("level", "sheet", "row", "column", "value", "message")
LIST_LABELS = {"external_id": "col_household_no", "village": "col_village", "head_name": "col_head_name",
               "id_number": "col_id_number", "size": "col_size", "code": "col_code", "name": "col_name"}


def build_checks_table(kids: pd.DataFrame, figures: pd.DataFrame, checks: tuple[str, ...],
                       link_query: Callable[[str], dict[str, str]] | None) -> pd.DataFrame:
    """One row per child area (and a total): each check's count as text, "no data" where inputs are absent."""
    table = pd.DataFrame({"code": kids["code"].astype(str).tolist(), "name": kids["name"].tolist()})
    totals = {}
    for check in checks:
        values = figures[check] if check in figures else pd.Series(dtype="object")
        absent = check in figures and figures[check].isna().all() and not figures.empty
        column = []
        for code in table["code"]:
            value = values.get(code) if code in values.index else 0
            column.append(t("quality.no_data") if absent or value is None else f"{int(value):,}")
        table[check] = column
        totals[check] = t("quality.no_data") if absent else f"{int(pd.to_numeric(values).fillna(0).sum()):,}"
    table["link"] = ["quality?" + urlencode(link_query(code)) if link_query else None for code in table["code"]]
    total = pd.DataFrame([{"code": "", "name": t("quality.total"), **totals, "link": None}])
    return pd.concat([table, total], ignore_index=True)


def render_checks_table(table: pd.DataFrame, checks: tuple[str, ...]) -> None:
    """The checks per area; numbers are shown as text so "no data" can stand where a count cannot."""
    config = {"name": st.column_config.TextColumn(t("quality.col_area")),
              "link": st.column_config.LinkColumn(t("quality.col_link"), display_text=t("quality.open_link"))}
    config.update({check: st.column_config.TextColumn(label_of("quality_check", check)) for check in checks})
    st.dataframe(table[["name", *checks, "link"]], column_config=config, hide_index=True, width="stretch")


def build_list_table(rows: pd.DataFrame, village_names: pd.Series) -> pd.DataFrame:
    """The households (or villages) behind a check, with village names instead of codes."""
    table = rows.copy()
    if "village_code" in table:
        table["village"] = table["village_code"].map(lambda code: village_names.get(code, code))
        return table[["external_id", "village", "head_name", "id_number", "size"]].fillna("")
    return table[["code", "name"]]


def render_list_table(table: pd.DataFrame) -> None:
    """A read-only list (st.dataframe shows text, never HTML)."""
    config = {column: st.column_config.TextColumn(t(f"quality.{LIST_LABELS[column]}")) for column in table.columns}
    if "size" in table:
        config["size"] = st.column_config.NumberColumn(t("quality.col_size"))
    st.dataframe(table, column_config=config, hide_index=True, width="stretch")


def build_history_table(history: pd.DataFrame) -> pd.DataFrame:
    """Import batches as shown: kind and status labelled, times to the second."""
    table = history.reindex(columns=list(HISTORY_COLUMNS)).copy()
    table["kind"] = table["kind"].map(lambda code: label_of("import_kind", code))
    table["status"] = table["status"].map(lambda code: label_of("import_status", code))
    table["started_at"] = pd.to_datetime(table["started_at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    table["asof"] = table["asof"].map(lambda day: "" if day is None or pd.isna(day) else str(day)[:10])
    table["imported_by"] = table["imported_by"].fillna("")
    return table


def render_history_table(table: pd.DataFrame) -> None:
    """The import history, newest first."""
    config = {column: st.column_config.TextColumn(t(f"quality.{HISTORY_LABELS[column]}"))
              for column in HISTORY_COLUMNS}
    for column in ("id", "rows_read", "rows_written", "rows_rejected", "errors", "warnings"):
        config[column] = st.column_config.NumberColumn(t(f"quality.{HISTORY_LABELS[column]}"))
    st.dataframe(table, column_config=config, hide_index=True, width="stretch")


def build_problem_table(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems as shown: the level labelled, empty cells blank."""
    table = problems.reindex(columns=list(PROBLEM_COLUMNS)).copy()
    table["level"] = table["level"].map(lambda code: label_of("import_level", code))
    table["row"] = table["row"].map(lambda row: "" if row is None or pd.isna(row) else str(int(row)))
    return table.fillna("")


def render_problem_table(table: pd.DataFrame, key: str) -> None:
    """A batch's (or a check's) problems: where in the file, and what is wrong."""
    names = {"level": "col_level", "sheet": "col_sheet", "row": "col_row", "column": "col_column",
             "value": "col_value", "message": "col_message"}
    config = {column: st.column_config.TextColumn(t(f"quality.{name}")) for column, name in names.items()}
    st.dataframe(table, column_config=config, hide_index=True, width="stretch", key=key)
