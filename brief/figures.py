"""Plotly figures for the pack: plain bars in one house style, sized for a slide half."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from brief.context import chart_label
from labels import t

FONT = "Noto Sans CJK SC, Droid Sans Fallback, sans-serif"
COLORS = ("#c0392b", "#2e86c1", "#7f8c8d")
WIDTH, HEIGHT = 900, 560


def _layout(figure: go.Figure, title: str) -> go.Figure:
    figure.update_layout(title={"text": chart_label(title), "x": 0.02, "font": {"size": 20}},
                         font={"family": FONT, "size": 14}, template="plotly_white",
                         margin={"l": 20, "r": 20, "t": 60, "b": 20}, width=WIDTH, height=HEIGHT,
                         showlegend=len(figure.data) > 1, legend={"orientation": "h", "y": -0.12})
    figure.update_xaxes(automargin=True)
    figure.update_yaxes(automargin=True)
    return figure


def _whole_numbers(values: list[float]) -> dict:
    """Axis settings for counts: no 0.5 ticks when the largest count is small."""
    return {"dtick": 1, "tick0": 0} if values and max(values) < 8 else {}


def chinese_number(value: float, decimals: int = 2) -> str:
    """An axis number as Chinese readers write it: 4.5万, 1.2亿, else 9,500 (never plotly's 45k); at
    most `decimals` decimals of 万 or 亿."""
    for size, key in ((1e8, "brief_number.hundred_million"), (1e4, "brief_number.ten_thousand")):
        if abs(value) >= size:
            return t(key, n=f"{value / size:,.{decimals}f}".rstrip("0").rstrip("."))
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def value_axis(values: list[float], ticks: int = 5, base: float = 1) -> dict:
    """A value axis with about `ticks` round steps from 0, labelled in 万/亿 (no SI suffixes);
    base: what one unit of the values is worth (10,000 for values in 万元)."""
    top = max([v * base for v in values if v is not None and not math.isnan(v)] + [0])
    if top < 8:
        return {**_whole_numbers(values), "exponentformat": "none", "separatethousands": True}
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    count = int(math.ceil(top / step))
    values_at = [i * step for i in range(count + 1)]
    return {"tickvals": [v / base for v in values_at], "ticktext": [chinese_number(v) for v in values_at],
            "range": [0, values_at[-1] / base * 1.08]}


def build_ranking_bar(labels: list[str], values: list[float], title: str, limit: int = 15) -> go.Figure:
    """Horizontal bars, largest on top, at most `limit` of them."""
    pairs = sorted(zip(labels, values), key=lambda pair: -pair[1])[:limit][::-1]
    figure = go.Figure(go.Bar(x=[v for _, v in pairs], y=[chart_label(n) for n, _ in pairs], orientation="h",
                              marker_color=COLORS[0], text=[f"{v:,.0f}" for _, v in pairs],
                              textposition="outside", cliponaxis=False))
    figure.update_xaxes(**value_axis([v for _, v in pairs]))
    return _layout(figure, title)


def build_column_chart(labels: list[str], values: list[float], title: str, decimals: int = 0,
                       base: float = 1) -> go.Figure:
    """Vertical bars in the given order, each labelled with its value (in 万/亿 when base scales it)."""
    text = [f"{v:,.{decimals}f}" for v in values] if base == 1 else [chinese_number(v * base) for v in values]
    figure = go.Figure(go.Bar(x=[chart_label(n) for n in labels], y=values, marker_color=COLORS[1],
                              text=text, textposition="outside", cliponaxis=False))
    figure.update_yaxes(**value_axis(values, base=base))
    return _layout(figure, title)


def build_flow_chart(months: list[str], new: list[int], eliminated: list[int], title: str,
                     new_name: str, eliminated_name: str) -> go.Figure:
    """New and eliminated cases per month, side by side."""
    figure = go.Figure([go.Bar(x=months, y=new, name=chart_label(new_name), marker_color=COLORS[0]),
                        go.Bar(x=months, y=eliminated, name=chart_label(eliminated_name), marker_color=COLORS[1])])
    figure.update_layout(barmode="group")
    figure.update_xaxes(type="category", tickangle=-45 if len(months) > 12 else 0)
    figure.update_yaxes(**value_axis(new + eliminated))
    return _layout(figure, title)
