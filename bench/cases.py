"""What to time: each page's queries, as the page calls them, on a representative view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from queries import areas, compliance, drill, households, profile, warnings
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


# One case per page view, as a user waits for it (Streamlit's cache is cleared before each run).
CASES: tuple[Case, ...] = (
    Case("drill", "county: tiles + townships", lambda db, s, t: _area_view(db, s, t.county, "county", "township", t.asof)),
    Case("drill", "township: tiles + villages", lambda db, s, t: _area_view(db, s, t.township, "township", "village", t.asof)),
    Case("drill", "village: tiles + households p.1", lambda db, s, t: _village_view(db, s, t, 1)),
    Case("drill", "village: households last page", lambda db, s, t: _village_view(db, s, t, 10_000)),
    Case("drill", "household profile", lambda db, s, t: _profile_view(db, s, t)),
    Case("drill", "county: warnings + compliance", lambda db, s, t: _checks_view(db, s, t.county, "county", t.asof)),
    Case("drill", "township: warnings + compliance", lambda db, s, t: _checks_view(db, s, t.township, "township", t.asof)),
    Case("drill", "village: warnings + compliance", lambda db, s, t: _checks_view(db, s, t.village, "village", t.asof)),
)


def _brief(db: str, scope: Scope, code: str, asof: date, files: bool) -> None:
    """The briefing pack of an area with every section: its data only, or the three documents too."""
    from brief.build import build_files
    from brief.model import BriefRequest
    from brief.sections import build_pack, section_keys

    request = BriefRequest(db, scope, code, asof, "week", section_keys())
    build_files(request) if files else build_pack(request)


CASES += (
    Case("brief", "county pack: data of 5 sections", lambda db, s, t: _brief(db, s, t.county, t.asof, False)),
    Case("brief", "county pack: data + charts + PPTX/PDF/XLSX", lambda db, s, t: _brief(db, s, t.county, t.asof, True)),
    Case("brief", "township pack: data + charts + PPTX/PDF/XLSX", lambda db, s, t: _brief(db, s, t.township, t.asof, True)),
)
