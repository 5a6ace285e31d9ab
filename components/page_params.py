"""Every page's URL parameters, declared once (name, validator, default, message, old names).

The README's table of parameters is this module. Checking that a well-formed code names something
that exists (an area in the viewer's scope, a task) is the page's job, reported the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

from components.map_styles import DEFAULT_INDICATOR, INDICATOR_CODES
from components.page_registry import PAGES
from components.url_params import (AREA_CODE, FIRST_DAY, MAX_ID, UNIT_CODE, Param, Problem, choice, code, day,
                                   flag, integer, list_of, month, parse_declared)
from queries.risk import CASE_TYPES, RISK_CODES
from rules.calendar import month_key

TASK_CODE = UNIT_CODE  # task codes (T01 …) share the unit codes' alphabet
MAP_GROUPS = ("village", "township")
RISK_MEASURES, RISK_SORTS = ("count", "rate"), ("total", "code")
# The trends page's sections, one tab open at a time (the first is the default).
TREND_SECTIONS = ("cases", "income", "problems", "indicators", "compare")
DWELL_RANGE = (5, 3600)
# Pages about households one by one, or about who looked at what, never join the big screen's playlist;
# nor does the briefing page (it makes files: nothing to watch on a wall), nor the signals page (a
# verification list and forms; its overdue count and new signals are news lines of the cockpit's wall).
# The data-quality page (checks, import history, uploads) is for the data office, not the meeting.
NEVER_ON_SCREEN = frozenset({"drill", "audit", "brief", "signals", "quality"})


def shared(today: date) -> tuple[Param, ...]:
    """Parameters every page takes: they make any view a permalink (read by the app frame)."""
    return (
        Param("area", code(AREA_CODE), problem="params.bad_area"),
        Param("household", integer(1, MAX_ID), problem="params.bad_household"),
        Param("unit", code(UNIT_CODE), problem="params.bad_unit"),
        Param("asof", day(FIRST_DAY, today), problem="params.bad_asof"),
        Param("screen", flag(), default=False, problem="params.bad_screen"),
    )


def big_screen() -> tuple[Param, ...]:
    """The big screen's rotation (with ?screen=1)."""
    shown = tuple(spec.url_path for spec in PAGES if spec.url_path not in NEVER_ON_SCREEN)
    return (
        Param("dwell", integer(*DWELL_RANGE), problem="screen_params.bad_dwell"),
        Param("playlist", list_of(shown, keep_order=True), problem="screen_params.bad_playlist"),
    )


def map_page() -> tuple[Param, ...]:
    """村级地图: the indicator, and villages or townships county-wide."""
    return (
        Param("indicator", choice(INDICATOR_CODES), DEFAULT_INDICATOR, "map.bad_indicator"),
        Param("by", choice(MAP_GROUPS), "village", "map.bad_group"),
    )


def risk_page(asof: date) -> tuple[Param, ...]:
    """风险热力: case and risk types, the identification period (days), measure and sort."""
    return (
        Param("types", list_of(CASE_TYPES), CASE_TYPES, "risk_page.bad_types"),
        Param("risks", list_of(RISK_CODES), RISK_CODES, "risk_page.bad_risks"),
        Param("from_day", day(FIRST_DAY, asof), FIRST_DAY, "risk_page.bad_from_day", aliases=("from",)),
        Param("to_day", day(FIRST_DAY, asof), asof, "risk_page.bad_to_day", aliases=("to",)),
        Param("measure", choice(RISK_MEASURES), "count", "risk_page.bad_measure"),
        Param("sort", choice(RISK_SORTS), "total", "risk_page.bad_sort"),
    )


def trends_period(asof: date) -> tuple[Param, Param]:
    """防止返贫监测趋势's period, in months."""
    first, last = month_key(FIRST_DAY), month_key(asof)
    return (
        Param("from_month", month(first, last), first, "trends_period.bad_from_month", aliases=("from",)),
        Param("to_month", month(first, last), last, "trends_period.bad_to_month", aliases=("to",)),
    )


def trends_section() -> Param:
    """防止返贫监测趋势's open tab."""
    return Param("section", choice(TREND_SECTIONS), TREND_SECTIONS[0], "trends.bad_section")


def trends_page(asof: date) -> tuple[Param, ...]:
    """防止返贫监测趋势: the period, in months, and the open section."""
    return (*trends_period(asof), trends_section())


def tasks_page() -> tuple[Param, ...]:
    """责任分工: one task's view (one unit's view is the shared `unit`)."""
    return (Param("task", code(TASK_CODE), problem="tasks.unknown_task"),)


@dataclass(frozen=True)
class ViewParams:
    """The validated shared parameters; None means 'not given'."""

    area: str | None = None
    household: int | None = None
    unit: str | None = None
    asof: date | None = None
    screen: bool = False
    problems: tuple[Problem, ...] = field(default=())


def parse_params(raw: Mapping[str, object], today: date) -> ViewParams:
    """Validate the shared parameters; anything malformed is dropped and listed in problems."""
    values, problems = parse_declared(shared(today), raw)
    return ViewParams(**values, problems=problems)
