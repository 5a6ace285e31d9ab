"""What to time: each page's queries, as the page calls them, on a representative view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from queries import areas, drill, households
from queries.scope import Scope


@dataclass(frozen=True)
class Target:
    """The areas a benchmark run looks at, picked from the database itself."""

    county: str
    township: str
    village: str  # the largest village, so the household list is the worst case
    household: int
    asof: date


@dataclass(frozen=True)
class Case:
    """One query as a page issues it."""

    page: str
    name: str
    run: Callable[[str, Scope, Target], object]


def _uncached(function):
    # Time the database, not Streamlit's cache: call the undecorated function.
    return getattr(function, "__wrapped__", function)


CASES: tuple[Case, ...] = (
    Case("drill", "area tree", lambda db, s, t: _uncached(areas.area_tree)(db, s)),
    Case("drill", "county tiles", lambda db, s, t: _uncached(drill.figures_by_area)(db, s, t.county, "county", "county", t.asof)),
    Case("drill", "townships table", lambda db, s, t: _uncached(drill.figures_by_area)(db, s, t.county, "county", "township", t.asof)),
    Case("drill", "villages of a township", lambda db, s, t: _uncached(drill.figures_by_area)(db, s, t.township, "township", "village", t.asof)),
    Case("drill", "village tiles", lambda db, s, t: _uncached(drill.figures_by_area)(db, s, t.village, "village", "village", t.asof)),
    Case("drill", "household count", lambda db, s, t: _uncached(households.village_household_count)(db, s, t.village)),
    Case("drill", "household list p.1", lambda db, s, t: _uncached(households.village_households)(db, s, t.village, t.asof, 1)),
    Case("drill", "household list last p.", lambda db, s, t: _uncached(households.village_households)(db, s, t.village, t.asof, 10_000)),
    Case("drill", "household profile", lambda db, s, t: (_uncached(households.household_record)(db, s, t.household),
                                                         _uncached(households.household_cases)(db, s, t.household, t.asof))),
)
