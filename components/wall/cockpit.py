"""The cockpit on the wall: big numbers, the children worst first with the week's change, one
large map and this week's news."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from components.overview_panels import Change, Tile
from components.wall.panels import (BigNumber, RankRow, big_numbers_html, grid_html, legend_html, news_html,
                                    panel, ranking_html)
from components.wall.svg import as_image, build_map_svg, build_sparkline_svg
from labels import label_of, t

MAX_RANK_ROWS = 14  # a county's townships; more children show the worst ones
MAX_NEWS = 9  # what the news panel holds at the wall's type size


def big_numbers(tiles: Sequence[Tile]) -> list[BigNumber]:
    """The cockpit's tiles as wall tiles (same values, same changes)."""
    return [BigNumber(t(f"overview.tile_{tile.key}"), tile.value, tile.delta, tile.note, tile.good_when_up,
                      as_image(build_sparkline_svg(tile.series), "wall-spark")) for tile in tiles]


def rank_rows(ranking: pd.DataFrame, limit: int = MAX_RANK_ROWS) -> list[RankRow]:
    """The first rows of a worst-first ranking (components.area_ranking) as wall rows."""
    top = float(ranking["open_rate"].max()) if not ranking.empty else 0.0
    return [RankRow(str(row.name), f"{row.open_rate:.2f}", (f"{row.open_cases:,}", f"{row.open_problems:,}"),
                    None if pd.isna(row.change) else int(row.change), row.open_rate / top if top else 0.0)
            for row in ranking.head(limit).itertuples()]


def ranking_panel(ranking: pd.DataFrame, level: str, limit: int = MAX_RANK_ROWS) -> str:
    """The children worst first, with a note when only the worst fit."""
    headers = (t("wall.col_no"), label_of("level", level), t("wall.col_rate"), t("wall.col_open"),
               t("wall.col_problems"), t("wall.col_change"))
    note = t("wall.ranking_shown", total=len(ranking), shown=limit) if len(ranking) > limit else ""
    return panel(t("wall.ranking_title", level=label_of("level", level)),
                 ranking_html(headers, rank_rows(ranking, limit)), "wall-ranking", note)


def map_panel(title: str, geometries: dict, styles: pd.DataFrame, legend: Sequence, labelled: bool = True) -> str:
    """A large choropleth of the children with its legend (styles: name, colour per code)."""
    if not geometries:
        return panel(title, f'<div class="wall-message">{t("wall.no_boundaries")}</div>')
    fills = styles["colour"].to_dict()
    labels = styles["name"].to_dict() if labelled else {}
    legend_rows = [(entry.colour, f"{entry.label}（{entry.count}）") for entry in legend]
    return panel(title, as_image(build_map_svg(geometries, fills, labels), "wall-svg", title) + legend_html(legend_rows),
                 "wall-map-panel")


def news_panel(changes: Sequence[Change], limit: int = MAX_NEWS) -> str:
    """This week's news: the first lines that fit, and how many more the desk view lists."""
    tone = {"trends": "", "drill": "bad", "tasks": "bad"}
    lines = [(change.text, tone.get(change.page, "")) for change in changes[:limit]]
    note = t("wall.news_more", count=len(changes) - limit) if len(changes) > limit else ""
    return panel(t("wall.news_title"), news_html(lines), "wall-news-panel", note)


def build_cockpit_wall(tiles: Sequence[Tile], ranking: pd.DataFrame, child_level: str | None, geometries: dict,
                       styles: pd.DataFrame | None, legend: Sequence, changes: Sequence[Change]) -> str:
    """The cockpit's wall grid: tiles across the top; ranking, map and news below."""
    cells = {"tiles": big_numbers_html(big_numbers(tiles))}
    if child_level is None:  # a village: no children to rank or map
        cells["news"] = news_panel(changes, MAX_NEWS + 4)
        return grid_html("'tiles' 'news'", "1fr", "24% minmax(0, 1fr)", cells)
    cells["rank"] = ranking_panel(ranking, child_level)
    cells["map"] = map_panel(t("wall.map_title", level=label_of("level", child_level)), geometries, styles, legend)
    cells["news"] = news_panel(changes)
    return grid_html("'tiles tiles tiles' 'rank map news'", "minmax(0, 1.15fr) minmax(0, 1.35fr) minmax(0, 1fr)",
                     "24% minmax(0, 1fr)", cells)

