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


def _area_view(db: str, scope: Scope, code: str, level: str, child_level: str | None, asof: date) -> None:
    """What the drill page queries for one area: the tree, its tiles and its children's table."""
    areas.area_tree(db, scope)
    drill.figures_by_area(db, scope, code, level, level, asof)
    if child_level:
        drill.figures_by_area(db, scope, code, level, child_level, asof)


def _village_view(db: str, scope: Scope, t: Target, page: int) -> None:
    _area_view(db, scope, t.village, "village", None, t.asof)
    households.village_list_counts(db, scope, t.village, t.asof)
    households.village_households(db, scope, t.village, t.asof, page)


# One case per page view, as a user waits for it (Streamlit's cache is cleared before each run).
CASES: tuple[Case, ...] = (
    Case("drill", "county: tiles + townships", lambda db, s, t: _area_view(db, s, t.county, "county", "township", t.asof)),
    Case("drill", "township: tiles + villages", lambda db, s, t: _area_view(db, s, t.township, "township", "village", t.asof)),
    Case("drill", "village: tiles + households p.1", lambda db, s, t: _village_view(db, s, t, 1)),
    Case("drill", "village: households last page", lambda db, s, t: _village_view(db, s, t, 10_000)),
    Case("drill", "household profile", lambda db, s, t: (households.household_record(db, s, t.household),
                                                         households.household_cases(db, s, t.household, t.asof))),
)


def _trends_view(db: str, scope: Scope, code: str, level: str, child_level: str | None, asof: date) -> None:
    """What the trends page queries for one area over the whole period (2021-01 to the as-of date)."""
    from queries import trend_cases, trend_checks, trend_income, trend_indicators
    from queries.trend_period import Period, month_key, month_start, shift_month

    tree = areas.area_tree(db, scope)
    chain = tuple(areas.ancestors(tree, code))
    period = Period(date(2021, 1, 1), asof)
    trend_cases.case_flows(db, scope, code, level, level, period)
    trend_cases.case_flows(db, scope, code, level, level, period, "risk")
    trend_income.income_benchmarks(db, scope, chain, period.first.year, asof.year)
    trend_income.income_distribution(db, scope, code, level, period.first.year, asof.year)
    trend_checks.problem_flows(db, scope, code, level, period)
    trend_indicators.indicator_series(db, scope, chain, month_key(period.first), month_key(asof))
    if child_level:
        since = min(period.first, month_start(shift_month(month_key(asof), -11)))
        trend_cases.case_flows(db, scope, code, level, child_level, Period(since, asof))


CASES += (
    Case("trends", "county: all series + townships", lambda db, s, t: _trends_view(db, s, t.county, "county", "township", t.asof)),
    Case("trends", "township: all series + villages", lambda db, s, t: _trends_view(db, s, t.township, "township", "village", t.asof)),
    Case("trends", "village: all series", lambda db, s, t: _trends_view(db, s, t.village, "village", None, t.asof)),
)
