"""What every trends chart shares: the two phases marked on the time axis, layout, chart + CSV."""

from __future__ import annotations

import html
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.labels import t

TRANSITION_START, TRANSITION_END = date(2021, 1, 1), date(2026, 1, 1)  # 过渡期 2021–2025
PLOTLY_CONFIG = {"displaylogo": False}
TRANSITION_FILL, REGULAR_FILL = "rgba(250, 200, 90, 0.13)", "rgba(90, 160, 220, 0.10)"


def month_dates(months: pd.Series) -> pd.Series:
    """"YYYY-MM" keys as the first day of the month (a date axis plotly can shade)."""
    return pd.to_datetime(months.astype(str) + "-01")


def quarter_dates(quarters: pd.Series) -> pd.Series:
    """"YYYY-Qn" labels as the first day of the quarter."""
    return pd.to_datetime([f"{q[:4]}-{(int(q[-1]) - 1) * 3 + 1:02d}-01" for q in quarters])


def add_phases(figure: go.Figure, first: date, last: date, yearly: bool = False, label: bool = True) -> go.Figure:
    """Shade the transition period (2021–2025) and mark regular assistance (2026 on), within [first, last].

    On a yearly axis (x = year numbers) the bands run between half years so whole bars sit inside.
    """
    phases = ((TRANSITION_START, TRANSITION_END, TRANSITION_FILL, t("trends.phase_transition")),
              (TRANSITION_END, None, REGULAR_FILL, t("trends.phase_regular")))
    # Bands go on every panel of a subplot grid; a plain figure has no grid to address.
    where = {"row": "all", "col": "all"} if figure._grid_ref is not None else {}
    for start, end, fill, text in phases:
        if yearly:
            low, high = max(start.year, first.year), min(end.year - 1, last.year) if end else last.year
            x0, x1 = low - 0.5, high + 0.5
        else:
            low, high = max(start, first), min(end, last) if end else last
            x0, x1 = low, high
        if low > high:
            continue
        figure.add_vrect(x0=x0, x1=x1, fillcolor=fill, line_width=0, layer="below", **where,
                         annotation_text=text if label else None, annotation_position="top left",
                         annotation_font_size=11)
        if end is None and not yearly:  # the new phase starts on a marked line
            figure.add_vline(x=low, line_dash="dot", line_color="rgba(40, 100, 170, 0.7)", **where)
    return figure


def finish(figure: go.Figure, y_title: str, height: int = 380) -> go.Figure:
    """Common layout: Chinese axis title, legend on top, compact margins, unified hover."""
    figure.update_layout(height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10}, hovermode="x unified",
                         legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
                         yaxis_title=y_title, separators=".,")
    return figure


def safe(text: object) -> str:
    """A database value for plotly text (trace names, titles, hover): tags shown as typed."""
    return html.escape(str(text))


def csv_bytes(table: pd.DataFrame) -> bytes:
    """A table as CSV with a byte-order mark, so spreadsheet programs read the Chinese correctly."""
    return table.to_csv(index=False).encode("utf-8-sig")


def render_chart(figure: go.Figure, table: pd.DataFrame, name: str) -> None:
    """The chart (bundled plotly, no logo) and a CSV download of exactly the numbers it shows."""
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"chart_{name}")
    st.download_button(t("trends.download_csv"), csv_bytes(table), file_name=f"trends_{name}.csv",
                       mime="text/csv", key=f"download_{name}", on_click="ignore", type="tertiary")
