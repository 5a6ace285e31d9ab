"""过渡期趋势: cases, income (两高于), 三保障 problems and indicators from 2021 on, and the children compared."""

from __future__ import annotations

import streamlit as st

from components.brief_button import render_brief_download
from components.labels import label_of, t
from components.text import md_escape
from components.trend_period import parse_period, render_period_picker
from components.trend_sections import (period_label, render_cases, render_compare, render_income,
                                       render_indicators, render_problems)
from components.view import current_view
from queries.areas import ancestors, area_tree, children
from queries.trend_cases import case_flows
from queries.trend_checks import problem_flows
from queries.trend_income import income_benchmarks, income_distribution
from queries.trend_indicators import indicator_series
from queries.trend_period import Period, month_key, month_start, shift_month


def main() -> None:
    """Draw the trends of the current area over the chosen period."""
    view = current_view()
    st.title(t("trends.title"))
    render_brief_download(view, ("trends",), "trends")
    st.caption(t("trends.caption"))
    choice = parse_period(st.query_params.to_dict(), view.asof)
    if choice.problems:
        st.warning(t("trends_period.ignored", items="；".join(choice.problems)))
    render_period_picker(choice, view.asof)
    period = choice.period
    tree = area_tree(view.db, view.scope)
    chain = tuple(ancestors(tree, view.area_code))
    names = dict(zip(tree["code"], tree["name"]))
    first, last = period_label(period)
    heading = t("trends.area_heading", name=md_escape(names[view.area_code]),
                level=label_of("level", view.area_level), first=first, last=last)
    st.markdown(f"#### {heading}")

    area = (view.db, view.scope, view.area_code, view.area_level)
    render_cases(case_flows(*area, view.area_level, period), case_flows(*area, view.area_level, period, "risk"), period)

    years = (period.first.year, period.cut.year)
    benchmarks = income_benchmarks(view.db, view.scope, chain, *years)
    local = benchmarks["rural_area_code"].iloc[0] if benchmarks["rural_per_capita"].notna().any() else None
    render_income(income_distribution(*area, *years), benchmarks, names.get(local) if local else None, period)

    render_problems(problem_flows(*area, period), period)
    render_indicators(indicator_series(view.db, view.scope, chain, month_key(period.first), month_key(period.cut)),
                      view.area_code, names, period)

    kids = children(tree, view.area_code)
    child_flows = None
    if not kids.empty:
        # The ranking compares with the same month a year earlier: count from then at least.
        since = min(period.first, month_start(shift_month(month_key(period.cut), -11)))
        child_flows = case_flows(*area, kids["level"].iloc[0], Period(since, period.cut))
    render_compare(child_flows, kids, period)


main()
