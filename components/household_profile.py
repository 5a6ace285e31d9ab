"""The household profile (户情): why the household is monitored and whether its risk can be
eliminated yet, with the records behind both. build_* are pure; render_* draw."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components.area_panels import build_case_table, build_household_facts
from labels import label_of, t
from components.profile_figures import build_income_figure, build_timeline_figure
from components.rule_text import explain
from components.text import md_cells, md_escape
from rules.elimination import GUARANTEE_ITEMS
from rules.model import Check

VISITS_SHOWN = 12
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def build_criteria_table(criteria: list[Check]) -> pd.DataFrame:
    """Each elimination criterion with a tick or a cross and the evidence that decided it."""
    return pd.DataFrame({
        t("pcol.criterion"): [t(f"criterion.{check.code}") for check in criteria],
        t("pcol.met"): [t("profile.met") if check.holds else t("profile.not_met") for check in criteria],
        t("pcol.evidence"): [explain(check) for check in criteria],
    })


def build_guarantee_status(checks: pd.DataFrame, asof: date) -> pd.DataFrame:
    """The five 两不愁三保障 + water items: secured or not on the date, the last check, open problems."""
    rows = []
    for item in GUARANTEE_ITEMS:
        mine = checks[checks["item"] == item] if not checks.empty else checks
        open_ = mine[(~mine["ok"].astype(bool)) & mine["resolved_on"].isna()] if not mine.empty else mine
        if mine.empty:
            status, last, issue, since = t("profile.guarantee_unchecked"), "", "", ""
        else:
            status = t("profile.guarantee_problem") if not open_.empty else t("profile.guarantee_ok")
            last = str(mine["checked_on"].max())
            issue = "；".join(str(text) for text in open_["issue"].dropna())
            since = str(open_["checked_on"].min()) if not open_.empty else ""
        rows.append((label_of("guarantee_item", item), status, last, issue, since))
    return pd.DataFrame(rows, columns=[t("pcol.item"), t("pcol.status"), t("pcol.checked_on"), t("pcol.issue"),
                                       t("pcol.found_on")])


def build_measure_table(measures: pd.DataFrame) -> pd.DataFrame:
    """Assistance measures with labels, newest first."""
    return pd.DataFrame({
        t("pcol.kind"): [label_of("assistance_kind", kind) for kind in measures["kind"]],
        t("pcol.started_on"): measures["started_on"].astype(str).tolist(),
        t("pcol.ended_on"): ["" if pd.isna(day) else str(day) for day in measures["ended_on"]],
        t("pcol.amount"): [None if pd.isna(amount) else float(amount) for amount in measures["amount"]],
    })


def build_visit_table(visits: pd.DataFrame, shown: int = VISITS_SHOWN) -> pd.DataFrame:
    """The latest visits: date, visitor, note."""
    latest = visits.head(shown)
    return pd.DataFrame({
        t("pcol.visited_on"): latest["visited_on"].astype(str).tolist(),
        t("pcol.visitor"): latest["visitor"].fillna("").tolist(),
        t("pcol.note"): latest["note"].fillna("").tolist(),
    })


def _reason_mark(present: bool) -> str:
    """A reason for monitoring: a red "present" mark, or a grey "absent" one. Never ✓/✗: on this page
    ✓ means a criterion for ending monitoring is met (good) and ✗ that it is not (bad)."""
    return f":red[**{t('profile.reason_present')}**]" if present else f":gray[{t('profile.reason_absent')}]"


def _coloured_marks(table: pd.DataFrame):
    """The criteria table with its tick column green and cross column red."""
    met = md_escape(t("profile.met"))  # the table's cells arrive escaped
    return table.style.map(lambda value: f"color: {'#2b8a3e' if value == met else '#c92a2a'}; font-weight: 700",
                           subset=[t("pcol.met")])


def render_identity(record: pd.Series, low_income: tuple[str, ...] | None = None) -> None:
    """Masked identity and basic facts, with the 低收入人口 categories."""
    st.markdown(f"**{t('profile.identity')}**")
    # st.table renders Markdown in its cells: every table here is escaped (md_cells) so names show as typed.
    st.table(md_cells(build_household_facts(record, low_income)), hide_index=True, hide_header=True,
             border="horizontal")
    st.caption(t("profile.masked_note"))


def render_status(open_case: pd.Series | None, reasons: list[Check], warnings: list[Check]) -> None:
    """Monitoring status, the reasons that hold, the case's risk types and the household's warnings."""
    st.markdown(f"**{t('profile.status_heading')}**")
    if open_case is None:
        st.info(t("profile.status_none"))
    else:
        st.warning(t("profile.status_open", case_type=label_of("case_type", open_case["case_type"]),
                     since=open_case["identified_on"]))
        risks = "、".join(label_of("risk", code) for code in open_case["risk_codes"])
        st.markdown(md_escape(t("profile.risk_types", risks=risks)))
    st.markdown(f"**{t('profile.reasons_heading')}**")
    for reason in reasons:
        st.markdown(f"{_reason_mark(reason.holds)} " + md_escape(f"{t(f'criterion.{reason.code}')}：{explain(reason)}"))
    st.markdown(f"**{t('profile.warnings_heading')}**")
    if not warnings:
        st.caption(t("profile.no_warnings"))
    for warning in warnings:
        st.error(md_escape(f"{label_of('warning_rule', warning.code)}：{explain(warning)}"))


def render_eligibility(criteria: list[Check] | None) -> None:
    """The risk-elimination criteria for the open case, each ticked or crossed with its evidence."""
    st.markdown(f"#### {t('profile.eligibility_heading')}")
    if criteria is None:
        st.caption(t("profile.eligibility_open_only"))
        return
    unmet = [check for check in criteria if not check.holds]
    if unmet:
        st.error(t("profile.not_eligible", count=len(unmet)))
    else:
        st.success(t("profile.eligible"))
    st.table(_coloured_marks(md_cells(build_criteria_table(criteria))), hide_index=True, border="horizontal")
    st.caption(t("profile.natural_note"))


def render_history(cases: pd.DataFrame, measures: pd.DataFrame, visits: pd.DataFrame, checks: pd.DataFrame,
                   asof: date, signals: pd.DataFrame | None = None) -> None:
    """The monitoring history on a timeline, then the cases and the department signals as tables."""
    st.markdown(f"#### {t('profile.timeline_heading')}")
    st.plotly_chart(build_timeline_figure(cases, measures, visits, checks, asof, signals), config=PLOTLY_CONFIG,
                    width="stretch")
    if not cases.empty:
        st.table(md_cells(build_case_table(cases)), hide_index=True, border="horizontal")
    if signals is not None and not signals.empty:
        from components.signal_panels import blank_missing, build_household_signals

        st.markdown(f"**{t('signals.profile_header')}**")
        st.table(blank_missing(build_household_signals(signals)), hide_index=True, border="horizontal")


def render_income_and_guarantees(incomes: pd.DataFrame, size: int, checks: pd.DataFrame, asof: date) -> None:
    """Income by year against the line (chart) beside the five guarantee items."""
    left, right = st.columns(2)
    left.markdown(f"#### {t('profile.income_heading')}")
    if incomes.empty:
        left.info(t("profile.no_income"))
    else:
        left.plotly_chart(build_income_figure(incomes, size), config=PLOTLY_CONFIG, width="stretch")
    right.markdown(f"#### {t('profile.guarantee_heading')}")
    right.table(md_cells(build_guarantee_status(checks, asof)), hide_index=True, border="horizontal")


def render_measures_and_visits(measures: pd.DataFrame, visits: pd.DataFrame) -> None:
    """Assistance measures beside the latest visits."""
    left, right = st.columns(2)
    left.markdown(f"#### {t('profile.measures_heading')}")
    if measures.empty:
        left.info(t("profile.no_measures"))
    else:
        left.dataframe(build_measure_table(measures), hide_index=True, width="stretch",
                       column_config={t("pcol.amount"): st.column_config.NumberColumn(format="localized")})
    right.markdown(f"#### {t('profile.visits_heading')}")
    if visits.empty:
        right.info(t("profile.no_visits"))
    else:
        right.dataframe(build_visit_table(visits), hide_index=True, width="stretch")
        right.caption(t("profile.visits_caption", shown=min(len(visits), VISITS_SHOWN), total=len(visits)))


def render_breaks(breaks: list[tuple[pd.Series, list[Check]]]) -> None:
    """Past eliminations of this household that broke a procedural rule (usually none)."""
    if not breaks:
        return
    st.markdown(f"#### {t('profile.breaks_heading')}")
    for case, checks in breaks:
        for check in checks:
            st.error(md_escape(f"{label_of('compliance_rule', check.code)}：{explain(check)}"))
