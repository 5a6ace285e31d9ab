"""The responsibility matrix as of a date: tasks, units, each (task, unit) cell's status, milestones.

A task appears from its start date (task.starts_on) on, so a past date shows the matrix as it
stood. Scope rule: tasks are not area data (every department head sees the whole matrix of their
county), but each task belongs to an area (task.area_code). A viewer sees the tasks of the areas
under their scope roots and of every area above a root (a township's viewer sees the county's
matrix), plus tasks tied to no area. Units are not area data: every unit is listed.

Status rule for a cell as of a date (rules/tasks.py, the one definition): the unit's latest approved
progress report on or before the date gives percent and status, and any milestone of that unit on that task
due before the date and not done by it makes the cell overdue, even over a 100 % report.
Every table here grows with tasks and units, never with households.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, false, func, or_, select, true

from db.schema import task, task_milestone, task_progress, task_unit, unit
from queries.gateway import cached, read
from queries.scope import CODE_LENGTH, PREFIX_LENGTH, Scope, code_range
from rules.calendar import WEEK
from rules.tasks import BEHIND, task_status


# Only reports the county office approved count (issue 16); rows loaded by other systems are approved.
APPROVED = task_progress.c.review_state == "approved"


def task_scope_filter(column, scope: Scope):
    """Tasks of areas under the scope's roots or above them, or of no area; nothing for an empty scope."""
    if not scope.roots:
        return false()
    conditions = [column.is_(None)]
    for code, level in scope.roots:
        low, high = code_range(code, level)
        conditions.append(and_(column >= low, column <= high))
        above = sorted({code[:keep].ljust(CODE_LENGTH, "0") for keep in PREFIX_LENGTH.values()
                        if keep < PREFIX_LENGTH[level]})
        if above:
            conditions.append(column.in_(above))
    return or_(*conditions)


def _started_by(asof: date | None):
    # A task shows from its start date on (the matrix as it stood); a task without one, always.
    return true() if asof is None else or_(task.c.starts_on.is_(None), task.c.starts_on <= asof)


def visible_task_codes(scope: Scope, asof: date | None = None):
    """A subquery of the task codes the scope may see (started by asof, if given); for `.in_()` filters."""
    return select(task.c.code).where(task_scope_filter(task.c.area_code, scope), _started_by(asof))


@cached
def tasks_in_scope(db: str, scope: Scope, asof: date | None = None) -> pd.DataFrame:
    """The tasks the viewer may see (started by asof, if given), by sequence number."""
    statement = (select(task.c.code, task.c.seq, task.c.title, task.c.detail, task.c.area_code,
                        task.c.starts_on, task.c.due_on)
                 .where(task_scope_filter(task.c.area_code, scope), _started_by(asof))
                 .order_by(task.c.seq, task.c.code))
    return read(db, statement)


@cached
def unit_list(db: str, scope: Scope) -> pd.DataFrame:
    """Every unit (units are not area data; scope kept for a uniform signature), indexed by code."""
    frame = read(db, select(unit.c.code, unit.c.name, unit.c.alias, unit.c.kind).order_by(unit.c.code))
    return frame.set_index("code", drop=False)


@cached
def task_links(db: str, scope: Scope, asof: date | None = None) -> pd.DataFrame:
    """Who does what: (task_code, unit_code, role) for the visible tasks (started by asof, if given)."""
    statement = (select(task_unit.c.task_code, task_unit.c.unit_code, task_unit.c.role)
                 .where(task_unit.c.task_code.in_(visible_task_codes(scope, asof)))
                 .order_by(task_unit.c.task_code, task_unit.c.role, task_unit.c.unit_code))
    return read(db, statement)


def _overdue_condition(asof: date):
    m = task_milestone.c
    return and_(m.due_on < asof, or_(m.done_on.is_(None), m.done_on > asof))


@cached
def cell_status(db: str, scope: Scope, asof: date) -> pd.DataFrame:
    """One row per (task, unit) on a visible task: latest report on or before asof, overdue milestones, status."""
    p, m = task_progress.c, task_milestone.c
    visible = visible_task_codes(scope, asof)
    # The latest report per pair: its date by GROUP BY, then the highest id on that date. Two small
    # aggregates beat a window function here (SQLite: 5 ms instead of 20 ms on the sample's reports).
    last_on = (select(p.task_code, p.unit_code, func.max(p.reported_on).label("last_on"))
               .where(p.reported_on <= asof, p.task_code.in_(visible), APPROVED)
               .group_by(p.task_code, p.unit_code).subquery("last_on"))
    latest_ids = (select(func.max(p.id))
                  .select_from(task_progress.join(last_on, and_(last_on.c.task_code == p.task_code,
                                                                last_on.c.unit_code == p.unit_code,
                                                                last_on.c.last_on == p.reported_on)))
                  .where(APPROVED).group_by(p.task_code, p.unit_code))
    ranked = (select(p.task_code, p.unit_code, p.percent, p.status.label("reported_status"), p.reported_on, p.note)
              .where(p.id.in_(latest_ids)).subquery("latest"))
    overdue = (select(m.task_code, m.unit_code, func.count().label("overdue"))
               .where(_overdue_condition(asof), m.task_code.in_(visible))
               .group_by(m.task_code, m.unit_code).subquery("late"))
    pairs = (select(task_unit.c.task_code, task_unit.c.unit_code).where(task_unit.c.task_code.in_(visible))
             .distinct().subquery("pairs"))
    statement = (
        select(pairs.c.task_code, pairs.c.unit_code, ranked.c.percent, ranked.c.reported_status,
               ranked.c.reported_on, ranked.c.note, func.coalesce(overdue.c.overdue, 0).label("overdue"))
        .select_from(pairs
                     .outerjoin(ranked, and_(ranked.c.task_code == pairs.c.task_code,
                                             ranked.c.unit_code == pairs.c.unit_code))
                     .outerjoin(overdue, and_(overdue.c.task_code == pairs.c.task_code,
                                              overdue.c.unit_code == pairs.c.unit_code)))
        .order_by(pairs.c.task_code, pairs.c.unit_code))
    cells = read(db, statement)
    cells["overdue"] = cells["overdue"].astype("int64")
    cells["status"] = [task_status(s, pct, late) for s, pct, late
                       in zip(cells["reported_status"], cells["percent"], cells["overdue"])]
    return cells


@cached
def milestones(db: str, scope: Scope, asof: date, task_code: str | None = None,
               unit_code: str | None = None) -> pd.DataFrame:
    """Milestones of visible tasks (optionally one task / unit); completions after asof not yet known."""
    m = task_milestone.c
    conditions = [m.task_code.in_(visible_task_codes(scope, asof))]
    if task_code is not None:
        conditions.append(m.task_code == task_code)
    if unit_code is not None:
        conditions.append(m.unit_code == unit_code)
    statement = (select(m.id, m.task_code, m.unit_code, m.title, m.due_on, m.done_on)
                 .where(*conditions).order_by(m.task_code, m.unit_code, m.due_on, m.id))
    return _with_lateness(read(db, statement), asof)


@cached
def overdue_milestones(db: str, scope: Scope, asof: date) -> pd.DataFrame:
    """Every milestone overdue on asof across the visible tasks, longest overdue first."""
    m = task_milestone.c
    statement = (select(m.id, m.task_code, m.unit_code, m.title, m.due_on, m.done_on)
                 .where(_overdue_condition(asof), m.task_code.in_(visible_task_codes(scope, asof)))
                 .order_by(m.due_on, m.task_code, m.unit_code, m.id))
    return _with_lateness(read(db, statement), asof)


def _with_lateness(frame: pd.DataFrame, asof: date) -> pd.DataFrame:
    # Day arithmetic differs per dialect; these frames hold a few hundred rows, so do it here.
    frame["done_on"] = [d if d is not None and not pd.isna(d) and d <= asof else None for d in frame["done_on"]]
    frame["overdue_days"] = [(asof - due).days if done is None and due < asof else 0
                             for due, done in zip(frame["due_on"], frame["done_on"])]
    frame["late_days"] = [(done - due).days if done is not None and done > due else 0
                          for due, done in zip(frame["due_on"], frame["done_on"])]
    return frame


@cached
def progress_history(db: str, scope: Scope, task_code: str, asof: date) -> pd.DataFrame:
    """Every progress report on one visible task up to asof, for the chart of percent over time."""
    p = task_progress.c
    statement = (select(p.unit_code, p.reported_on, p.percent, p.status, p.note)
                 .where(p.task_code == task_code, p.reported_on <= asof, APPROVED,
                        p.task_code.in_(visible_task_codes(scope, asof)))
                 .order_by(p.unit_code, p.reported_on, p.id))
    return read(db, statement)


@cached
def unit_ranking(db: str, scope: Scope, asof: date) -> pd.DataFrame:
    """Per unit: tasks led and joined, overdue milestones and behind tasks on asof and their change in a week."""
    links = task_links(db, scope, asof)
    now, before = cell_status(db, scope, asof), cell_status(db, scope, asof - WEEK)
    ranking = pd.DataFrame({
        "lead_count": links[links["role"] == "lead"].groupby("unit_code")["task_code"].nunique(),
        "task_count": links.groupby("unit_code")["task_code"].nunique(),
    })
    for suffix, cells in (("", now), ("_before", before)):
        ranking["overdue_milestones" + suffix] = cells.groupby("unit_code")["overdue"].sum()
        ranking["behind_tasks" + suffix] = cells[cells["status"].isin(BEHIND)].groupby("unit_code").size()
    ranking = ranking.fillna(0).astype("int64")
    ranking["overdue_change"] = ranking["overdue_milestones"] - ranking["overdue_milestones_before"]
    ranking["behind_change"] = ranking["behind_tasks"] - ranking["behind_tasks_before"]
    ranking.index.name = "unit_code"
    return (ranking.reset_index()
            .sort_values(["overdue_milestones", "behind_tasks", "lead_count", "unit_code"],
                         ascending=[False, False, False, True], ignore_index=True))
