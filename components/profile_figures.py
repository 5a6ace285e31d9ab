"""Figures of the household profile (pure builders, no Streamlit): income and the timeline."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from labels import label_of, t

CASE_COLOURS = {"unstable": "#d9480f", "marginal": "#f08c00", "sudden": "#c2255c"}
MUTED, LINE_RED, BAR_BLUE = "#868e96", "#e03131", "#1c7ed6"


def _layout(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), hovermode="closest",
                         legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
                         font=dict(family="sans-serif"), plot_bgcolor="white")
    return figure


def build_income_figure(incomes: pd.DataFrame, size: int) -> go.Figure:
    """Per-capita net income by year as bars, the monitoring line as a line, rigid spending per head."""
    years = incomes["year"].astype(int).astype(str)
    figure = go.Figure()
    under = incomes["per_capita_net"] < incomes["line"].fillna(-1)
    figure.add_bar(x=years, y=incomes["per_capita_net"], name=t("profile.income_bar"),
                   marker_color=[LINE_RED if flag else BAR_BLUE for flag in under],
                   hovertemplate="%{x}: %{y:,.0f}<extra></extra>")
    figure.add_scatter(x=years, y=incomes["line"], name=t("profile.income_line"), mode="lines+markers",
                       line=dict(color=LINE_RED, dash="dash"), hovertemplate="%{x}: %{y:,.0f}<extra></extra>")
    if incomes["rigid_expenditure"].notna().any() and size > 0:
        figure.add_scatter(x=years, y=incomes["rigid_expenditure"] / size, name=t("profile.income_rigid"),
                           mode="lines+markers", line=dict(color=MUTED),
                           hovertemplate="%{x}: %{y:,.0f}<extra></extra>")
    figure.update_yaxes(title_text=t("profile.income_axis"), tickformat=",.0f", gridcolor="#e9ecef")
    figure.update_xaxes(type="category")
    return _layout(figure, 300)


TIMELINE_MARGIN = timedelta(days=30)


def timeline_range(cases: pd.DataFrame, asof: date) -> tuple[date, date]:
    """The timeline's window: the household's cases from first identification to the last end (the
    as-of date while one is open), a month's margin each side; no case: the transition period to date."""
    if cases.empty:
        return date(2021, 1, 1), asof
    ends = [d if isinstance(d, date) else asof for d in cases["eliminated_on"]]
    start = min(cases["identified_on"]) - TIMELINE_MARGIN
    return start, min(max(ends) + TIMELINE_MARGIN, asof + TIMELINE_MARGIN)


def build_timeline_figure(cases: pd.DataFrame, measures: pd.DataFrame, visits: pd.DataFrame,
                          checks: pd.DataFrame, asof: date, signals: pd.DataFrame | None = None) -> go.Figure:
    """One lane per kind of event: monitoring periods as bars, measures, visits, problems and department
    signals (when the household has any) as marks."""
    lanes = [t("profile.timeline_case"), t("profile.timeline_measure"), t("profile.timeline_problem"),
             t("profile.timeline_visit")]
    signals = signals if signals is not None else pd.DataFrame()
    if not signals.empty:
        lanes.append(t("profile.timeline_signal"))
    figure = go.Figure()
    for row in cases.itertuples():
        end = row.eliminated_on if isinstance(row.eliminated_on, date) else asof
        days = max((end - row.identified_on).days, 1)
        figure.add_bar(y=[lanes[0]], x=[days * 86_400_000], base=[row.identified_on.isoformat()], orientation="h",
                       marker_color=CASE_COLOURS.get(row.case_type, MUTED), showlegend=False,
                       name=label_of("case_type", row.case_type),
                       hovertemplate=f"{label_of('case_type', row.case_type)}<br>{row.identified_on} – "
                                     f"{row.eliminated_on if isinstance(row.eliminated_on, date) else ''}<extra></extra>")
    marks = ((measures, "started_on", lanes[1], "#2f9e44", "kind", "assistance_kind"),
             (checks[~checks["ok"].astype(bool)] if not checks.empty else checks, "checked_on", lanes[2], LINE_RED,
              "item", "guarantee_item"),
             (visits, "visited_on", lanes[3], MUTED, None, None))
    if not signals.empty:
        marks += ((signals, "received_on", lanes[4], "#e8590c", "kind", "signal_kind"),)
    for frame, column, lane, colour, code_column, section in marks:
        if frame.empty:
            continue
        text = [label_of(section, code) for code in frame[code_column]] if code_column else None
        figure.add_scatter(x=frame[column].astype(str), y=[lane] * len(frame), mode="markers", showlegend=False,
                           marker=dict(color=colour, size=9, symbol="line-ns-open" if lane == lanes[3] else "circle"),
                           text=text, hovertemplate="%{x}" + ("<br>%{text}" if text else "") + "<extra></extra>")
    figure.add_vline(x=asof.isoformat(), line=dict(color="#495057", dash="dot", width=1))
    start, end = timeline_range(cases, asof)
    figure.update_xaxes(type="date", range=[start.isoformat(), end.isoformat()], gridcolor="#e9ecef")
    figure.update_yaxes(categoryorder="array", categoryarray=lanes[::-1], type="category",
                        range=[-0.6, len(lanes) - 0.4])
    figure.update_layout(barmode="overlay")
    return _layout(figure, 230)
