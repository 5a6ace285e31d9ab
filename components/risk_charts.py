"""Risk heatmaps: build_* shape counts into matrices and Vega-Lite charts (no Streamlit), render_vega draws them.

Vega-Lite, not plotly: the page a leader opens to see where risk is should not wait a second for
plotly.js to load in a fresh tab (components/vega.py). Vega draws names as SVG text, never as HTML.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from components.vega import COUNT_FORMAT
from labels import label_of, t

SCHEME = "yelloworangered"
ROW_STEP, MONTH_ROW_STEP = 26, 22  # pixels per area row
DARK_CELL = 0.6  # cells above this share of the largest value get white numbers


def unique_names(codes: list[str], names: pd.Series) -> list[str]:
    """Display names for area codes, with the code added where a name repeats (rows must differ)."""
    raw = [str(names.get(code, code)) for code in codes]
    repeated = {name for name in raw if raw.count(name) > 1}
    return [t("risk_page.name_with_code", name=name, code=code) if name in repeated else name
            for name, code in zip(raw, codes)]


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


def _cells(values: np.ndarray, rows: list[str], columns: list[str]) -> pd.DataFrame:
    """One row per cell of a grid: its area row, column and value (NaN where there is none)."""
    return pd.DataFrame({"area": np.repeat(rows, len(columns)), "column": columns * len(rows),
                         "value": values.ravel()})


def build_risk_heatmap(matrix: pd.DataFrame, names: pd.Series, measure: str) -> alt.Chart:
    """A heatmap of the matrix: one row per area, one column per risk type, each cell numbered."""
    # The total goes into the row label, not a column: on one colour scale it would wash out the rest.
    risks = matrix.drop(columns="total")
    columns = [label_of("risk", code) for code in risks.columns]
    total_format = "{:,.2f}" if measure == "rate" else "{:,.0f}"
    rows = [t("risk_page.row_with_total", name=name, total=total_format.format(total))
            for name, total in zip(unique_names(list(matrix.index), names), matrix["total"].fillna(0))]
    cells = _cells(risks.to_numpy(dtype=float), rows, columns)
    value_format = ",.2f" if measure == "rate" else COUNT_FORMAT  # d3's, for the tooltip
    cells["text"] = [total_format.format(value) if value == value else "" for value in cells["value"]]
    dark = DARK_CELL * (cells["value"].max() if cells["value"].notna().any() else 0)
    base = alt.Chart(cells).encode(
        x=alt.X("column:N", sort=columns, title=None, axis=alt.Axis(orient="top", labelAngle=-30, labelAlign="left",
                                                                     labelLimit=160, labelOverlap=False)),
        y=alt.Y("area:N", sort=rows, title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
        # On both layers: the number sits over the cell's middle, where the pointer rests.
        tooltip=[alt.Tooltip("area:N", title=t("map.area")), alt.Tooltip("column:N", title=t("risk_page.risk_type")),
                 alt.Tooltip("value:Q", title=t(f"risk_page.measure_{measure}"), format=value_format)])
    squares = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("value:Q", scale=alt.Scale(scheme=SCHEME), title=None))
    numbers = base.mark_text(fontSize=12).encode(
        text="text:N", color=alt.condition(alt.datum.value > dark, alt.value("white"), alt.value("black")))
    return (squares + numbers).properties(height=alt.Step(ROW_STEP))


def build_month_heatmap(monthly: pd.DataFrame, area_codes: list[str], names: pd.Series, months: list[str]) -> alt.Chart:
    """New cases per month (x) and area (y); empty months stay in so gaps and surges both show."""
    grid = (monthly.pivot_table(index="area_code", columns="month", values="cases", aggfunc="sum")
            if not monthly.empty else pd.DataFrame())
    grid = grid.reindex(index=area_codes, columns=months).fillna(0)
    rows = unique_names(area_codes, names)
    cells = _cells(grid.to_numpy(dtype=float), rows, months)
    januaries = [month for month in months if month.endswith("-01")] or months[:1]  # a label a year
    return alt.Chart(cells).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("column:O", sort=months, title=t("risk_page.month_axis"),
                axis=alt.Axis(values=januaries, labelAngle=0)),
        y=alt.Y("area:N", sort=rows, title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
        color=alt.Color("value:Q", scale=alt.Scale(scheme=SCHEME), title=None),
        tooltip=[alt.Tooltip("area:N", title=t("map.area")),
                 alt.Tooltip("column:O", title=t("risk_page.month_axis")),
                 alt.Tooltip("value:Q", title=t("risk_page.new_cases"), format=COUNT_FORMAT)],
    ).properties(height=alt.Step(MONTH_ROW_STEP))
