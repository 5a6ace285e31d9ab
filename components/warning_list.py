"""The early-warning list and the compliance findings, reusable by any page (drill, risk, cockpit).

build_* shape query results (no Streamlit); render_* draw them. Names arrive masked from the server.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from labels import label_of, t
from components.rule_text import evidence_text

LinkFor = Callable[[int], dict[str, str]]
WARNING_COLUMNS = ("rule", "village", "head_name", "since", "detail")
FINDING_COLUMNS = ("rule", "village", "head_name", "case_type", "identified_on", "eliminated_on", "detail")
# Rows open the household by selection, in the same tab: a link column would open a new tab
# (Streamlit's LinkColumn always does), losing the sample role and the sign-in.


# Household lists start at county level: above it (a city, a province) the drill's tabs give counts
# and ask to drill down; the newest 300 of a province's 145,000 warnings tell a leader little, and
# reading them cost 9 s at 10 million households.
ROW_LEVELS = ("county", "township", "village")


def row_listing(household_detail: bool, area_level: str) -> tuple[bool, str]:
    """Whether a page lists warning and finding households for this viewer and area, and the label of
    the note that stands in for the rows where it does not: drill down (above ROW_LEVELS), or counts
    only (roles without household detail, the big screen)."""
    listed = household_detail and area_level in ROW_LEVELS
    return listed, "warning_list.drill_down_for_rows" if household_detail else "warning_list.counts_only"


def _household_link(query: dict[str, str]) -> str:
    # The profile lives on the drill page; relative, so it also works under a server base path.
    return "drill?" + urlencode(query)


def _village_names(codes: pd.Series, names: pd.Series) -> list[str]:
    return [str(names.get(code, code)) for code in codes]


# Rules over a year's income figures: they hold for the year, not from a day (no date is recorded).
YEARLY_RULES = frozenset({"should_monitor", "income_below_line", "spending_spike"})


def since_text(rule_code: str, since: object, values: dict) -> str:
    """触发日期: the day an event warning started; for a yearly rule, the year it holds for."""
    if rule_code in YEARLY_RULES and isinstance(values, dict) and "year" in values:
        return t("warning_list.yearly_since", year=int(values["year"]))
    return since.isoformat() if hasattr(since, "isoformat") else str(since)


def build_warning_table(warnings: pd.DataFrame, area_names: pd.Series, link_for: LinkFor) -> pd.DataFrame:
    """One row per warning: rule, village, masked head, since when, evidence sentence, profile link."""
    table = pd.DataFrame({
        "rule": [label_of("warning_rule", code) for code in warnings["rule"]],
        "village": _village_names(warnings["village_code"], area_names),
        "head_name": warnings["head_name"].tolist(),
        "since": [since_text(code, since, values) for code, since, values
                  in zip(warnings["rule"], warnings["since"], warnings["values"])],
        "detail": [evidence_text(key, values) for key, values in zip(warnings["evidence"], warnings["values"])],
        "link": [_household_link(link_for(int(i))) for i in warnings["household_id"]],
    })
    table["query"] = [link_for(int(i)) for i in warnings["household_id"]]
    table["rule_code"] = warnings["rule"].tolist()
    return table


def build_finding_table(findings: pd.DataFrame, area_names: pd.Series, link_for: LinkFor) -> pd.DataFrame:
    """One row per broken rule: rule, village, masked head, case dates, evidence, profile link."""
    table = pd.DataFrame({
        "rule": [label_of("compliance_rule", code) for code in findings["rule"]],
        "village": _village_names(findings["village_code"], area_names),
        # Aggregates-only viewers get findings without household columns: nothing to name or link.
        "head_name": findings["head_name"].tolist() if "head_name" in findings else "",
        "case_type": [label_of("case_type", code) for code in findings["case_type"]],
        "identified_on": findings["identified_on"].tolist(),
        "eliminated_on": findings["eliminated_on"].tolist(),
        "detail": [evidence_text(code, values) for code, values in zip(findings["rule"], findings["values"])],
        "link": ([_household_link(link_for(int(i))) for i in findings["household_id"]]
                 if "household_id" in findings else ""),
    })
    table["query"] = [link_for(int(i)) for i in findings["household_id"]] if "household_id" in findings else ""
    table["rule_code"] = findings["rule"].tolist()
    return table


def _config() -> dict:
    names = {"rule": "pcol.rule", "village": "pcol.village", "head_name": "col.head_name", "since": "pcol.since",
             "detail": "pcol.detail", "case_type": "col.case_type", "identified_on": "pcol.identified_on",
             "eliminated_on": "pcol.eliminated_on"}
    config = {column: st.column_config.TextColumn(t(key)) for column, key in names.items()}
    for column in ("identified_on", "eliminated_on"):
        config[column] = st.column_config.DateColumn(t(names[column]), format="YYYY-MM-DD")
    config["detail"] = st.column_config.TextColumn(t("pcol.detail"), width="large")
    return config


def _picked_query(shown: pd.DataFrame, event) -> dict[str, str] | None:
    rows = event.selection.rows if event is not None else []
    return shown["query"].iloc[rows[0]] if rows else None


def _rule_counts(codes: list[str], counts: dict[str, int], section: str, key: str) -> list[str]:
    """Pills with each rule's count; returns the rules picked (all when none is picked)."""
    picked = st.pills(t("warning_list.rule_filter"), codes, selection_mode="multi", key=key,
                      format_func=lambda code: f"{label_of(section, code)} {counts.get(code, 0):,}")
    return picked or codes


def render_warning_list(table: pd.DataFrame, counts: dict[str, int], rule_codes: tuple[str, ...],
                        limit: int, key: str, rows: bool = True,
                        why: str = "warning_list.counts_only") -> dict[str, str] | None:
    """The warning list with a per-rule filter (counts are complete; rows capped per rule); with
    rows=False (big screen, aggregate-only roles) the counts alone. Returns the query of the
    household whose row was selected (the page opens it in the same tab), else None."""
    if not rows:
        for column, code in zip(st.columns(len(rule_codes)), rule_codes):
            column.metric(label_of("warning_rule", code), f"{counts.get(code, 0):,}", border=True)
        st.info(t(why))
        return None
    st.caption(t("warning_list.caption"))
    picked = _rule_counts(list(rule_codes), counts, "warning_rule", key=f"{key}_rules")
    shown = table[table["rule_code"].isin(picked)]
    if shown.empty:
        st.info(t("warning_list.none"))
        return None
    event = st.dataframe(shown, column_order=WARNING_COLUMNS, column_config=_config(), hide_index=True,
                         width="stretch", key=f"{key}_table", on_select="rerun", selection_mode="single-row")
    st.caption(t("warning_list.open_hint"))
    if any(counts.get(code, 0) > limit for code in picked):
        st.caption(t("warning_list.capped", limit=limit))
    return _picked_query(shown, event)


def render_findings(table: pd.DataFrame, counts: dict[str, int], rule_codes: tuple[str, ...], limit: int, key: str,
                    rows: bool = True, why: str = "warning_list.counts_only") -> dict[str, str] | None:
    """Compliance findings: one metric per rule (counts are complete), then (unless counts only) the
    list, newest first and capped at limit; returns the query of the household whose row was
    selected, else None."""
    st.caption(t("compliance.caption"))
    columns = st.columns(len(rule_codes))
    for column, code in zip(columns, rule_codes):
        column.metric(label_of("compliance_rule", code), f"{counts.get(code, 0):,}", border=True)
    if not sum(counts.values()):
        st.success(t("compliance.none"))
        return None
    if not rows:
        st.info(t(why))
        return None
    event = st.dataframe(table, column_order=FINDING_COLUMNS, column_config=_config(), hide_index=True,
                         width="stretch", key=f"{key}_table", on_select="rerun", selection_mode="single-row")
    st.caption(t("warning_list.open_hint"))
    if sum(counts.values()) > len(table):
        st.caption(t("compliance.capped", limit=limit))
    return _picked_query(table, event)
