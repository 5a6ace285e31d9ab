"""三保障 + drinking-water problems per quarter, and indicator series against their targets."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from labels import label_of, t
from components.trend_figure import add_phases, finish, quarter_dates, safe
from rules.calendar import Period

ITEMS = ("food_clothing", "education", "medical", "housing", "water")
ITEM_COLORS = {"food_clothing": "#9c755f", "education": "#4e79a7", "medical": "#e15759", "housing": "#f28e2b",
               "water": "#76b7b2"}


def build_problem_table(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Quarter × item: open at start, found, cleared, open at end (CSV)."""
    order = {item: position for position, item in enumerate(ITEMS)}
    table = quarterly.sort_values(["quarter", "key"], key=lambda c: c.map(order) if c.name == "key" else c)
    return pd.DataFrame({
        t("trends_col.quarter"): table["quarter"],
        t("trends_col.item"): table["key"].map(lambda code: label_of("guarantee_item", code)),
        t("trends_col.problems_open_start"): table["open_start"],
        t("trends_col.problems_found"): table["found"],
        t("trends_col.problems_cleared"): table["cleared"],
        t("trends_col.problems_open_end"): table["open_end"],
    })


def build_problem_figure(quarterly: pd.DataFrame, period: Period) -> go.Figure:
    """Top: problems found (up) and cleared (down) per quarter. Bottom: open at quarter end, by item."""
    totals = quarterly.groupby("quarter", as_index=False)[["found", "cleared"]].sum()
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    bars = {"xperiod": "M3", "xperiodalignment": "middle", "hovertemplate": "%{y:,}"}
    figure.add_trace(go.Bar(x=quarter_dates(totals["quarter"]), y=totals["found"], marker_color="#f0ad4e",
                            name=t("trends_col.problems_found"), **bars), row=1, col=1)
    # Cleared ones point down, as eliminations do in the case chart.
    figure.add_trace(go.Bar(x=quarter_dates(totals["quarter"]), y=-totals["cleared"], marker_color="#5cb85c",
                            name=t("trends_col.problems_cleared"), customdata=totals["cleared"],
                            **{**bars, "hovertemplate": "%{customdata:,}"}), row=1, col=1)
    for item in [i for i in ITEMS if i in set(quarterly["key"])]:
        rows = quarterly[quarterly["key"] == item].sort_values("quarter")
        figure.add_trace(go.Bar(x=quarter_dates(rows["quarter"]), y=rows["open_end"], marker_color=ITEM_COLORS[item],
                                name=t("trends.open_item", item=label_of("guarantee_item", item)), **bars),
                         row=2, col=1)
    figure.update_layout(barmode="relative")
    figure.update_yaxes(title_text=t("trends.axis_problems_flow"), row=1, col=1)
    figure.update_yaxes(title_text=t("trends.axis_problems_open"), row=2, col=1)
    add_phases(figure, period.first, period.cut)
    return finish(figure, t("trends.axis_problems_flow"), height=520).update_layout(
        yaxis_title=t("trends.axis_problems_flow"))


def latest_vs_target(series: pd.DataFrame) -> pd.DataFrame:
    """Per indicator: the latest period's value and target, the gap, and whether it is on target
    (higher-is-better: value ≥ target; lower-is-better: value ≤ target)."""
    latest = series.dropna(subset=["value"]).sort_values("period").groupby("indicator_code").tail(1)
    higher = latest["better"] == "higher"
    on_target = (higher & (latest["value"] >= latest["target"])) | (~higher & (latest["value"] <= latest["target"]))
    return latest.assign(gap=latest["value"] - latest["target"],
                         on_target=on_target.where(latest["target"].notna(), None)).reset_index(drop=True)


def build_indicator_table(latest: pd.DataFrame) -> pd.DataFrame:
    """The latest value of each indicator against its target, in words a reader can scan."""
    verdict = latest["on_target"].map(lambda ok: t("trends.met") if ok is True else t("trends.not_met")
                                      if ok is False else "")
    return pd.DataFrame({
        t("trends_col.indicator"): latest["name"], t("trends_col.unit"): latest["unit"].fillna(""),
        t("trends_col.period"): latest["period"], t("trends_col.value"): latest["value"],
        t("trends_col.target"): latest["target"], t("trends_col.gap"): latest["gap"].round(2),
        t("trends_col.better"): latest["better"].map(lambda code: label_of("trends_better", code)),
        t("trends_col.on_target"): verdict,
    })


def build_indicator_series_table(series: pd.DataFrame) -> pd.DataFrame:
    """Every indicator value and target per month (CSV)."""
    return pd.DataFrame({
        t("trends_col.indicator"): series["name"], t("trends_col.unit"): series["unit"].fillna(""),
        t("trends_col.period"): series["period"], t("trends_col.value"): series["value"],
        t("trends_col.target"): series["target"],
    })


def build_indicator_figure(series: pd.DataFrame, period: Period, columns: int = 3) -> go.Figure:
    """Small multiples: one panel per indicator, its value and a dashed target line."""
    codes = list(dict.fromkeys(series["indicator_code"]))
    rows = max(1, math.ceil(len(codes) / columns))
    first = series.drop_duplicates("indicator_code").set_index("indicator_code")
    titles = [safe(f"{first.at[c, 'name']}（{first.at[c, 'unit']}）" if first.at[c, "unit"] else first.at[c, "name"])
              for c in codes]
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=titles, vertical_spacing=0.16 / rows * 2,
                           horizontal_spacing=0.06)
    for position, code in enumerate(codes):
        data = series[series["indicator_code"] == code]
        x = pd.to_datetime(data["period"] + "-01")
        where = {"row": position // columns + 1, "col": position % columns + 1}
        figure.add_trace(go.Scatter(x=x, y=data["value"], name=t("trends_col.value"), mode="lines",
                                    line={"color": "#1f77b4"}, showlegend=False,
                                    hovertemplate="%{y:,.2f}"), **where)
        figure.add_trace(go.Scatter(x=x, y=data["target"], name=t("trends_col.target"), mode="lines",
                                    line={"color": "#d9534f", "dash": "dash"}, showlegend=False,
                                    hovertemplate="%{y:,.2f}"), **where)
    figure.update_annotations(font_size=13)
    add_phases(figure, period.first, period.cut, label=False)
    figure = finish(figure, "", height=260 * rows + 40, counts=False)
    return figure.update_layout(margin={"t": 30})
