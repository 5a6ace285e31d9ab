"""HTML pieces of the wall: panels, big-number tiles, worst-first rankings, news lines, heat grids.

Pure functions returning HTML strings (no Streamlit); every value from the database is escaped.
Sizes live in wall.css (viewport units), so the pieces fit the panel they are put in.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Sequence

from labels import t


@dataclass(frozen=True)
class BigNumber:
    """A wall tile: label, value, change since last week (None: not tracked) and a small trend."""

    label: str
    value: str
    change: int | None = None
    note: str = ""
    good_when_up: bool = False
    spark: str = ""  # an SVG string from svg.build_sparkline_svg


@dataclass(frozen=True)
class RankRow:
    """A row of a worst-first ranking: the area's name, its measure, other figures, the week's change."""

    name: str
    value: str
    cells: tuple[str, ...]
    change: int | None
    severity: float  # 0..1, the bar behind the value


def change_html(change: int | None, good_when_up: bool = False) -> str:
    """The week's change as an arrow and a number, red when it is bad news, green when good."""
    if change is None:
        return '<span class="wall-change wall-flat">—</span>'
    if change == 0:
        return f'<span class="wall-change wall-flat">{escape(t("wall.flat"))}</span>'
    bad = (change < 0) if good_when_up else (change > 0)
    arrow = "↑" if change > 0 else "↓"
    return f'<span class="wall-change {"wall-bad" if bad else "wall-good"}">{arrow}{abs(change):,}</span>'


def panel(title: str, body: str, extra_class: str = "", note: str = "") -> str:
    """A titled dark panel; the body fills the height left under the title."""
    note_html = f'<div class="wall-note">{escape(note)}</div>' if note else ""
    return (f'<section class="wall-panel {extra_class}"><h3 class="wall-title">{escape(title)}</h3>'
            f'<div class="wall-body">{body}</div>{note_html}</section>')


def big_numbers_html(tiles: Sequence[BigNumber]) -> str:
    """A row of big-number tiles, each with its change since the same day last week."""
    cells = []
    for tile in tiles:
        note = f'<div class="wall-tile-note">{escape(tile.note)}</div>' if tile.note else ""
        change = "" if tile.change is None else (
            f'<div class="wall-tile-change">{escape(t("wall.vs_last_week"))} '
            f'{change_html(tile.change, tile.good_when_up)}</div>')
        cells.append(f'<div class="wall-tile"><div class="wall-tile-label">{escape(tile.label)}</div>'
                     f'<div class="wall-tile-value" style="--chars:{max(len(tile.value), 1)}">{escape(tile.value)}</div>'
                     f'{change}{note}'
                     f'<div class="wall-tile-spark">{tile.spark}</div></div>')
    return f'<div class="wall-tiles" style="--tiles:{max(len(tiles), 1)}">{"".join(cells)}</div>'


def ranking_html(headers: Sequence[str], rows: Sequence[RankRow], good_when_up: bool = False) -> str:
    """A worst-first table: rank, name, the measure with a bar, more figures, the week's change.

    The rows share the panel's height equally, so the whole ranking is always on screen.
    """
    head = "".join(f'<div class="wall-rank-head">{escape(header)}</div>' for header in headers)
    body = []
    for number, row in enumerate(rows, start=1):
        bar = f'<span class="wall-rank-bar" style="width:{max(row.severity, 0.0) * 100:.0f}%"></span>'
        body.append(f'<div class="wall-rank-no">{number}</div><div class="wall-rank-name">{escape(row.name)}</div>'
                    f'<div class="wall-rank-value">{bar}<span>{escape(row.value)}</span></div>'
                    + "".join(f'<div class="wall-rank-cell">{escape(cell)}</div>' for cell in row.cells)
                    + f'<div class="wall-rank-cell">{change_html(row.change, good_when_up)}</div>')
    columns = 3 + len(rows[0].cells) + 1 if rows else len(headers)
    return (f'<div class="wall-rank" style="--columns:{columns - 3};--rows:{max(len(rows), 1)}">'
            f'{head}{"".join(body)}</div>')


def news_html(lines: Sequence[tuple[str, str]]) -> str:
    """News lines, each (text, tone) with tone "bad", "good" or "" (plain)."""
    items = "".join(f'<li class="wall-news-{tone or "plain"}">{escape(text)}</li>' for text, tone in lines)
    return f'<ul class="wall-news">{items}</ul>'


def legend_html(entries: Sequence[tuple[str, str]]) -> str:
    """Colour swatches with their labels, in one wrapping line."""
    items = "".join(f'<span class="wall-legend-item"><i style="background:{escape(colour)}"></i>{escape(label)}</span>'
                    for colour, label in entries)
    return f'<div class="wall-legend">{items}</div>'


def heat_grid_html(row_names: Sequence[str], column_names: Sequence[str], values: Sequence[Sequence[float]],
                   colours: Sequence[Sequence[str]], corner: str = "") -> str:
    """A table of numbers on coloured cells, rows sharing the panel's height (the wall's heatmap)."""
    head = f'<div class="wall-heat-corner">{escape(corner)}</div>' + "".join(
        f'<div class="wall-heat-col">{escape(name)}</div>' for name in column_names)
    body = []
    for name, row, fills in zip(row_names, values, colours):
        body.append(f'<div class="wall-heat-row">{escape(name)}</div>' + "".join(
            f'<div class="wall-heat-cell" style="background:{fill}">{value:,.0f}</div>' if value else
            f'<div class="wall-heat-cell wall-heat-zero" style="background:{fill}">·</div>'
            for value, fill in zip(row, fills)))
    return (f'<div class="wall-heat" style="--columns:{len(column_names)};--rows:{max(len(row_names), 1)}">'
            f'{head}{"".join(body)}</div>')


def grid_html(areas: str, columns: str, rows: str, cells: dict[str, str], extra_class: str = "") -> str:
    """The page's grid: named areas (CSS grid-template-areas), each filled with one piece."""
    placed = "".join(f'<div class="wall-cell" style="grid-area:{name}">{html}</div>' for name, html in cells.items())
    return (f'<div class="wall-grid {extra_class}" style="grid-template-areas:{areas};'
            f'grid-template-columns:{columns};grid-template-rows:{rows}">{placed}</div>')
