"""What every trends chart shares: the two phases marked on the time axis, layout, chart + CSV."""

from __future__ import annotations

import html
from datetime import date

from typing import Sequence

import altair as alt
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.exports import ExportLog, render_csv_download
from components.vega import render_vega
from labels import t

TRANSITION_START, TRANSITION_END = date(2021, 1, 1), date(2026, 1, 1)  # 过渡期 2021–2025
PLOTLY_CONFIG = {"displaylogo": False}
DECIMALS = 2
SMALL_COUNT = 6  # below this, whole-number ticks
TRANSITION_FILL, REGULAR_FILL = "rgba(250, 200, 90, 0.13)", "rgba(90, 160, 220, 0.10)"


def month_dates(months: pd.Series) -> pd.Series:
    """"YYYY-MM" keys as the first day of the month (a date axis plotly can shade)."""
    return pd.to_datetime(months.astype(str) + "-01")


def quarter_dates(quarters: pd.Series) -> pd.Series:
    """"YYYY-Qn" labels as the first day of the quarter."""
    return pd.to_datetime([f"{q[:4]}-{(int(q[-1]) - 1) * 3 + 1:02d}-01" for q in quarters])


PHASE_LINE = {"dash": "dot", "color": "rgba(40, 100, 170, 0.7)"}


def _panels(figure: go.Figure) -> list[tuple[str, str]]:
    """(x axis, y axis) of every panel that holds a trace: a plain figure has one, a grid one per subplot."""
    return sorted({(trace.xaxis or "x", trace.yaxis or "y") for trace in figure.data}) or [("x", "y")]


def add_phases(figure: go.Figure, first: date, last: date, yearly: bool = False, label: bool = True) -> go.Figure:
    """Shade the transition period (2021–2025) and mark regular assistance (2026 on), within [first, last].

    On a yearly axis (x = year numbers) the bands run between half years so whole bars sit inside.
    The bands are written as layout shapes in one step: plotly's add_vrect(row="all") re-validates
    the whole figure per panel, which cost the trends page seconds per view.
    """
    phases = ((TRANSITION_START, TRANSITION_END, TRANSITION_FILL, t("trends.phase_transition")),
              (TRANSITION_END, None, REGULAR_FILL, t("trends.phase_regular")))
    shapes, notes = [], []
    for start, end, fill, text in phases:
        if yearly:
            low, high = max(start.year, first.year), min(end.year - 1, last.year) if end else last.year
            x0, x1 = low - 0.5, high + 0.5
        else:
            low, high = max(start, first), min(end, last) if end else last
            x0, x1 = low, high
        if low > high:
            continue
        for x_axis, y_axis in _panels(figure):
            span = {"xref": x_axis, "yref": f"{y_axis} domain", "y0": 0, "y1": 1}
            shapes.append({"type": "rect", "x0": x0, "x1": x1, "fillcolor": fill, "line": {"width": 0},
                           "layer": "below", **span})
            if end is None and not yearly:  # the new phase starts on a marked line
                shapes.append({"type": "line", "x0": low, "x1": low, "line": PHASE_LINE, **span})
            if label:
                notes.append({"text": text, "x": x0, "xref": x_axis, "y": 1, "yref": f"{y_axis} domain",
                              "xanchor": "left", "yanchor": "top", "showarrow": False, "font": {"size": 11}})
    figure.update_layout(shapes=[*figure.layout.shapes, *shapes], annotations=[*figure.layout.annotations, *notes])
    if not yearly:  # plotly's default date ticks and hover are English ("Jul 2023"): numbers instead
        figure.update_xaxes(tickformat="%Y-%m", hoverformat="%Y-%m")
    return figure


def finish(figure: go.Figure, y_title: str, height: int = 380, counts: bool = True,
           shared_scale: bool = False) -> go.Figure:
    """Common layout: Chinese axis title, legend on top, compact margins, unified hover.

    For counts, an axis whose values stay small gets whole-number ticks (plotly would show 0.5).
    """
    figure.update_layout(height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10}, hovermode="x unified",
                         legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
                         yaxis_title=y_title, separators=".,")
    if counts:
        highest: dict[str, float] = {}
        for trace in figure.data:
            values = pd.to_numeric(pd.Series(trace.y if trace.y is not None else []), errors="coerce").abs()
            # Stacked traces add up: the sum of maxima bounds the axis from above.
            highest[trace.yaxis or "y"] = highest.get(trace.yaxis or "y", 0) + float(values.max() if len(values) else 0)
        if shared_scale and highest:  # panels on one scale get one tick spacing
            highest = dict.fromkeys(highest, max(highest.values()))
        for axis, top in highest.items():
            if top <= SMALL_COUNT:
                figure.layout["yaxis" + axis[1:]].update(dtick=1, tick0=0)
    return figure


def safe(text: object) -> str:
    """A database value for plotly text (trace names, titles, hover): tags shown as typed."""
    return html.escape(str(text))


def for_display(table: pd.DataFrame) -> pd.DataFrame:
    """A copy for st.dataframe: a column with gaps shows "—" there instead of "None"."""
    shown = table.copy()
    for column in shown.columns:
        if shown[column].dtype.kind == "f" and shown[column].isna().any():
            shown[column] = [f"{value:,.{DECIMALS}f}".rstrip("0").rstrip(".") if pd.notna(value) else "—"
                             for value in shown[column]]
    return shown


def render_table(table: pd.DataFrame) -> None:
    """A read-only table tall enough to show every row (up to 25) without scrolling."""
    height = 35 * (min(len(table), 25) + 1) + 3
    st.dataframe(for_display(table), hide_index=True, width="stretch", height=height)


def render_vega_charts(charts: Sequence[alt.TopLevelMixin], table: pd.DataFrame, name: str, log: ExportLog) -> None:
    """Vega-Lite charts (components/vega.py) and one CSV download of exactly the numbers they show."""
    for index, chart in enumerate(charts):
        render_vega(chart, key=f"chart_{name}_{index}")
    render_csv_download(t("trends.download_csv"), table, f"trends_{name}.csv", f"download_{name}", log,
                        type="tertiary")


def render_chart(figure: go.Figure, table: pd.DataFrame, name: str, log: ExportLog) -> None:
    """The chart (bundled plotly, no logo) and a CSV download of exactly the numbers it shows
    (made and logged on click)."""
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"chart_{name}")
    render_csv_download(t("trends.download_csv"), table, f"trends_{name}.csv", f"download_{name}", log,
                        type="tertiary")
