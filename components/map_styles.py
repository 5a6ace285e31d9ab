"""Colouring areas by an indicator: the indicator list, each area's fill and value text, the legend rows."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from labels import label_of, t
from components.legend import LegendEntry, category_classes, numeric_classes
from components.map_layers import ASSET_COLOURS, STATUS_COLOURS


@dataclass(frozen=True)
class Indicator:
    """A map indicator: the column it reads, whether it is a count, a category, and its unit divisor."""

    code: str
    column: str
    integer: bool = True
    category: str | None = None  # label section of a categorical indicator
    divisor: float = 1.0
    villages_only: bool = False


INDICATORS: tuple[Indicator, ...] = (
    Indicator("open_rate", "open_rate", integer=False),
    Indicator("open_cases", "open_cases"),
    Indicator("new_cases_4w", "new_cases_4w"),
    Indicator("under_line", "under_line"),
    Indicator("open_problems", "open_problems"),
    Indicator("elimination_share", "elimination_share", integer=False),
    Indicator("village_class", "village_class", category="village_class", villages_only=True),
    Indicator("task_status", "task_status", category="map_task_status"),
    Indicator("asset_value", "asset_value", divisor=10_000.0),  # shown in 万元
)
INDICATOR_CODES = tuple(indicator.code for indicator in INDICATORS)
DEFAULT_INDICATOR = "open_rate"
OUTLINE_FILL = "#ffffff"

CATEGORY_COLOURS = {
    "village_class": {"demonstration": "#1a9850", "key_support": "#d73027", "overall": "#4575b4"},
    # Red / amber / green as the task matrix shows them; finished work a darker green.
    "map_task_status": {"overdue": "#d73027", "at_risk": "#fdae61", "on_track": "#66bd63", "done": "#1a6837"},
}


def indicator_of(code: str) -> Indicator:
    """The indicator with a code (the default one for an unknown code)."""
    return next((i for i in INDICATORS if i.code == code), INDICATORS[0])


def indicators_for(child_level: str) -> tuple[str, ...]:
    """Indicator codes that make sense for areas at a level (village class only for villages)."""
    return tuple(i.code for i in INDICATORS if child_level == "village" or not i.villages_only)


def _value_text(value: object, indicator: Indicator) -> str:
    if indicator.category:
        return label_of(indicator.category, value) if isinstance(value, str) else t("map.no_data")
    if value is None or pd.isna(value):
        return t("map.no_data")
    number = float(value) / indicator.divisor
    text = f"{number:,.0f}" if indicator.integer else f"{number:,.2f}"
    unit = t(f"map_unit.{indicator.code}")
    return text if unit == f"map_unit.{indicator.code}" else f"{text}{unit}"


def build_area_styles(areas: pd.DataFrame, figures: pd.DataFrame, code: str) -> tuple[pd.DataFrame, list[LegendEntry]]:
    """Per area (index: code): name, value text and fill colour for an indicator, plus its legend rows."""
    indicator = indicator_of(code)
    table = areas[["name"]].copy()
    if indicator.column == "village_class":
        values = areas["village_class"]
    else:
        values = figures[indicator.column].reindex(areas.index) if indicator.column in figures else \
            pd.Series(index=areas.index, dtype="float64")
    no_data = t("map.no_data")
    if indicator.category:
        colours = CATEGORY_COLOURS[indicator.category]
        labels = {key: label_of(indicator.category, key) for key in colours}
        fill, entries = category_classes(values, colours, labels, no_data)
    else:
        fill, entries = numeric_classes(pd.to_numeric(values, errors="coerce") / indicator.divisor,
                                        indicator.integer, no_data)
    table["value"] = [_value_text(value, indicator) for value in values]
    table["colour"] = fill
    return table, entries


def build_point_legends(points: pd.DataFrame, assets: pd.DataFrame) -> list[tuple[str, list[LegendEntry]]]:
    """Legends of the village layers: households by status and assets by kind, with counts."""
    status = points["open_case_type"].where(points["open_case_type"].notna(), points["poverty_status"])
    labels = status_labels()
    households = [LegendEntry(colour, labels[code], int((status == code).sum()))
                  for code, colour in STATUS_COLOURS.items()]
    kinds = [LegendEntry(colour, label_of("map_asset_kind", code), int((assets["kind"] == code).sum()))
             for code, colour in ASSET_COLOURS.items()]
    return [(t("map.points_legend"), households), (t("map.assets_legend"), kinds)]


def status_labels() -> dict[str, str]:
    """Household status code -> label: an open case's type, else exited / general household."""
    return {**{c: label_of("case_type", c) for c in ("unstable", "marginal", "sudden")},
            **{c: label_of("poverty_status", c) for c in ("exited", "general")}}


def build_outline_styles(areas: pd.DataFrame) -> pd.DataFrame:
    """Areas drawn as plain outlines under another layer (the risk page's heat): name only, white fill."""
    table = areas[["name"]].copy()
    table["value"] = ""
    table["colour"] = OUTLINE_FILL
    return table
