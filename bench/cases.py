"""What to time: each page's queries, as the page calls them, on a representative view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from queries import access, areas, compliance, dataset, drill, households, overview, profile, tasks, warnings
from queries import map as map_queries
from queries import risk as risk_queries
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


def _checks_view(db: str, scope: Scope, code: str, level: str, asof: date) -> None:
    """The drill page's warning and compliance tabs for one area."""
    warnings.warning_counts(db, scope, code, level, level, asof)
    warnings.area_warnings(db, scope, code, level, asof)
    compliance.elimination_candidates(db, scope, code, level, asof)


def _profile_view(db: str, scope: Scope, t: Target) -> None:
    households.household_record(db, scope, t.household)
    for read in (households.household_cases, profile.household_incomes, profile.household_checks,
                 profile.household_measures, profile.household_visits):
        read(db, scope, t.household, t.asof)


def _cockpit(db: str, scope: Scope, code: str, level: str, child_level: str, asof: date) -> None:
    """What the cockpit queries: weekly series, tiles now and a week before, news, the children map."""
    overview.weekly_cases(db, scope, code, level, asof)
    overview.weekly_open_problems(db, scope, code, level, asof)
    for day in (asof, asof - timedelta(days=7)):
        drill.figures_by_area(db, scope, code, level, level, day)
        tasks.cell_status(db, scope, day)
        tasks.overdue_milestones(db, scope, day)
    overview.asset_totals(db, scope, code, level, asof)
    overview.new_cases_by_village(db, scope, code, level, asof)
    warnings.new_warning_counts(db, scope, code, level, asof)
    tasks.tasks_in_scope(db, scope, asof)
    map_queries.map_figures(db, scope, code, level, child_level, asof, map_queries.parts_for("open_rate"))
    map_queries.child_boundaries(db, scope, code, level, child_level)


# One case per page view, as a user waits for it (Streamlit's cache is cleared before each run).
CASES: tuple[Case, ...] = (
    Case("overview", "county cockpit", lambda db, s, t: _cockpit(db, s, t.county, "county", "township", t.asof)),
    Case("overview", "township cockpit", lambda db, s, t: _cockpit(db, s, t.township, "township", "village", t.asof)),
    Case("drill", "county: tiles + townships", lambda db, s, t: _area_view(db, s, t.county, "county", "township", t.asof)),
    Case("drill", "township: tiles + villages", lambda db, s, t: _area_view(db, s, t.township, "township", "village", t.asof)),
    Case("drill", "village: tiles + households p.1", lambda db, s, t: _village_view(db, s, t, 1)),
    Case("drill", "village: households last page", lambda db, s, t: _village_view(db, s, t, 10_000)),
    Case("drill", "household profile", lambda db, s, t: _profile_view(db, s, t)),
    Case("drill", "county: warnings + compliance", lambda db, s, t: _checks_view(db, s, t.county, "county", t.asof)),
    Case("drill", "township: warnings + compliance", lambda db, s, t: _checks_view(db, s, t.township, "township", t.asof)),
    Case("drill", "village: warnings + compliance", lambda db, s, t: _checks_view(db, s, t.village, "village", t.asof)),
)


def _signed_in_township_view(db: str, t: Target) -> None:
    """Sign-in to first figures: resolve a township leader's scope, then the township view inside it."""
    access.assigned_areas(db, (t.township,))
    dataset.top_areas(db)
    scope = Scope(roots=((t.township, "township"),), household_detail=True)
    _area_view(db, scope, t.township, "township", "village", t.asof)


CASES += (
    Case("auth", "township leader: scope + own township", lambda db, s, t: _signed_in_township_view(db, t)),
)


def _task_matrix(db: str, scope: Scope, asof: date) -> None:
    """What every view of the tasks page reads first."""
    tasks.tasks_in_scope(db, scope, asof)
    tasks.unit_list(db, scope)
    tasks.task_links(db, scope, asof)
    tasks.cell_status(db, scope, asof)


# Task tables grow with tasks and units, not households: the same figures at any county size.
CASES += (
    Case("tasks", "matrix (tasks, units, cells as of the date)", lambda db, s, t: _task_matrix(db, s, t.asof)),
    Case("tasks", "unit view (fpb, 13 tasks)", lambda db, s, t: (_task_matrix(db, s, t.asof),
                                                              tasks.milestones(db, s, t.asof, unit_code="fpb"))),
    Case("tasks", "task view (T10, 15 units)", lambda db, s, t: (
        _task_matrix(db, s, t.asof), tasks.progress_history(db, s, "T10", t.asof),
        tasks.milestones(db, s, t.asof, task_code="T10"))),
    Case("tasks", "who is behind (ranking + week before + overdue list)", lambda db, s, t: (
        _task_matrix(db, s, t.asof), tasks.unit_ranking(db, s, t.asof), tasks.overdue_milestones(db, s, t.asof))),
)


def _map_view(db: str, scope: Scope, code: str, level: str, child_level: str, asof: date,
              indicator: str = "open_rate") -> None:
    """What the map page queries for one area: indicators per child area, boundaries, missing boundaries."""
    areas.area_tree(db, scope)
    map_queries.map_figures(db, scope, code, level, child_level, asof, map_queries.parts_for(indicator))
    map_queries.child_boundaries(db, scope, code, level, child_level)
    map_queries.villages_without_boundary(db, scope, code, level)


def _map_village(db: str, scope: Scope, t: Target) -> None:
    _map_view(db, scope, t.village, "village", "village", t.asof)
    map_queries.village_points(db, scope, t.village, t.asof)
    map_queries.village_assets(db, scope, t.village, t.asof)


def _risk_view(db: str, scope: Scope, code: str, level: str, child_level: str, asof: date) -> None:
    """What the risk page queries with its default filters (all types and risks, 2021 to the date)."""
    flt = risk_queries.RiskFilter(end=asof)
    areas.area_tree(db, scope)
    risk_queries.cases_by_risk_type(db, scope, code, level, child_level, flt)
    risk_queries.new_cases_by_month(db, scope, code, level, child_level, flt)
    risk_queries.open_cases_by_village(db, scope, code, level, asof, flt)
    drill.figures_by_area(db, scope, code, level, child_level, asof)
    map_queries.child_boundaries(db, scope, code, level, "township" if level == "county" else "village")


CASES += (
    Case("map", "county: all villages", lambda db, s, t: _map_view(db, s, t.county, "county", "village", t.asof)),
    Case("map", "county: townships", lambda db, s, t: _map_view(db, s, t.county, "county", "township", t.asof)),
    Case("map", "county: villages by task status",
         lambda db, s, t: _map_view(db, s, t.county, "county", "village", t.asof, "task_status")),
    Case("map", "county: villages by new cases (4 weeks)",
         lambda db, s, t: _map_view(db, s, t.county, "county", "village", t.asof, "new_cases_4w")),
    Case("map", "township: its villages", lambda db, s, t: _map_view(db, s, t.township, "township", "village", t.asof)),
    Case("map", "village: points + assets", _map_village),
    Case("risk", "county: townships", lambda db, s, t: _risk_view(db, s, t.county, "county", "township", t.asof)),
    Case("risk", "township: its villages", lambda db, s, t: _risk_view(db, s, t.township, "township", "village", t.asof)),
)


def _trends_view(db: str, scope: Scope, code: str, level: str, child_level: str | None, asof: date) -> None:
    """What the trends page queries for one area over the whole period (2021-01 to the as-of date)."""
    from queries import trend_cases, trend_checks, trend_income, trend_indicators
    from rules.calendar import Period, month_key, month_start, shift_month

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


def _brief(db: str, scope: Scope, code: str, asof: date, files: bool) -> None:
    """The briefing pack of an area with every section: its data only, or the three documents too."""
    from brief.build import PACKS, build_files
    from brief.model import BriefRequest
    from brief.sections import build_pack, section_keys

    PACKS.clear()  # time the build itself, not the reuse of the pack built by the previous run
    request = BriefRequest(db, scope, code, asof, "week", section_keys())
    build_files(request) if files else build_pack(request)


CASES += (
    Case("brief", "county pack: data of 5 sections", lambda db, s, t: _brief(db, s, t.county, t.asof, False)),
    Case("brief", "county pack: data + charts + PPTX/PDF/XLSX", lambda db, s, t: _brief(db, s, t.county, t.asof, True)),
    Case("brief", "township pack: data + charts + PPTX/PDF/XLSX", lambda db, s, t: _brief(db, s, t.township, t.asof, True)),
)
