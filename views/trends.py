"""防止返贫监测趋势: cases, income (两高于), 三保障 problems and indicators from 2021 on, and the children compared."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.auth_log import export_logger
from components.exports import ExportLog
from components.page_params import TREND_SECTIONS, trends_section
from components.state import Keys
from components.url_state import url_tabs
from labels import label_of, t
from components.text import md_escape
from components.trend_period import read_period, render_period_picker
from components.trend_sections import (period_label, render_cases, render_compare, render_income,
                                       render_indicators, render_problems, render_seed_indicators)
from components.rollup_caption import render_rollup_caption
from components.url_params import FIRST_DAY
from components.view import View, current_view
from components.wall.frame import render_wall
from components.wall.trends import build_trends_wall
from queries.trend_cases import area_totals
from components.coverage import TRANSITION_LAST_DAY, render_elimination_quality, render_transition_baseline
from components.page_head import render_page_head
from queries.elimination_quality import elimination_quality
from queries.areas import ancestors, area_tree, children
from queries.trend_cases import case_flows
from queries.rollups import CASE_SPELLS, rollup_freshness
from queries.trend_checks import problem_flows
from queries.trend_income import income_benchmarks, income_distribution
from queries.trend_indicators import indicator_series
from queries.drill import income_year
from queries.seed_indicators import seed_indicators
from rules.calendar import Period, month_key, month_start, shift_month


def show_wall(view: View) -> None:
    """The transition period composed for the wall: four charts from 2021 to the as-of date."""
    tree = area_tree(view.db, view.scope)
    chain = tuple(ancestors(tree, view.area_code))
    period = Period(FIRST_DAY, view.asof)
    area = (view.db, view.scope, view.area_code, view.area_level)
    years = (period.first.year, period.cut.year)
    render_wall(t("trends.title"), t("wall.trends_subtitle", asof=f"{view.asof:%Y-%m-%d}"),
                build_trends_wall(area_totals(case_flows(*area, view.area_level, period)), problem_flows(*area, period),
                                  income_distribution(*area, *years),
                                  income_benchmarks(view.db, view.scope, chain, *years)))


def show_cases(view: View, period: Period, log: ExportLog) -> None:
    """监测对象: stock and flows, risk types, elimination per year and its quality, the 2025 baseline."""
    area = (view.db, view.scope, view.area_code, view.area_level)
    stock = elimination_quality(*area, period.cut)
    render_cases(case_flows(*area, view.area_level, period), case_flows(*area, view.area_level, period, "risk"), period,
                 log, stock)
    render_elimination_quality(stock, period.cut.year)
    if view.asof > TRANSITION_LAST_DAY:  # from 2026 on, the end of the transition period is the baseline
        render_transition_baseline(elimination_quality(*area, TRANSITION_LAST_DAY))


def show_income(view: View, period: Period, log: ExportLog, tree: pd.DataFrame) -> None:
    """收入: the income bands against the line and the local average, and the 两高于 verdicts."""
    chain = tuple(ancestors(tree, view.area_code))
    names = dict(zip(tree["code"], tree["name"]))
    years = (period.first.year, period.cut.year)
    benchmarks = income_benchmarks(view.db, view.scope, chain, *years)
    local = benchmarks["rural_area_code"].iloc[0] if benchmarks["rural_per_capita"].notna().any() else None
    render_income(income_distribution(view.db, view.scope, view.area_code, view.area_level, *years), benchmarks,
                  names.get(local) if local else None, period, log)


def show_problems(view: View, period: Period, log: ExportLog) -> None:
    """三保障 and drinking water: problems found, cleared and open."""
    render_problems(problem_flows(view.db, view.scope, view.area_code, view.area_level, period), period, log)


def show_indicators(view: View, period: Period, log: ExportLog, tree: pd.DataFrame) -> None:
    """重点指标: the reported series against their targets, then the seeds' indicators from the records."""
    chain = tuple(ancestors(tree, view.area_code))
    names = dict(zip(tree["code"], tree["name"]))
    render_indicators(indicator_series(view.db, view.scope, chain, month_key(period.first), month_key(period.cut)),
                      view.area_code, names, period, log)
    year, _ = income_year(view.db, period.cut)
    render_seed_indicators(seed_indicators(view.db, view.scope, view.area_code, view.area_level, period.cut, year),
                           period.cut, year, log)


def show_compare(view: View, period: Period, log: ExportLog, tree: pd.DataFrame) -> None:
    """下级对比: the children's open cases side by side and their ranking."""
    kids = children(tree, view.area_code)
    child_flows = None
    if not kids.empty:
        # The ranking compares with the same month a year earlier: count from then at least.
        since = min(period.first, month_start(shift_month(month_key(period.cut), -11)))
        child_flows = case_flows(view.db, view.scope, view.area_code, view.area_level, kids["level"].iloc[0],
                                 Period(since, period.cut))
    render_compare(child_flows, kids, period, log)


def main() -> None:
    """Draw the trends of the current area over the chosen period, one section at a time (composed for
    the wall on the big screen)."""
    view = current_view()
    if view.screen:
        show_wall(view)
        return
    render_page_head(view, t("trends.title"), t("trends.caption"), ("trends", "indicators"), "trends")
    st.caption(t("trends.transition_targets"))
    choice = read_period(view.asof)
    render_period_picker(choice, view.asof)
    period = choice.period
    tree = area_tree(view.db, view.scope)
    first, last = period_label(period)
    heading = t("trends.area_heading", name=md_escape(tree.at[view.area_code, "name"]),
                level=label_of("level", view.area_level), first=first, last=last)
    st.markdown(f"#### {heading}")
    render_rollup_caption(rollup_freshness(view.db, CASE_SPELLS), view.area_level)

    log = export_logger(view, "trends")
    with url_tabs(trends_section(), TREND_SECTIONS, choice.section, lambda code: t(f"trends.section_{code}"),
                  Keys.TRENDS_SECTION):
        if choice.section == "cases":
            show_cases(view, period, log)
        elif choice.section == "income":
            show_income(view, period, log, tree)
        elif choice.section == "problems":
            show_problems(view, period, log)
        elif choice.section == "indicators":
            show_indicators(view, period, log, tree)
        else:
            show_compare(view, period, log, tree)


main()
