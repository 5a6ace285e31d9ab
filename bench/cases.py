"""What to time: each page's queries, as the page calls them, on a representative view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from queries import areas, drill, households, tasks
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


def _task_matrix(db: str, scope: Scope, asof: date) -> None:
    """What every view of the tasks page reads first."""
    tasks.tasks_in_scope(db, scope, asof)
    tasks.unit_list(db, scope)
    tasks.task_links(db, scope, asof)
    tasks.cell_status(db, scope, asof)


# One case per page view, as a user waits for it (Streamlit's cache is cleared before each run).
CASES: tuple[Case, ...] = (
    Case("drill", "county: tiles + townships", lambda db, s, t: _area_view(db, s, t.county, "county", "township", t.asof)),
    Case("drill", "township: tiles + villages", lambda db, s, t: _area_view(db, s, t.township, "township", "village", t.asof)),
    Case("drill", "village: tiles + households p.1", lambda db, s, t: _village_view(db, s, t, 1)),
    Case("drill", "village: households last page", lambda db, s, t: _village_view(db, s, t, 10_000)),
    Case("drill", "household profile", lambda db, s, t: (households.household_record(db, s, t.household),
                                                         households.household_cases(db, s, t.household, t.asof))),
    # Task tables grow with tasks and units, not households: the same figures at any county size.
    Case("tasks", "matrix (tasks, units, cells as of the date)", lambda db, s, t: _task_matrix(db, s, t.asof)),
    Case("tasks", "unit view (fpb, 13 tasks)", lambda db, s, t: (_task_matrix(db, s, t.asof),
                                                              tasks.milestones(db, s, t.asof, unit_code="fpb"))),
    Case("tasks", "task view (T10, 15 units)", lambda db, s, t: (
        _task_matrix(db, s, t.asof), tasks.progress_history(db, s, "T10", t.asof),
        tasks.milestones(db, s, t.asof, task_code="T10"))),
    Case("tasks", "who is behind (ranking + week before + overdue list)", lambda db, s, t: (
        _task_matrix(db, s, t.asof), tasks.unit_ranking(db, s, t.asof), tasks.overdue_milestones(db, s, t.asof))),
)
