"""Compare the children of an area: open cases as small multiples and a ranking with year-over-year change."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from labels import t
from components.trend_figure import add_phases, finish, month_dates, safe
from rules.calendar import Period, month_key, shift_month


def ranking(totals: pd.DataFrame, kids: pd.DataFrame, cut: date) -> pd.DataFrame:
    """Per child area: open at the last month's end and 12 months earlier, the change, flows of
    the last 12 months and open cases per 100 households; worst (highest rate) first."""
    last = month_key(cut)
    year_ago = shift_month(last, -12)
    recent = totals[(totals["month"] > year_ago) & (totals["month"] <= last)]
    by_area = recent.sort_values("month").groupby("area_code").agg(
        open_year_ago=("open_start", "first"), identified=("identified", "sum"),
        eliminated=("eliminated", "sum"), open_now=("open_end", "last"))
    table = kids[["code", "name", "household_count"]].reset_index(drop=True).join(by_area, on="code")
    numbers = ["open_year_ago", "identified", "eliminated", "open_now"]
    table[numbers] = table[numbers].fillna(0).astype("int64")
    table["change"] = table["open_now"] - table["open_year_ago"]
    table["change_pct"] = (100 * table["change"] / table["open_year_ago"].where(table["open_year_ago"] > 0)).round(1)
    households = table["household_count"].where(table["household_count"] > 0)
    table["per_100"] = (100 * table["open_now"] / households).round(2)
    return table.sort_values(["per_100", "open_now"], ascending=False, na_position="last").reset_index(drop=True)


def build_ranking_table(table: pd.DataFrame) -> pd.DataFrame:
    """The ranking with Chinese headers (shown and downloaded)."""
    names = {"name": "area", "household_count": "households", "open_now": "open_now", "open_year_ago": "open_year_ago",
             "change": "change", "change_pct": "change_pct", "identified": "identified_12m",
             "eliminated": "eliminated_12m", "per_100": "per_100"}
    result = pd.DataFrame({t(f"trends_col.{label}"): table[column] for column, label in names.items()})
    result.insert(0, t("trends_col.rank"), range(1, len(result) + 1))
    return result


def build_compare_series_table(totals: pd.DataFrame, names: dict[str, str], period: Period) -> pd.DataFrame:
    """Month × child area: identified, eliminated, open at month end (CSV of the small multiples)."""
    shown = totals[totals["month"].isin(period.months())].sort_values(["area_code", "month"])
    return pd.DataFrame({
        t("trends_col.area"): shown["area_code"].map(names), t("trends_col.code"): shown["area_code"],
        t("trends_col.month"): shown["month"], t("trends_col.identified"): shown["identified"],
        t("trends_col.eliminated"): shown["eliminated"], t("trends_col.open_end"): shown["open_end"],
    })


def build_compare_figure(totals: pd.DataFrame, names: dict[str, str], period: Period, columns: int = 4) -> go.Figure:
    """One small panel per child area with its open cases at month end, on a shared scale."""
    shown = totals[totals["month"].isin(period.months())]
    codes = [code for code in names if code in set(shown["area_code"])] or list(names)
    rows = max(1, math.ceil(len(codes) / columns))
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=[safe(names[c]) for c in codes],
                           shared_yaxes="all", shared_xaxes="all", vertical_spacing=min(0.12, 0.5 / rows),
                           horizontal_spacing=0.03)
    for position, code in enumerate(codes):
        data = shown[shown["area_code"] == code].sort_values("month")
        figure.add_trace(go.Scatter(x=month_dates(data["month"]), y=data["open_end"], name=safe(names[code]),
                                    mode="lines", fill="tozeroy", line={"color": "#c0504d", "width": 1.5},
                                    showlegend=False, hovertemplate="%{y:,}"),
                         row=position // columns + 1, col=position % columns + 1)
    figure.update_annotations(font_size=12)
    add_phases(figure, period.first, period.cut, label=False)
    figure = finish(figure, "", height=max(260, 170 * rows + 60), shared_scale=True)
    return figure.update_layout(hovermode="closest")
