"""Figures and tables of the 部门预警 page: builders return DataFrames or figures, renderers draw them."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from components.legend import LegendEntry, numeric_classes
from components.vega import COUNT_FORMAT
from labels import label_of, t
from queries.signals import STAGES

FUNNEL_COLOR = "#4c78a8"


def build_received_table(received: pd.DataFrame) -> pd.DataFrame:
    """Per department: this week, this month, the last year; labelled columns, a total row."""
    if received.empty:
        return pd.DataFrame()
    table = pd.DataFrame({t("signals.col_department"): received["department"].map(
        lambda code: label_of("signal_department", code)), t("signals.col_week"): received["week"],
        t("signals.col_month"): received["month"], t("signals.col_year"): received["year"]})
    return table.reset_index(drop=True)


def build_funnel(stages: dict[str, int]) -> alt.Chart:
    """Received → sent → verified → included as bars, each labelled with its count and share of received."""
    received = stages[STAGES[0]]
    names = [label_of("signal_stage", stage) for stage in STAGES]
    frame = pd.DataFrame({"stage": names, "count": [stages[stage] for stage in STAGES]})
    frame["label"] = [f"{count:,}（{count / received:.0%}）" if received else f"{count:,}" for count in frame["count"]]
    room = max(1, int(frame["count"].max())) * 1.4  # the labels sit right of the longest bar
    base = alt.Chart(frame).encode(y=alt.Y("stage:N", sort=names, title=None),
                                   x=alt.X("count:Q", title=None, axis=None, scale=alt.Scale(domain=[0, room])))
    bars = base.mark_bar(color=FUNNEL_COLOR)
    text = base.mark_text(align="left", dx=4).encode(text="label:N")
    return (bars + text).properties(height=220)


def build_overdue_table(overdue: pd.DataFrame, names: pd.Series, level_name: str) -> pd.DataFrame:
    """Child areas worst first: name (headed by their level, 乡镇 or 市 …), overdue, pending, the oldest's days."""
    if overdue.empty:
        return pd.DataFrame()
    shown_names = names.reindex(overdue.index).fillna(pd.Series(overdue.index, index=overdue.index))
    return pd.DataFrame({t("signals.col_area", level=level_name): shown_names,
                         t("signals.col_overdue"): overdue["overdue"], t("signals.col_pending"): overdue["pending"],
                         t("signals.col_oldest"): overdue["oldest_days"]}).reset_index(drop=True)


def build_monthly_figure(months: pd.DataFrame) -> alt.Chart:
    """Signals received and included per month, as bars side by side."""
    series = {t("signals.col_received"): "received", t("signals.col_included"): "included"}
    frame = pd.DataFrame([{"month": str(month), "series": name, "count": int(row[column])}
                          for month, row in months.iterrows() for name, column in series.items()],
                         columns=["month", "series", "count"])
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("series:N", sort=list(series)),
        y=alt.Y("count:Q", title=None, axis=alt.Axis(format=COUNT_FORMAT, tickMinStep=1)),
        color=alt.Color("series:N", sort=list(series), title=None),
        tooltip=[alt.Tooltip("month:O", title=t("signals.col_month_of")), alt.Tooltip("series:N", title=" "),
                 alt.Tooltip("count:Q", title=t("signals.col_count"), format=COUNT_FORMAT)],
    ).properties(height=300)


def build_signal_list(rows: pd.DataFrame, village_names: pd.Series, days: int, asof) -> pd.DataFrame:
    """The list to verify: labelled, masked values as the query gave them, due date and days waited."""
    if rows.empty:
        return pd.DataFrame()
    received = pd.to_datetime(rows["received_on"]).dt.date
    return pd.DataFrame({
        t("signals.col_signal"): rows["signal_id"],
        t("signals.col_received_on"): received,
        t("signals.col_due"): received + pd.Timedelta(days=days),
        t("signals.col_days"): [(asof - day).days for day in received],
        t("signals.col_department"): rows["department"].map(lambda code: label_of("signal_department", code)),
        t("signals.col_kind"): rows["kind"].map(lambda code: label_of("signal_kind", code)),
        t("signals.col_amount"): amounts(rows),
        t("signals.col_occurred"): rows["occurred_on"],
        t("signals.col_id_number"): rows["id_number"],
        t("signals.col_head_name"): rows["head_name"],
        t("signals.col_village"): rows["village_code"].map(lambda code: village_names.get(code, code)),
        t("signals.col_match"): rows["match"].map(lambda code: label_of("signal_match", code)),
    })


# Kinds whose amount counts months, not 元 (人社: months without an employment-insurance record).
MONTH_KINDS = frozenset({"unemployment"})


def amounts(rows: pd.DataFrame) -> list[object]:
    """The amount column: 元 as numbers, months as "N 个月" (the column is headed in 元)."""
    return [t("signals.months_unit", months=f"{amount:g}") if kind in MONTH_KINDS and pd.notna(amount) else amount
            for kind, amount in zip(rows["kind"], rows["amount"])]


def signal_choice(rows: pd.DataFrame) -> dict[int, str]:
    """Signal id -> what the picker shows: number, department, kind and receipt date."""
    return {int(row.signal_id): t("signals.pick_option", signal=int(row.signal_id),
                                  department=label_of("signal_department", row.department),
                                  kind=label_of("signal_kind", row.kind), date=row.received_on)
            for row in rows.itertuples(index=False)}


def verified_choice(rows: pd.DataFrame) -> dict[int, str]:
    """Signal id -> what the correction picker shows: number, department, date and recorded outcome."""
    return {int(row.signal_id): t("signals.correct_option", signal=int(row.signal_id),
                                  department=label_of("signal_department", row.department),
                                  outcome=label_of("signal_outcome", row.outcome), date=row.verified_on)
            for row in rows.itertuples(index=False)}


def build_history_table(history: pd.DataFrame) -> pd.DataFrame:
    """A signal's review rows, oldest first (a correction names the row it corrects)."""
    if history.empty:
        return pd.DataFrame()
    outcome = history["outcome"].map(lambda code: label_of("signal_outcome", code if isinstance(code, str)
                                                           else "pending"))
    return pd.DataFrame({"#": history["id"], t("signals.col_outcome"): outcome,
                         t("signals.col_verified_on"): history["verified_on"],
                         t("signals.col_case"): history["case_id"], t("signals.col_reviewer"): history["reviewer"],
                         t("signals.col_note"): history["note"], t("signals.col_recorded"): history["recorded_by"],
                         t("signals.col_corrects"): history["corrects"]})


def build_settings_table(settings) -> pd.DataFrame:
    """The loop's settings (rows of name, value, explanation key): what each means and its value."""
    return pd.DataFrame({t("signals.col_setting"): [t(row.doc) for row in settings],
                         t("signals.col_value"): [f"{row.value:g}" for row in settings],
                         t("signals.col_setting_code"): [row.name for row in settings]})


def build_household_signals(rows: pd.DataFrame) -> pd.DataFrame:
    """A household's signals for its profile: department, kind, dates and outcome."""
    if rows.empty:
        return pd.DataFrame()
    outcome = [label_of("signal_outcome", o if isinstance(o, str) else "pending") for o in rows["outcome"]]
    return pd.DataFrame({t("signals.col_received_on"): rows["received_on"],
                         t("signals.col_department"): rows["department"].map(
                             lambda code: label_of("signal_department", code)),
                         t("signals.col_kind"): rows["kind"].map(lambda code: label_of("signal_kind", code)),
                         t("signals.col_amount"): amounts(rows), t("signals.col_outcome"): outcome,
                         t("signals.col_verified_on"): rows["verified_on"], t("signals.col_case"): rows["case_id"]})


def build_open_styles(villages: pd.DataFrame, open_counts: pd.Series) -> tuple[pd.DataFrame, list[LegendEntry]]:
    """Villages (index: code) coloured by signals waiting for verification; zero where none."""
    values = open_counts.reindex(villages.index).fillna(0)
    fill, entries = numeric_classes(values.astype("float64"), True, t("map.no_data"))
    table = villages[["name"]].copy()
    table["value"] = values.astype("int64").astype(str)
    table["colour"] = fill
    return table, entries


def blank_missing(table: pd.DataFrame) -> pd.DataFrame:
    """Missing values as empty cells (st.dataframe would print None); columns with gaps become text."""
    shown = table.copy()
    for column in shown.columns:
        if shown[column].isna().any():
            shown[column] = [_text(value) for value in shown[column]]
    return shown


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return str(value)


def render_table(table: pd.DataFrame, empty_key: str, key: str | None = None, counts: bool = False) -> None:
    """A labelled table, or a note when it is empty; with counts, whole numbers get thousands
    separators as the tiles above them do (38,103, not 38103; never on a list's signal numbers)."""
    if table.empty:
        st.info(t(empty_key))
        return
    config = {column: st.column_config.NumberColumn(format="localized") for column in table.columns
              if counts and pd.api.types.is_integer_dtype(table[column])}
    st.dataframe(blank_missing(table), hide_index=True, width="stretch", key=key, column_config=config)


def render_stage_metrics(stages: dict[str, int], overdue: int) -> None:
    """The funnel's four numbers and the overdue count as tiles (the last year)."""
    columns = st.columns(len(STAGES) + 1)
    for column, stage in zip(columns, STAGES):
        column.metric(label_of("signal_stage", stage), f"{stages[stage]:,}")
    columns[-1].metric(t("signals.col_overdue_total"), f"{overdue:,}")
