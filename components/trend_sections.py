"""The trends page's sections: heading, chart with CSV, and the words around it (render_* only)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from labels import label_of, t
from components.text import md_escape
from components.trend_case_charts import build_case_table, build_elimination_table, build_risk_table
from components.trend_compare import (build_compare_figure, build_compare_series_table, build_ranking_table,
                                      ranking)
from brief.indicator_sections import indicator_basis, indicator_table
from components.exports import ExportLog, render_csv_download
from components.figure_memo import memo_figure
from components.trend_figure import render_chart, render_table, render_vega_charts
from components.trend_vega import build_case_charts, build_elimination_chart, build_risk_chart
from components.trend_income_charts import (build_income_figure, build_income_table, income_comparison,
                                            second_high_sentences, two_highs_sentences)
from components.trend_other_charts import (build_indicator_figure, build_indicator_series_table,
                                           build_indicator_table, build_problem_figure, build_problem_table,
                                           latest_vs_target)
from queries.trend_cases import area_totals, yearly_elimination
from queries.trend_checks import by_quarter
from rules.calendar import Period


def render_cases(flows: pd.DataFrame, risks: pd.DataFrame, period: Period, log: ExportLog,
                 stock: dict | None = None) -> None:
    """Stock and flows by case type, risk composition, and elimination per year; stock (the
    elimination_quality figures at the period's end) states the open cases in 户 and 人."""
    st.subheader(t("trends.cases_heading"))
    if flows.empty:
        st.info(t("trends.no_cases"))
        return
    if stock is not None:  # officials give 人 as well as 户
        numbers = {key: f"{stock[key]:,}" for key in ("identified", "eliminated", "open_people")}
        st.markdown(md_escape(t("trends.stock_now", date=f"{period.cut:%Y-%m-%d}", identified=numbers["identified"],
                                eliminated=numbers["eliminated"], people=numbers["open_people"],
                                open=f"{stock['identified'] - stock['eliminated']:,}")))
    st.caption(t("trends.cases_caption"))
    render_vega_charts(build_case_charts(flows, period), build_case_table(flows), "cases", log)
    st.subheader(t("trends.risk_heading"))
    st.caption(t("trends.risk_caption"))
    render_vega_charts([build_risk_chart(risks, period)], build_risk_table(risks), "risks", log)
    st.subheader(t("trends.elimination_heading"))
    st.caption(t("trends.elimination_caption"))
    yearly = yearly_elimination(area_totals(flows))
    render_vega_charts([build_elimination_chart(yearly)], build_elimination_table(yearly), "elimination", log)


def render_income(distribution: pd.DataFrame, benchmarks: pd.DataFrame, local_name: str | None,
                  period: Period, log: ExportLog) -> None:
    """Income bands against the line and the local average, then the 两高于 verdict per year."""
    st.subheader(t("trends.income_heading"))
    if distribution.empty:
        st.info(t("trends.no_income"))
        return
    st.caption(t("trends.income_caption"))
    comparison = income_comparison(distribution, benchmarks)
    table = build_income_table(comparison)
    render_chart(memo_figure(build_income_figure, comparison, period), table, "income", log)
    if local_name is None:
        st.warning(t("trends.income_no_local"))
    else:
        st.caption(t("trends.income_local_note", name=md_escape(local_name)))
    st.markdown(f"**{t('trends.two_highs_heading')}**")
    st.markdown("\n".join(f"- {sentence}" for sentence in two_highs_sentences(comparison)))
    st.markdown(f"**{t('trends.second_heading')}**")
    sources = comparison["national_source"].dropna().unique() if "national_source" in comparison else []
    st.caption(t("trends.national_source", sources="；".join(sources)) if len(sources) else t("trends.national_missing"))
    st.markdown("\n".join(f"- {sentence}" for sentence in second_high_sentences(comparison)))
    render_table(table)


def render_problems(monthly: pd.DataFrame, period: Period, log: ExportLog) -> None:
    """三保障 + water problems found, cleared and still open, per quarter."""
    st.subheader(t("trends.problems_heading"))
    st.caption(t("trends.problems_caption"))
    quarterly = by_quarter(monthly)
    render_chart(memo_figure(build_problem_figure, quarterly, period), build_problem_table(quarterly), "problems",
                 log)


def render_indicators(series: pd.DataFrame, area_code: str, names: dict[str, str], period: Period, log: ExportLog) -> None:
    """Small multiples of indicators with targets, and the latest value against each target."""
    st.subheader(t("trends.indicators_heading"))
    if series.empty:
        st.info(t("trends.no_indicators"))
        return
    source = series["area_code"].iloc[0]
    if source != area_code:
        st.caption(t("trends.indicators_from", name=md_escape(names.get(source, source))))
    st.caption(t("trends.indicators_caption"))
    render_chart(memo_figure(build_indicator_figure, series, period), build_indicator_series_table(series),
                 "indicators", log)
    render_table(build_indicator_table(latest_vs_target(series)))


def render_seed_indicators(frame: pd.DataFrame, asof: date, year: int | None, log: ExportLog) -> None:
    """Rule 11: the indicators the seeds set, computed from the records, each against its target."""
    st.subheader(t("seed_indicator.heading"))
    st.caption(t("seed_indicator.caption", asof=date.isoformat(asof)))
    st.caption(t("seed_indicator.income_year", year=year) if year else t("seed_indicator.no_income_year"))
    table = indicator_table(frame)
    render_table(table)
    render_csv_download(t("trends.download_csv"), table, "trends_seed_indicators.csv", "download_seed_indicators", log,
                        type="tertiary")
    st.markdown(f"**{t('seed_indicator.basis_heading')}**")
    for row in indicator_basis(frame).itertuples(index=False):
        st.markdown(t("seed_indicator.basis_line", name=row[0], seed=row[1], proxy=row[2]))


def render_compare(child_flows: pd.DataFrame | None, kids: pd.DataFrame, period: Period, log: ExportLog) -> None:
    """The children of the area: small multiples of open cases and a ranking with year-over-year change."""
    if child_flows is None or kids.empty:
        st.info(t("trends.no_children"))
        return
    level = label_of("level", kids["level"].iloc[0])
    st.subheader(t("trends.compare_heading", level=level))
    st.caption(t("trends.compare_caption", level=level))
    totals = area_totals(child_flows) if not child_flows.empty else child_flows
    names = dict(zip(kids["code"], kids["name"]))
    if totals.empty:
        st.info(t("trends.no_cases"))
        return
    render_chart(memo_figure(build_compare_figure, totals, names, period),
                 build_compare_series_table(totals, names, period), "compare", log)
    table = build_ranking_table(ranking(totals, kids, period.cut))
    render_table(table)
    render_csv_download(t("trends.download_csv"), table, "trends_ranking.csv", "download_ranking", log,
                        type="tertiary")


def period_label(period: Period) -> tuple[str, str]:
    """The period's first month and its last day, for the heading."""
    return period.first.strftime("%Y-%m"), date.isoformat(period.cut)
