"""The trends page's first tab in Vega-Lite: cases open and their flows, risk types, elimination per year.

The tab a leader sees first loads no plotly.js (components/vega.py: a second of script evaluation
in a fresh tab). Each chart marks the two phases as the plotly ones do (trend_figure.add_phases):
the transition period 2021–2025 shaded warm, regular assistance from 2026 shaded cool and begun
on a dotted line, both named at their top left. Builders are pure: frames in, alt.Chart out.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from components.trend_figure import TRANSITION_END, TRANSITION_START
from components.vega import COUNT_FORMAT
from labels import label_of, t
from rules.calendar import Period

CASE_TYPES = ("unstable", "marginal", "sudden")
CASE_COLORS = {"unstable": "#d9534f", "marginal": "#f0ad4e", "sudden": "#8e6bbf"}
# Fixed colours per risk so a risk keeps its colour whatever the mix (illness and disability dominate).
RISK_COLORS = {"illness": "#4e79a7", "disability": "#f28e2b", "schooling": "#e15759", "disaster": "#76b7b2",
               "accident": "#59a14f", "business_failure": "#edc948", "unstable_employment": "#b07aa1",
               "labor_shortage": "#ff9da7", "housing": "#9c755f", "water": "#1f9bd7", "other": "#bab0ac"}
OTHER_COLOR = "#999999"
ELIMINATION_COLORS = {"eliminated_stable": "#2e8b57", "eliminated_natural": "#8fbc8f"}
RATE_COLOR = "#1f4e79"
PHASE_FILLS = {"transition": "#fac85a", "regular": "#5aa0dc"}
PHASE_OPACITY = {"transition": 0.13, "regular": 0.10}
PHASE_LINE = "#2864aa"
MONTH_AXIS = alt.Axis(format="%Y-%m", labelAngle=0, title=None)
STOCK_HEIGHT, FLOW_HEIGHT, RISK_HEIGHT, YEAR_HEIGHT = 300, 220, 360, 340


def phase_spans(first: date, last: date) -> pd.DataFrame:
    """The phases within [first, last]: key, start, end (exclusive of nothing: the last day is last) and label."""
    spans = []
    for key, start, end, label in (("transition", TRANSITION_START, TRANSITION_END, "trends.phase_transition"),
                                   ("regular", TRANSITION_END, None, "trends.phase_regular")):
        low, high = max(start, first), min(end, last) if end else last
        if low <= high:
            spans.append({"phase": key, "start": pd.Timestamp(low), "end": pd.Timestamp(high), "label": t(label)})
    return pd.DataFrame(spans, columns=["phase", "start", "end", "label"])


def _phase_layers(spans: pd.DataFrame, yearly: bool = False) -> list[alt.Chart]:
    """Shaded bands, the regular phase's dotted opening line and the phases' names, behind the data.

    Monthly: a band from each phase's start to its end on the time axis. Yearly (phase per year on a
    band axis of years): each year's whole band, so whole bars sit inside.
    """
    if spans.empty:
        return []
    base = alt.Chart(spans)
    full_height = {"y": alt.value(0), "y2": alt.Y2Value(alt.ExprRef("height"))}
    x = alt.X("year:N", sort=list(spans["year"])) if yearly else alt.X("start:T")
    span = {"x": x} if yearly else {"x": x, "x2": "end"}
    bands = base.mark_rect().encode(
        **span,
        color=alt.Color("phase:N", scale=alt.Scale(domain=list(PHASE_FILLS), range=list(PHASE_FILLS.values())),
                        legend=None),
        opacity=alt.Opacity("phase:N", scale=alt.Scale(domain=list(PHASE_OPACITY),
                                                        range=list(PHASE_OPACITY.values())), legend=None),
        **full_height)
    names = base.mark_text(align="left", baseline="top", dx=4, dy=4, fontSize=11,
                           color="#666666").encode(x=x, y=alt.value(0), text="label:N")
    if yearly:  # a band scale puts text at the band's middle: from its left edge instead
        names = names.encode(x=alt.X("year:N", sort=list(spans["year"]), bandPosition=0))
    layers = [bands, names]
    regular = spans[spans["phase"] == "regular"]
    if not yearly and not regular.empty and regular["start"].iloc[0] > spans["start"].min():
        layers.append(alt.Chart(regular).mark_rule(strokeDash=[2, 3], color=PHASE_LINE).encode(x="start:T"))
    return layers


def _with_phases(data: alt.Chart, period: Period) -> alt.LayerChart:
    """Data drawn over the period's phases on a monthly time axis, the colour scales kept apart."""
    return alt.layer(*_phase_layers(phase_spans(period.first, period.cut)), data).resolve_scale(
        color="independent", opacity="independent")


def _months(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its "YYYY-MM" month as the month's first day (a time axis Vega can band)."""
    return frame.assign(month=pd.to_datetime(frame["month"].astype(str) + "-01"))


def _case_keys(flows: pd.DataFrame) -> list[str]:
    present = set(flows["key"])
    return [key for key in CASE_TYPES if key in present] + sorted(present - set(CASE_TYPES))


def build_case_charts(flows: pd.DataFrame, period: Period) -> tuple[alt.LayerChart, alt.LayerChart]:
    """Top: cases open at month end, stacked by case type. Bottom: identified up (by type), eliminated down."""
    keys = _case_keys(flows)
    names = [label_of("case_type", key) for key in keys]
    eliminated = [t(f"trends_col.{column}") for column in ELIMINATION_COLORS]
    colors = alt.Scale(domain=names + eliminated,
                       range=[CASE_COLORS.get(key, OTHER_COLOR) for key in keys] + list(ELIMINATION_COLORS.values()))
    months = _months(flows).assign(series=lambda frame: frame["key"].map(lambda key: label_of("case_type", key)))
    month_tip = alt.Tooltip("month:T", format="%Y-%m", title=t("trends_col.month"))
    stock = alt.Chart(months).mark_area(line={"strokeWidth": 0.5}, opacity=0.6).encode(
        x=alt.X("month:T", axis=MONTH_AXIS),
        y=alt.Y("open_end:Q", stack="zero", title=t("trends.axis_open"), axis=alt.Axis(format=COUNT_FORMAT)),
        color=alt.Color("series:N", scale=colors, title=None, sort=names + eliminated),
        order=alt.Order("order:Q"),
        tooltip=[month_tip, alt.Tooltip("series:N", title=t("trends_col.case_type")),
                 alt.Tooltip("open_end:Q", title=t("trends_col.open_end"), format=COUNT_FORMAT)],
    ).transform_calculate(order=f"indexof({names!r}, datum.series)")
    totals = _months(flows.groupby("month", as_index=False)[list(ELIMINATION_COLORS)].sum())
    down = totals.melt(id_vars="month", value_vars=list(ELIMINATION_COLORS), var_name="column", value_name="count")
    down = down.assign(series=down["column"].map(lambda column: t(f"trends_col.{column}")), signed=-down["count"])
    up = months.assign(count=months["identified"], signed=months["identified"])
    bars = pd.concat([up[["month", "series", "count", "signed"]], down[["month", "series", "count", "signed"]]])
    flow = alt.Chart(bars).mark_bar().encode(
        x=alt.X("month:T", axis=MONTH_AXIS),
        y=alt.Y("signed:Q", stack="zero", title=t("trends.axis_flows"), axis=alt.Axis(format=COUNT_FORMAT)),
        color=alt.Color("series:N", scale=colors, title=None, sort=names + eliminated, legend=None),
        tooltip=[month_tip, alt.Tooltip("series:N", title=" "),
                 alt.Tooltip("count:Q", title=t("trends.axis_flows"), format=COUNT_FORMAT)],
    )
    return (_with_phases(stock, period).properties(height=STOCK_HEIGHT),
            _with_phases(flow, period).properties(height=FLOW_HEIGHT))


def build_risk_chart(flows: pd.DataFrame, period: Period) -> alt.LayerChart:
    """Open cases at month end by risk type, stacked, the commonest at the bottom (a case with two
    risks counts in both)."""
    order = list(flows.groupby("key")["open_end"].sum().sort_values(ascending=False, kind="stable").index)
    names = [label_of("risk", key) for key in order]
    months = _months(flows).assign(series=lambda frame: frame["key"].map(lambda key: label_of("risk", key)))
    area = alt.Chart(months).mark_area(line={"strokeWidth": 0.5}, opacity=0.7).encode(
        x=alt.X("month:T", axis=MONTH_AXIS),
        y=alt.Y("open_end:Q", stack="zero", title=t("trends.axis_open_by_risk"), axis=alt.Axis(format=COUNT_FORMAT)),
        color=alt.Color("series:N", title=None, sort=names,
                        scale=alt.Scale(domain=names, range=[RISK_COLORS.get(key, OTHER_COLOR) for key in order])),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("month:T", format="%Y-%m", title=t("trends_col.month")),
                 alt.Tooltip("series:N", title=t("trends_col.risk")),
                 alt.Tooltip("open_end:Q", title=t("trends_col.open_end"), format=COUNT_FORMAT)],
    ).transform_calculate(order=f"indexof({names!r}, datum.series)")
    return _with_phases(area, period).properties(height=RISK_HEIGHT)


def year_phases(years: list[int]) -> pd.DataFrame:
    """Each year shown with its phase, for bands on a year axis (whole bars inside them)."""
    spans = []
    for year in years:
        phase = "transition" if TRANSITION_START.year <= year < TRANSITION_END.year else "regular"
        spans.append({"phase": phase, "year": str(year), "label": ""})
    frame = pd.DataFrame(spans, columns=["phase", "year", "label"])
    for phase, label in (("transition", "trends.phase_transition"), ("regular", "trends.phase_regular")):
        first = frame.index[frame["phase"] == phase]
        if len(first):
            frame.loc[first[0], "label"] = t(label)  # named once, at the phase's first year
    return frame


def build_elimination_chart(yearly: pd.DataFrame) -> alt.LayerChart:
    """Eliminated per year (stable / natural stacked) with the elimination rate as a labelled line."""
    years = [str(year) for year in yearly["year"]]
    x = alt.X("year:N", sort=years, title=None, axis=alt.Axis(labelAngle=0))
    eliminated = [t(f"trends_col.{column}") for column in ELIMINATION_COLORS]
    stacked = yearly.melt(id_vars="year", value_vars=list(ELIMINATION_COLORS), var_name="column", value_name="count")
    stacked = stacked.assign(year=stacked["year"].astype(str),
                             series=stacked["column"].map(lambda column: t(f"trends_col.{column}")))
    bars = alt.Chart(stacked).mark_bar(size=36).encode(
        x=x, y=alt.Y("count:Q", stack="zero", title=t("trends.axis_eliminated"), axis=alt.Axis(format=COUNT_FORMAT)),
        color=alt.Color("series:N", title=None, sort=eliminated,
                        scale=alt.Scale(domain=eliminated, range=list(ELIMINATION_COLORS.values()))),
        tooltip=[alt.Tooltip("year:N", title=t("trends_col.year")), alt.Tooltip("series:N", title=" "),
                 alt.Tooltip("count:Q", title=t("trends.axis_eliminated"), format=COUNT_FORMAT)])
    rates = yearly.assign(year=yearly["year"].astype(str),
                          text=[f"{value:.1f}%" if pd.notna(value) else "" for value in yearly["rate"]])
    rate_axis = alt.Y("rate:Q", title=t("trends.axis_rate"), scale=alt.Scale(zero=True),
                      axis=alt.Axis(orient="right", format=".0f", labelExpr="datum.label + '%'", grid=False))
    line = alt.Chart(rates).mark_line(point=True, color=RATE_COLOR).encode(
        x=x, y=rate_axis, tooltip=[alt.Tooltip("year:N", title=t("trends_col.year")),
                                   alt.Tooltip("rate:Q", title=t("trends_col.elimination_rate"), format=".1f")])
    labels = alt.Chart(rates).mark_text(dy=-10, color=RATE_COLOR, fontSize=12).encode(x=x, y=rate_axis, text="text:N")
    phases = _phase_layers(year_phases(list(yearly["year"])), yearly=True)
    data = alt.layer(bars, alt.layer(line, labels)).resolve_scale(y="independent")
    return alt.layer(*phases, data).resolve_scale(color="independent", opacity="independent", y="independent") \
        .properties(height=YEAR_HEIGHT)
