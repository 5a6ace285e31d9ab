"""Numbers on a metric tile: exact up to six digits, in 万 beyond, so a province's figures fit."""

from __future__ import annotations

from brief.figures import chinese_number

# From seven digits a tile shows 万 (146.61万): a row of seven tiles at 1600 px cut a province's
# "10,000,000" to "10,00…".
WAN_FROM = 1_000_000
# A pair ("84,890 / 106,120") longer than this is cut in a four-column tile: both go to 万.
PAIR_CHARS = 14


def tile_number(value: int) -> str:
    """The value as a tile shows it: one decimal of 万 or 亿 at most (146.6万 fits beside the help icon,
    146.61万 did not)."""
    return f"{value:,}" if abs(value) < WAN_FROM else chinese_number(value, decimals=1)


def tile_pair(first: int, second: int) -> str:
    """"done / all" as a tile shows it."""
    exact = f"{first:,} / {second:,}"
    return exact if len(exact) <= PAIR_CHARS else f"{chinese_number(first)} / {chinese_number(second)}"
