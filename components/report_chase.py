"""催办: the units that have not reported for the current cycle, as a table the office can export.

build_* make plain tables (no Streamlit); render_* draw them. The rows come from
queries.reports.unreported, the one definition of "not reported" that the matrix, the cockpit and
the written notice read.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Callable

import pandas as pd
import streamlit as st

from components.exports import CSV_MIME, ExportLog, csv_bytes, render_download
from labels import t

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def cycle_text(cycle: str, due_day: int) -> tuple[str, str]:
    """The cycle and its deadline in words: ("每周", "每周五")."""
    due = t(f"reports.due_{cycle}", day=t(f"weekday.{due_day}") if cycle == "weekly" else due_day)
    return t(f"reports.cycle_{cycle}"), due


def build_chase_table(owing: pd.DataFrame, tasks: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """One row per unit and task not reported: unit, task, last report, deadline, days late; most late first."""
    names = units.set_index("code")["name"] if "code" in units.columns else units["name"]
    titles = {row.code: f"{row.seq}. {row.title}" for row in tasks.itertuples(index=False)}
    seqs = dict(zip(tasks["code"], tasks["seq"]))
    ordered = owing.assign(_seq=[seqs.get(code, 0) for code in owing["task_code"]]).sort_values(
        ["days_late", "unit_code", "_seq"], ascending=[False, True, True])
    return pd.DataFrame({
        t("chase_col.unit"): [names.get(code, code) for code in ordered["unit_code"]],
        t("chase_col.task"): [titles.get(code, code) for code in ordered["task_code"]],
        t("chase_col.last_reported_on"): [t("chase_col.never") if pd.isna(day) else str(day)
                                         for day in ordered["last_reported_on"]],
        t("chase_col.deadline"): [str(day) for day in ordered["deadline"]],
        t("chase_col.days_late"): [int(days) for days in ordered["days_late"]],
    })


def xlsx_bytes(table: pd.DataFrame, sheet: str) -> bytes:
    """A table as an .xlsx workbook with one sheet."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def render_chase(table: pd.DataFrame, owing: pd.DataFrame, start: date, deadline: date, asof: date,
                 cycle: tuple[str, str], log: ExportLog) -> None:
    """The 催办 list with its cycle in words and CSV/Excel downloads (made and logged on click)."""
    if table.empty:
        st.success(t("reports.chase_empty", deadline=deadline.isoformat()))
        return
    st.caption(t("reports.chase_caption", cycle=cycle[0], due=cycle[1], deadline=deadline.isoformat(),
                 start=start.isoformat(), asof=asof.isoformat(), units=owing["unit_code"].nunique(),
                 pairs=len(owing)))
    st.dataframe(table, hide_index=True, width="stretch")
    name = t("reports.chase_file", asof=asof.isoformat())
    left, right, _ = st.columns([2, 2, 3])
    with left:
        render_download(t("reports.chase_download_xlsx"), lambda: xlsx_bytes(table, t("reports.chase_sheet")),
                        f"{name}.xlsx", XLSX_MIME, "chase_xlsx", log, f"xlsx: {name}.xlsx")
    with right:
        render_download(t("reports.chase_download_csv"), lambda: csv_bytes(table), f"{name}.csv", CSV_MIME,
                        "chase_csv", log, f"csv: {name}.csv")


def render_notice_download(make: Callable[[], bytes], file_name: str, log: ExportLog) -> None:
    """The 督办通报 as Word, written from the task data when clicked (and logged then)."""
    render_download(t("notice.button"), make, file_name, DOCX_MIME, "notice_docx", log, f"docx: {file_name}")
