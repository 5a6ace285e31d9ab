"""The audit-log table for county leaders: codes turned into labels, columns named (build + render)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from labels import label_of, t

AUDIT_COLUMNS = ("at", "user", "role", "page", "area", "household", "action", "detail")


def build_audit_table(entries: pd.DataFrame) -> pd.DataFrame:
    """Entries as shown: role and action labelled, timestamps to the second."""
    table = pd.DataFrame({
        "at": pd.to_datetime(entries["at"]).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "user": entries["user_name"],
        "role": [label_of("user_role", code) for code in entries["role"]],
        "page": entries["page"].fillna(""),
        "area": entries["area_code"].fillna(""),
        "household": entries["household_id"].map(lambda v: "" if pd.isna(v) else str(int(v))),
        "action": [label_of("audit_action", code) for code in entries["action"]],
        "detail": entries["detail"].fillna(""),
    })
    return table.reset_index(drop=True)


def render_audit_table(table: pd.DataFrame) -> None:
    """The entries as a read-only table (st.dataframe shows text, never HTML)."""
    names = {"at": "col_at", "user": "col_user", "role": "col_role", "page": "col_page", "area": "col_area",
             "household": "col_household", "action": "col_action", "detail": "col_detail"}
    config = {column: st.column_config.TextColumn(t(f"audit_log.{key}")) for column, key in names.items()}
    st.dataframe(table, column_config=config, hide_index=True, width="stretch")
