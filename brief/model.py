"""What a pack is made of: sections of key figures, tables, charts and commentary sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Callable

import pandas as pd

from labels import t
from queries.scope import Scope

COMPARES = ("week", "month", "year")


@dataclass(frozen=True)
class BriefRequest:
    """Who asks for which pack: database, viewer scope, area, as-of date, comparison, sections."""

    db: str
    scope: Scope
    area_code: str
    asof: date
    compare: str = "week"
    sections: tuple[str, ...] = ()
    unit_code: str | None = None  # a department head's pack: the tasks section holds their unit only


@dataclass(frozen=True)
class KeyFigure:
    """One headline number, with its change against the comparison date when there is one."""

    label: str
    value: float
    delta: float | None = None
    decimals: int = 0

    def text(self) -> str:
        """The value with thousands separators."""
        return f"{self.value:,.{self.decimals}f}"

    def delta_text(self) -> str:
        """+12 / -3 / 0, or empty when nothing is compared."""
        if self.delta is None:
            return ""
        return f"{self.delta:+,.{self.decimals}f}" if self.delta else "0"


@dataclass(frozen=True)
class Table:
    """A titled table: display column names already applied, numbers kept as numbers."""

    title: str
    frame: pd.DataFrame
    source: str


@dataclass(frozen=True)
class Chart:
    """A titled plotly figure, rendered to PNG offline for the documents. Built on first use: the
    briefing page's preview shows no charts, and building them was 0.4 s of a 1M city's preview."""

    title: str
    build: Callable[[], object]  # returns a plotly.graph_objects.Figure

    @cached_property
    def figure(self) -> object:
        """The figure, built once."""
        return self.build()


@dataclass
class Section:
    """One part of the pack (one slide): title, key figures, tables, charts, commentary."""

    key: str
    title: str
    figures: list[KeyFigure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    commentary: list[str] = field(default_factory=list)


@dataclass
class Pack:
    """A whole pack: the area and dates it describes, its sections, and the chart images."""

    area_code: str
    area_name: str
    asof: date
    compare: str
    compare_date: date
    sections: list[Section]
    generated_at: datetime
    is_sample: bool = False
    images: dict[int, bytes] = field(default_factory=dict)  # id(chart) -> PNG
    chart_problem: str | None = None
    unit_code: str | None = None
    unit_name: str | None = None

    def title(self) -> str:
        """The pack's title: the area's, or the area and unit's for a unit pack."""
        if self.unit_name:
            return t("brief_doc.unit_title", area=self.area_name, unit=self.unit_name)
        return t("brief_doc.title", area=self.area_name)

    def image_for(self, chart: Chart) -> bytes | None:
        """The rendered PNG of a chart, or None when charts could not be drawn."""
        return self.images.get(id(chart))
