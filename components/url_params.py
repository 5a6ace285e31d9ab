"""URL parameters shared by every page, parsed and validated in one place.

`area`, `household`, `unit`, `asof`, `screen` make every view a permalink. A bad value never
crashes a page: it is dropped and reported as a message key with the offending value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

FIRST_DAY = date(2021, 1, 1)  # the transition period's first day: no history before it
_AREA = re.compile(r"\d{12}")
_UNIT = re.compile(r"[A-Za-z0-9_\-]{1,32}")
_MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class ViewParams:
    """The validated parameters of a view; None means 'not given'."""

    area: str | None = None
    household: int | None = None
    unit: str | None = None
    asof: date | None = None
    screen: bool = False
    problems: tuple[tuple[str, str], ...] = field(default=())  # (label key, offending value)


def parse_params(raw: Mapping[str, str], today: date) -> ViewParams:
    """Validate raw query parameters; anything malformed is dropped and listed in problems."""
    problems: list[tuple[str, str]] = []

    def take(name: str, parse, problem_key: str):
        value = raw.get(name)
        if value is None or value == "":
            return None
        parsed = parse(str(value).strip())
        if parsed is None:
            problems.append((problem_key, _shorten(str(value))))
        return parsed

    area = take("area", lambda v: v if _AREA.fullmatch(v) else None, "params.bad_area")
    household = take("household", _parse_id, "params.bad_household")
    unit = take("unit", lambda v: v if _UNIT.fullmatch(v) else None, "params.bad_unit")
    asof = take("asof", lambda v: _parse_date(v, today), "params.bad_asof")
    screen = take("screen", lambda v: {"1": True, "0": False}.get(v), "params.bad_screen")
    return ViewParams(area, household, unit, asof, bool(screen), tuple(problems))


def _parse_id(value: str) -> int | None:
    if not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= _MAX_ID else None


def _parse_date(value: str, today: date) -> date | None:
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if FIRST_DAY <= parsed <= today and len(value) == 10 else None


def _shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def asof_param(asof: date | None, today: date) -> str | None:
    """The URL value of an "as of" date: omitted for today, so a bookmark follows the calendar."""
    return None if asof is None or asof == today else asof.isoformat()


def permalink(params: Mapping[str, object]) -> dict[str, str]:
    """Query parameters for a link, dropping empty values and formatting dates."""
    result = {}
    for name, value in params.items():
        if value is None or value is False or value == "":
            continue
        result[name] = value.isoformat() if isinstance(value, date) else str(int(value) if value is True else value)
    return result
