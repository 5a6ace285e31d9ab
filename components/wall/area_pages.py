"""The map and risk pages on the wall: one large map with the worst areas; risk types by area,
warnings and the last twelve months of new cases."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from components.wall.cockpit import map_panel, ranking_panel
from components.wall.panels import BigNumber, big_numbers_html, grid_html, heat_grid_html, panel
from components.wall.svg import as_image, build_line_svg, heat_colour
from labels import label_of, t

MAX_HEAT_ROWS = 15
MAX_DRILL_ROWS = 20  # a township's villages; more show the worst


def build_map_wall(geometries: dict, styles: pd.DataFrame, legend: Sequence, ranking: pd.DataFrame,
                   child_level: str) -> str:
    """The map page's wall grid: the children coloured by open cases per 100 households, the worst
    of them ranked with the week's change beside it."""
    level = label_of("level", child_level)
    many = len(styles) > 40  # a county's 200 villages: names would cover the map
    cells = {"map": map_panel(t("wall.map_page_title", level=level), geometries, styles, legend, labelled=not many),
             "rank": ranking_panel(ranking, child_level)}
    return grid_html("'map rank'", "minmax(0, 1.9fr) minmax(0, 1fr)", "minmax(0, 1fr)", cells)


def risk_grid(matrix: pd.DataFrame, names: pd.Series, risk_codes: Sequence[str], limit: int = MAX_HEAT_ROWS) -> str:
    """Areas × risk types as a heat grid (rows: the areas with most cases first)."""
    shown = matrix.head(limit)
    values = shown[list(risk_codes)].to_numpy(dtype=float)
    top = float(values.max()) if values.size and values.max() > 0 else 1.0
    colours = [[heat_colour(value / top) for value in row] for row in values]
    rows = [f"{names.get(code, code)}" for code in shown.index]
    columns = [label_of("risk_short", code) for code in risk_codes]
    return heat_grid_html(rows, columns, values.tolist(), colours)


def warnings_html(counts: dict[str, int], rules: Sequence[str]) -> str:
    """Warnings by rule as big numbers, the total first."""
    items = [(t("wall.warnings_total"), sum(int(counts.get(rule, 0)) for rule in rules), True)]
    items += [(label_of("warning_rule", rule), int(counts.get(rule, 0)), False) for rule in rules]
    cells = "".join(f'<div class="wall-count{" wall-count-total" if total else ""}"><span>{label}</span>'
                    f'<b>{value:,}</b></div>' for label, value, total in items)
    return f'<div class="wall-counts">{cells}</div>'


def build_risk_wall(matrix: pd.DataFrame, names: pd.Series, risk_codes: Sequence[str], level: str, start: str,
                    counts: dict[str, int], rules: Sequence[str], months: Sequence[str],
                    monthly: Sequence[float]) -> str:
    """The risk page's wall grid: the heat grid left; warnings and new cases by month right."""
    note = t("wall.ranking_shown", total=len(matrix), shown=MAX_HEAT_ROWS) if len(matrix) > MAX_HEAT_ROWS else ""
    chart = build_line_svg([month[2:] for month in months], [(t("wall.series_identified"), list(monthly))],
                           width=760, height=420, font=22, label_every=2, bars=True)
    cells = {"heat": panel(t("wall.risk_matrix_title", level=label_of("level", level), start=start),
                           risk_grid(matrix, names, risk_codes), "wall-risk", note),
             "warn": panel(t("wall.warnings_title"), warnings_html(counts, rules)),
             "months": panel(t("wall.months_title"), as_image(chart, "wall-svg", t("wall.months_title")))}
    return grid_html("'heat warn' 'heat months'", "minmax(0, 1.7fr) minmax(0, 1fr)",
                     "minmax(0, 0.9fr) minmax(0, 1fr)", cells)


def build_drill_wall(own: pd.Series | None, tiles: Sequence[tuple[str, str]], ranking: pd.DataFrame,
                     child_level: str) -> str:
    """The drill-down on the wall (counts only): the area's key figures, then every child worst first."""
    numbers = [BigNumber(t(label_key), f"{int(own.get(name, 0)) if own is not None else 0:,}")
               for name, label_key in tiles]
    cells = {"tiles": big_numbers_html(numbers), "rank": ranking_panel(ranking, child_level, MAX_DRILL_ROWS)}
    return grid_html("'tiles' 'rank'", "minmax(0, 1fr)", "16% minmax(0, 1fr)", cells)
