"""Panels about one area or one household: key-figure tiles and the household summary."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.tile_numbers import WAN_FROM, tile_number
from labels import label_of, t

TILES = (("households", "drill.metric_households"), ("exited", "drill.metric_exited"),
         ("open_cases", "drill.metric_open_cases"), ("open_people", "drill.metric_open_people"),
         ("eliminated", "drill.metric_eliminated"),
         ("open_problems", "drill.metric_open_problems"), ("under_line", "drill.metric_under_line"))


def render_area_tiles(figures: pd.Series, income_year: int | None, line: float | None,
                      income_known: bool = True) -> None:
    """The area's key figures as a row of tiles; the income tile says "no data" when there is none."""
    columns = st.columns(len(TILES))
    for column, (name, label_key) in zip(columns, TILES):
        value = int(figures.get(name, 0)) if figures is not None else 0
        help_text = t("drill.under_line_help", year=income_year, line=f"{line:,.0f}") \
            if name == "under_line" and income_year else None
        shown = tile_number(value)
        if value >= WAN_FROM:  # the exact figure stays one hover away
            help_text = f"{value:,}" + (f"；{help_text}" if help_text else "")
        if name == "under_line" and not income_known:
            shown, help_text = t("quality.no_data"), t("quality.no_income", year=income_year or "-")
        column.metric(t(label_key), shown, help=help_text, border=True)


def build_household_facts(record: pd.Series, low_income: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The household's basic facts as label/value rows (values already masked by the query), with its
    农村低收入人口 categories on the date when given (none: 无)."""
    yes, no = t("col.yes"), t("col.no")
    facts = [
        ("col.head_name", record["head_name"]),
        ("col.id_number", record["id_number"]),
        ("col.phone", record["phone"]),
        ("col.size", f"{int(record['size'])}"),
        ("col.poverty_status", label_of("poverty_status", record["poverty_status"])),
        ("col.exited_year", "" if pd.isna(record["exited_year"]) else f"{int(record['exited_year'])}"),
        ("col.labor_capacity", label_of("labor_capacity", record["labor_capacity"])),
        ("col.relocated", yes if record["relocated"] else no),
        ("col.helper", record["helper_name"] or ""),
    ]
    if low_income is not None:
        facts.append(("col.low_income", "、".join(label_of("low_income_category", c) for c in low_income)
                      or t("col.low_income_none")))
    return pd.DataFrame({"item": [t(key) for key, _ in facts], "value": [str(value) for _, value in facts]})


def build_case_table(cases: pd.DataFrame) -> pd.DataFrame:
    """A household's cases with labels: type, dates, how eliminated, risk types."""
    table = pd.DataFrame({
        t("col.case_type"): cases["case_type"].map(lambda code: label_of("case_type", code)),
        t("col.identified_on"): cases["identified_on"].astype(str),
        t("col.eliminated_on"): cases["eliminated_on"].map(lambda day: "" if pd.isna(day) else str(day)),
        t("col.elimination_kind"): cases["elimination_kind"].map(
            lambda code: label_of("elimination_kind", code) if isinstance(code, str) else t("monitoring.open")),
        t("col.risks"): cases["risk_codes"].map(lambda codes: "、".join(label_of("risk", c) for c in codes)),
    })
    return table
