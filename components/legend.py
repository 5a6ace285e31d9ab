"""Map legends: quantile classes for numbers, fixed colours for categories, and a "no data" class.

Drawn as plain HTML in the page (no branca colormap: streamlit-folium would then fetch d3 from a CDN).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

# ColorBrewer YlOrRd: a sequential scale that stays readable on a projector and in grey print.
SEQUENTIAL = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NO_DATA_COLOUR = "#d9d9d9"
MAX_CLASSES = len(SEQUENTIAL)


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a colour swatch, its label and how many areas fall in it."""

    colour: str
    label: str
    count: int


def quantile_edges(values: pd.Series, classes: int = MAX_CLASSES, integer: bool = False) -> list[float]:
    """Class edges at quantiles of the known values, duplicates merged (fewer classes when values tie)."""
    known = pd.to_numeric(values, errors="coerce").dropna()
    if known.empty:
        return []
    edges = np.quantile(known.to_numpy(dtype=float), np.linspace(0, 1, classes + 1))
    # Counts: whole-number edges, so a class (a, b] reads exactly as "a+1 – b".
    edges = np.unique(np.floor(edges) if integer else edges)
    return [float(edge) for edge in edges]


def class_of(values: pd.Series, edges: list[float]) -> pd.Series:
    """Class index per value: the first class is [e0, e1], later ones (e_i, e_i+1]; NaN stays NaN (no data)."""
    numbers = pd.to_numeric(values, errors="coerce")
    if len(edges) < 2:
        return numbers.where(numbers.isna(), 0)  # one distinct value: one class
    inner = np.asarray(edges[1:-1])
    positions = np.searchsorted(inner, numbers.fillna(0).to_numpy(dtype=float), side="left")
    return pd.Series(np.where(numbers.isna(), np.nan, positions), index=values.index)


def palette(classes: int) -> list[str]:
    """Colours for a number of classes, spread over the sequential scale (light = low)."""
    if classes <= 1:
        return [SEQUENTIAL[2]]
    picks = np.linspace(0, len(SEQUENTIAL) - 1, classes).round().astype(int)
    return [SEQUENTIAL[i] for i in picks]


def _format(value: float, integer: bool) -> str:
    return f"{value:,.0f}" if integer else f"{value:,.1f}"


def class_labels(edges: list[float], integer: bool) -> list[str]:
    """Readable ranges for the classes; integer data starts each later class one above the last edge."""
    if len(edges) < 2:
        return [_format(edges[0], integer)] if edges else []
    labels = []
    for position, (low, high) in enumerate(zip(edges[:-1], edges[1:])):
        start = low + 1 if integer and position > 0 else low
        labels.append(_format(high, integer) if start >= high else f"{_format(start, integer)} – {_format(high, integer)}")
    return labels


def numeric_classes(values: pd.Series, integer: bool, no_data_label: str) -> tuple[pd.Series, list[LegendEntry]]:
    """Fill colour per area (index kept) and the legend rows, the no-data class last."""
    numbers = pd.to_numeric(values, errors="coerce")
    if (numbers == 0).any() and (numbers > 0).any():
        # Zero gets a class of its own ("none here" is what a leader looks for); the rest by quantile.
        rest = quantile_edges(numbers[numbers > 0], MAX_CLASSES - 1, integer)
        edges = [0.0, 0.0] + (rest[1:] if len(rest) > 1 else rest)
    else:
        edges = quantile_edges(values, integer=integer)
    classes = class_of(values, edges)
    colours = palette(max(len(edges) - 1, 1))
    fill = classes.map(lambda c: NO_DATA_COLOUR if pd.isna(c) else colours[int(c)])
    entries = [LegendEntry(colour, label, int((classes == position).sum()))
               for position, (colour, label) in enumerate(zip(colours, class_labels(edges, integer)))]
    entries.append(LegendEntry(NO_DATA_COLOUR, no_data_label, int(classes.isna().sum())))
    return fill, entries


def category_classes(codes: pd.Series, colours: dict[str, str], labels: dict[str, str],
                     no_data_label: str) -> tuple[pd.Series, list[LegendEntry]]:
    """Fill colour per area for a categorical indicator, legend rows in the given order, no data last."""
    fill = codes.map(lambda code: colours.get(code, NO_DATA_COLOUR) if isinstance(code, str) else NO_DATA_COLOUR)
    entries = [LegendEntry(colour, labels[code], int((codes == code).sum())) for code, colour in colours.items()]
    known = codes.map(lambda code: isinstance(code, str) and code in colours)
    entries.append(LegendEntry(NO_DATA_COLOUR, no_data_label, int((~known).sum())))
    return fill, entries


def build_legend_html(title: str, entries: list[LegendEntry], count_label: str) -> str:
    """The legend as a small self-contained HTML block (every text escaped)."""
    rows = "".join(
        f'<div style="display:flex;align-items:center;gap:8px;margin:2px 0">'
        f'<span style="display:inline-block;width:18px;height:14px;background:{html.escape(entry.colour)};'
        f'border:1px solid #777"></span><span>{html.escape(entry.label)}</span>'
        f'<span style="color:#666">{html.escape(count_label.format(count=entry.count))}</span></div>'
        for entry in entries)
    return (f'<div class="map-legend" style="font-size:14px;line-height:1.4">'
            f'<div style="font-weight:600;margin-bottom:4px">{html.escape(title)}</div>{rows}</div>')


def render_legend(title: str, entries: list[LegendEntry], count_label: str) -> None:
    """Draw a legend in the page."""
    st.html(build_legend_html(title, entries, count_label))
