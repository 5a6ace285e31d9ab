"""Measure coverage by labour capacity, and the local settings (口径说明) the rules use.

build_* return plain DataFrames (no Streamlit); render_* draw them.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from components.trend_figure import TRANSITION_END
from labels import label_of, t
from rules.measures import LABOR_MEASURES, NO_LABOR_MEASURES
from rules.settings import SETTINGS

TRANSITION_LAST_DAY = TRANSITION_END - timedelta(days=1)  # the transition period's last day (2025-12-31)
COVERAGE_COLUMNS = ("labor_capacity", "open_cases", "in_force", "in_force_share", "paired", "paired_share")


def build_coverage_table(coverage: pd.DataFrame) -> pd.DataFrame:
    """The coverage rows with labour capacities named and a total row; columns keep their codes."""
    table = coverage.copy()
    if not table.empty:
        total = {"labor_capacity": "", "open_cases": int(table["open_cases"].sum()),
                 "in_force": int(table["in_force"].sum()), "paired": int(table["paired"].sum())}
        base = total["open_cases"] or None
        total["in_force_share"] = round(100 * total["in_force"] / base, 1) if base else None
        total["paired_share"] = round(100 * total["paired"] / base, 1) if base else None
        table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    table["labor_capacity"] = [label_of("labor_capacity", code) if code else t("coverage.total")
                               for code in table["labor_capacity"]]
    return table.reindex(columns=list(COVERAGE_COLUMNS))


def build_settings_table() -> pd.DataFrame:
    """The local settings as rows a reader understands: what it is, its value."""
    return pd.DataFrame({"setting": [t(row.doc) for row in SETTINGS.table()],
                         "value": [f"{row.value:g}" for row in SETTINGS.table()]})


def render_coverage(table: pd.DataFrame) -> None:
    """The coverage table with the pairing rule in words."""
    st.caption(t("coverage.caption", labor=_kinds(LABOR_MEASURES), no_labor=_kinds(NO_LABOR_MEASURES)))
    if table.empty:
        st.info(t("coverage.none"))
        return
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={code: st.column_config.Column(t(f"coverage_col.{code}")) for code in COVERAGE_COLUMNS})


def render_settings() -> None:
    """The local settings (口径说明), marked as the county's own choices, not seed rules."""
    with st.expander(t("settings.heading")):
        st.caption(t("settings.caption"))
        st.dataframe(build_settings_table().rename(columns={"setting": t("settings.col_setting"),
                                                            "value": t("settings.col_value")}),
                     hide_index=True, width="stretch")


def _kinds(codes: tuple[str, ...]) -> str:
    return "、".join(label_of("assistance_kind", code) for code in codes)


def render_elimination_quality(figures: dict, year: int) -> None:
    """The cumulative share eliminated beside the year's, and re-entries after elimination
    (seed 003: 防止盲目追求风险消除率)."""
    st.markdown(f"**{t('elimination_quality.heading')}**")
    first, second, third = st.columns(3)
    share = figures["cumulative_share"]
    first.metric(t("elimination_quality.cumulative"), "—" if share is None else f"{share:.1f}%", border=True,
                 help=t("elimination_quality.cumulative_help", identified=f"{figures['identified']:,}",
                        eliminated=f"{figures['eliminated']:,}"))
    share = figures["year_share"]
    second.metric(t("elimination_quality.year", year=year), "—" if share is None else f"{share:.1f}%", border=True,
                  help=t("elimination_quality.year_help"))
    third.metric(t("elimination_quality.reentries"), f"{figures['reentries']:,}", border=True,
                 help=t("elimination_quality.reentries_help", year=year, count=f"{figures['reentries_year']:,}"))


def build_overlap_table(overlap: pd.DataFrame) -> pd.DataFrame:
    """低收入人口 categories × monitoring status, with the categories named (columns keep their codes)."""
    table = overlap.copy()
    table["category"] = [label_of("low_income_category", code) for code in table["category"]]
    return table


def render_overlap(table: pd.DataFrame) -> None:
    """The overlap of 防止返贫监测对象 with the 民政 categories of 农村低收入人口 (常态化帮扶, from 2026)."""
    st.markdown(f"**{t('overlap.heading')}**")
    st.caption(t("overlap.caption"))
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={code: st.column_config.Column(t(f"overlap_col.{code}"))
                                for code in ("category", "open", "eliminated", "none")})


def render_transition_baseline(figures: dict) -> None:
    """The end-of-transition figures (2025-12-31), fixed, as the baseline of normal assistance."""
    st.caption(t("elimination_quality.baseline", identified=f"{figures['identified']:,}", eliminated=f"{figures['eliminated']:,}",
                 open=f"{figures['identified'] - figures['eliminated']:,}",
                 share="—" if figures["cumulative_share"] is None else f"{figures['cumulative_share']:.1f}%",
                 people=f"{figures['open_people']:,}", reentries=f"{figures['reentries']:,}"))
