"""Monitoring-case charts: stock and flows by case type, risk composition, elimination rate per year."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from labels import label_of, t
from components.trend_figure import add_phases, finish, month_dates
from rules.calendar import Period

CASE_TYPES = ("unstable", "marginal", "sudden")
CASE_COLORS = {"unstable": "#d9534f", "marginal": "#f0ad4e", "sudden": "#8e6bbf"}
# Fixed colours per risk so a risk keeps its colour whatever the mix (illness and disability dominate).
RISK_COLORS = {"illness": "#4e79a7", "disability": "#f28e2b", "schooling": "#e15759", "disaster": "#76b7b2",
               "accident": "#59a14f", "business_failure": "#edc948", "unstable_employment": "#b07aa1",
               "labor_shortage": "#ff9da7", "housing": "#9c755f", "water": "#1f9bd7", "other": "#bab0ac"}
ELIMINATION_COLORS = {"eliminated_stable": "#2e8b57", "eliminated_natural": "#8fbc8f"}


def build_case_table(flows: pd.DataFrame) -> pd.DataFrame:
    """Month × case type: identified, eliminated (stable / natural), open at start and end (CSV)."""
    table = flows.sort_values(["month", "key"])
    return pd.DataFrame({
        t("trends_col.month"): table["month"],
        t("trends_col.case_type"): table["key"].map(lambda code: label_of("case_type", code)),
        t("trends_col.open_start"): table["open_start"],
        t("trends_col.identified"): table["identified"],
        t("trends_col.eliminated_stable"): table["eliminated_stable"],
        t("trends_col.eliminated_natural"): table["eliminated_natural"],
        t("trends_col.open_end"): table["open_end"],
    })


def build_case_figure(flows: pd.DataFrame, period: Period) -> go.Figure:
    """Top: cases open at month end, stacked by case type. Bottom: identified up, eliminated down."""
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.58, 0.42], vertical_spacing=0.06)
    keys = [k for k in CASE_TYPES if k in set(flows["key"])] + sorted(set(flows["key"]) - set(CASE_TYPES))
    for key in keys:
        rows = flows[flows["key"] == key].sort_values("month")
        name = label_of("case_type", key)
        figure.add_trace(go.Scatter(x=month_dates(rows["month"]), y=rows["open_end"], name=name, stackgroup="open",
                                    mode="lines", line={"width": 0.5, "color": CASE_COLORS.get(key)},
                                    legendgroup=key, hovertemplate="%{y:,}"), row=1, col=1)
        figure.add_trace(go.Bar(x=month_dates(rows["month"]), y=rows["identified"], name=name, showlegend=False,
                                marker_color=CASE_COLORS.get(key), legendgroup=key,
                                hovertemplate=t("trends.hover_identified") + " %{y:,}"), row=2, col=1)
    totals = flows.groupby("month", as_index=False)[list(ELIMINATION_COLORS)].sum()
    for column, color in ELIMINATION_COLORS.items():
        figure.add_trace(go.Bar(x=month_dates(totals["month"]), y=-totals[column], name=t(f"trends_col.{column}"),
                                marker_color=color, customdata=totals[column],
                                hovertemplate="%{customdata:,}"), row=2, col=1)
    figure.update_layout(barmode="relative")
    figure.update_yaxes(title_text=t("trends.axis_open"), row=1, col=1)
    figure.update_yaxes(title_text=t("trends.axis_flows"), row=2, col=1)
    add_phases(figure, period.first, period.cut)
    return finish(figure, t("trends.axis_open"), height=520).update_layout(yaxis_title=t("trends.axis_open"))


def build_risk_table(flows: pd.DataFrame) -> pd.DataFrame:
    """Month × risk type: cases open at month end carrying that risk (CSV)."""
    table = flows.sort_values(["month", "key"])
    return pd.DataFrame({
        t("trends_col.month"): table["month"],
        t("trends_col.risk"): table["key"].map(lambda code: label_of("risk", code)),
        t("trends_col.identified"): table["identified"],
        t("trends_col.eliminated"): table["eliminated"],
        t("trends_col.open_end"): table["open_end"],
    })


def build_risk_figure(flows: pd.DataFrame, period: Period) -> go.Figure:
    """Open cases at month end by risk type, stacked (a case with two risks counts in both)."""
    figure = go.Figure()
    order = flows.groupby("key")["open_end"].sum().sort_values(ascending=False).index
    for key in order:
        rows = flows[flows["key"] == key].sort_values("month")
        figure.add_trace(go.Scatter(x=month_dates(rows["month"]), y=rows["open_end"], name=label_of("risk", key),
                                    stackgroup="risk", mode="lines", hovertemplate="%{y:,}",
                                    line={"width": 0.5, "color": RISK_COLORS.get(key, "#999999")}))
    add_phases(figure, period.first, period.cut)
    return finish(figure, t("trends.axis_open_by_risk"), height=400)


def build_elimination_table(yearly: pd.DataFrame) -> pd.DataFrame:
    """Per year: open at start, identified, eliminated (stable / natural), elimination rate (CSV)."""
    return pd.DataFrame({
        t("trends_col.year"): yearly["year"],
        t("trends_col.open_start_year"): yearly["open_start"],
        t("trends_col.identified"): yearly["identified"],
        t("trends_col.eliminated_stable"): yearly["eliminated_stable"],
        t("trends_col.eliminated_natural"): yearly["eliminated_natural"],
        t("trends_col.open_end_year"): yearly["open_end"],
        t("trends_col.elimination_rate"): yearly["rate"],
    })


def build_elimination_figure(yearly: pd.DataFrame, period: Period) -> go.Figure:
    """Eliminated per year (stable / natural stacked) with the elimination rate as a line."""
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    for column, color in ELIMINATION_COLORS.items():
        figure.add_trace(go.Bar(x=yearly["year"], y=yearly[column], name=t(f"trends_col.{column}"),
                                marker_color=color, hovertemplate="%{y:,}"), secondary_y=False)
    figure.add_trace(go.Scatter(x=yearly["year"], y=yearly["rate"], name=t("trends_col.elimination_rate"),
                                mode="lines+markers+text", text=[f"{v:.1f}%" if pd.notna(v) else "" for v in yearly["rate"]],
                                textposition="top center", line={"color": "#1f4e79"},
                                hovertemplate="%{y:.1f}%"), secondary_y=True)
    figure.update_layout(barmode="stack")
    figure.update_xaxes(tickmode="array", tickvals=yearly["year"], ticktext=[str(y) for y in yearly["year"]])
    # Streamlit's theme syncs a second axis' ticks to the first (5.63 %, 11.26 %…): plain ticks instead.
    figure.update_yaxes(title_text=t("trends.axis_rate"), secondary_y=True, rangemode="tozero", ticksuffix="%",
                        tickmode="auto", showgrid=False)
    add_phases(figure, period.first, period.cut, yearly=True)
    return finish(figure, t("trends.axis_eliminated"), height=380)
