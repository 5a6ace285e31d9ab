"""Risk heatmaps: build_* shape counts into matrices and plotly figures (no Streamlit), render_* draw them."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from labels import label_of, t

# Plotly's own bundle draws the chart; no mode-bar link to plotly's site, no MathJax.
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage"], "typesetMath": False}
COLOURS = "YlOrRd"


def unique_names(codes: list[str], names: pd.Series) -> list[str]:
    """Display names for area codes, escaped for plotly, with the code added where a name repeats."""
    raw = [str(names.get(code, code)) for code in codes]
    repeated = {name for name in raw if raw.count(name) > 1}
    return [html.escape(t("risk_page.name_with_code", name=name, code=code) if name in repeated else name) for name, code in zip(raw, codes)]


def build_risk_matrix(counts: pd.DataFrame, totals: pd.Series, households: pd.Series, area_codes: list[str],
                      risk_codes: tuple[str, ...], measure: str, sort: str) -> pd.DataFrame:
    """Areas × risk types (plus the distinct-case total), as counts or per 100 households, sorted."""
    matrix = (counts.pivot_table(index="area_code", columns="risk_code", values="cases", aggfunc="sum")
              if not counts.empty else pd.DataFrame())
    matrix = matrix.reindex(index=area_codes, columns=list(risk_codes)).fillna(0)
    matrix["total"] = totals.reindex(area_codes).fillna(0)
    if measure == "rate":
        base = households.reindex(area_codes)
        matrix = (100 * matrix.div(base.where(base > 0), axis=0)).round(2)
    matrix = matrix if measure == "rate" else matrix.astype("int64")
    if sort == "total":
        matrix = matrix.sort_values("total", ascending=False, kind="stable")
    return matrix


def build_risk_heatmap(matrix: pd.DataFrame, names: pd.Series, measure: str) -> go.Figure:
    """A heatmap of the matrix: one row per area, one column per risk type, the total last."""
    # The total goes into the row label, not a column: on one colour scale it would wash out the rest.
    risks = matrix.drop(columns="total")
    columns = [label_of("risk", code) for code in risks.columns]
    total_format = "{:,.2f}" if measure == "rate" else "{:,.0f}"
    rows = [t("risk_page.row_with_total", name=name, total=total_format.format(total))
            for name, total in zip(unique_names(list(matrix.index), names), matrix["total"].fillna(0))]
    values = risks.to_numpy(dtype=float)
    text_format = "%{z:.2f}" if measure == "rate" else "%{z:,.0f}"
    figure = go.Figure(go.Heatmap(z=values, x=columns, y=rows, colorscale=COLOURS, texttemplate=text_format,
                                  hovertemplate="%{y} · %{x}: " + text_format + "<extra></extra>", xgap=1, ygap=1,
                                  colorbar={"thickness": 12}))
    figure.update_layout(height=max(260, 28 * len(rows) + 120), margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         yaxis={"autorange": "reversed"}, xaxis={"side": "top"})
    return figure


def build_month_heatmap(monthly: pd.DataFrame, area_codes: list[str], names: pd.Series, months: list[str]) -> go.Figure:
    """New cases per month (x) and area (y); empty months stay in so gaps and surges both show."""
    grid = (monthly.pivot_table(index="area_code", columns="month", values="cases", aggfunc="sum")
            if not monthly.empty else pd.DataFrame())
    grid = grid.reindex(index=area_codes, columns=months).fillna(0)
    rows = unique_names(area_codes, names)
    figure = go.Figure(go.Heatmap(z=grid.to_numpy(dtype=float), x=months, y=rows, colorscale=COLOURS, xgap=0.5,
                                  ygap=1, hovertemplate="%{y} · %{x}: %{z:,.0f}<extra></extra>",
                                  colorbar={"thickness": 12}))
    figure.update_layout(height=max(260, 24 * len(rows) + 110), margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         yaxis={"autorange": "reversed"}, xaxis={"type": "category", "nticks": 24,
                                                                 "title": t("risk_page.month_axis")})
    return figure


def render_chart(figure: go.Figure, key: str) -> None:
    """Draw a plotly figure with the app's offline settings."""
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key=key, width="stretch")
