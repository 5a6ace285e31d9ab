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


DECIMALS = 1  # non-integer values show one decimal; class edges are rounded outward to it


def _floor(value: float, integer: bool) -> float:
    step = 1 if integer else 10 ** -DECIMALS
    return float(np.floor(round(value / step, 9)) * step)


def _ceil(value: float, integer: bool) -> float:
    step = 1 if integer else 10 ** -DECIMALS
    return float(np.ceil(round(value / step, 9)) * step)


def quantile_edges(values: pd.Series, classes: int = MAX_CLASSES, integer: bool = False) -> list[float]:
    """Class edges at quantiles of the known values (pandas.qcut), rounded outward to what the
    legend shows (the lowest edge down, the others up), duplicates merged: fewer classes when values tie.

    Rounding outward keeps every value inside the class its label names: the top value 2.74 falls in
    "… – 2.8", never outside a "… – 2.7".
    """
    known = pd.to_numeric(values, errors="coerce").dropna()
    if known.empty:
        return []
    if known.nunique() == 1:
        return [_floor(float(known.iloc[0]), integer), _ceil(float(known.iloc[0]), integer)]
    _, bins = pd.qcut(known, min(classes, known.nunique()), retbins=True, duplicates="drop")
    rounded = [_floor(bins[0], integer)] + [_ceil(edge, integer) for edge in bins[1:]]
    return sorted(set(rounded))


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
    return f"{value:,.0f}" if integer else f"{value:,.{DECIMALS}f}"


def class_labels(edges: list[float], integer: bool, above_zero: bool = False) -> list[str]:
    """Readable ranges for the classes; integer data starts each later class one above the last edge.

    above_zero: a zero class precedes these, so a first class starting at 0 reads ">0 – b".
    """
    if len(edges) < 2:
        return [_format(edges[0], integer)] if edges else []
    labels = []
    for position, (low, high) in enumerate(zip(edges[:-1], edges[1:])):
        start = low + 1 if integer and position > 0 else low
        if position == 0 and above_zero and start <= 0:
            labels.append(f">0 – {_format(high, integer)}")
        elif start >= high:
            labels.append(_format(high, integer))
        else:
            labels.append(f"{_format(start, integer)} – {_format(high, integer)}")
    return labels


def _without_empty_classes(values: pd.Series, edges: list[float]) -> list[float]:
    """Merge each class no value falls in into its upper neighbour (the top one into the one below),
    so ranges stay contiguous and no legend row reads 0 areas."""
    edges = list(edges)
    while len(edges) > 2:
        counts = class_of(values, edges).value_counts()
        empty = [i for i in range(len(edges) - 1) if counts.get(i, 0) == 0]
        if not empty:
            break
        i = empty[0]
        del edges[i + 1 if i + 1 < len(edges) - 1 else i]
    return edges


def numeric_classes(values: pd.Series, integer: bool, no_data_label: str) -> tuple[pd.Series, list[LegendEntry]]:
    """Fill colour per area (index kept) and the legend rows: a zero class (when there are zeros and
    other values), quantile classes with outward-rounded edges, no empty class, the no-data class last."""
    numbers = pd.to_numeric(values, errors="coerce")
    zero_class = bool((numbers == 0).any() and (numbers > 0).any())
    # Zero gets a class of its own ("none here" is what a leader looks for); the rest by quantile.
    positive = numbers[numbers > 0] if zero_class else numbers.dropna()
    edges = _without_empty_classes(positive, quantile_edges(positive, MAX_CLASSES - 1 if zero_class else MAX_CLASSES,
                                                            integer))
    labels = class_labels(edges, integer, above_zero=zero_class)
    classes = class_of(positive, edges).reindex(numbers.index)
    if zero_class:
        classes = (classes + 1).where(numbers != 0, 0)
        labels = ["0"] + labels
    classes = classes.where(numbers.notna())
    colours = palette(max(len(labels), 1))
    fill = classes.map(lambda c: NO_DATA_COLOUR if pd.isna(c) else colours[int(c)])
    entries = [LegendEntry(colour, label, int((classes == position).sum()))
               for position, (colour, label) in enumerate(zip(colours, labels))]
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
