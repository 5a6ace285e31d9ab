"""Aggregates the briefing pack needs beyond the drill-down: case flows, task lateness, assets.

Every function takes the viewer's scope, filters by it in SQL (through queries.drill.in_area,
which refuses an area outside the scope) and returns rows per village, month, task or unit: never
per household, so a pack for a county costs the same at 20,000 or 1,000,000 households.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, case, extract, func, or_, select, true

from db.schema import asset, household, monitoring_case, task, task_milestone, task_progress, unit
from queries.drill import in_area
from queries.gateway import cached, read
from queries.scope import Scope

FLOW_COLUMNS = ("new_cases", "eliminated_cases")


def _per_village(db: str, label: str, where, day_column, since: date, until: date) -> pd.DataFrame:
    statement = (select(household.c.village_code, func.count().label(label))
                 .select_from(monitoring_case.join(household, household.c.id == monitoring_case.c.household_id))
                 .where(where, day_column > since, day_column <= until)
                 .group_by(household.c.village_code))
    return read(db, statement)


@cached
def case_flows(db: str, scope: Scope, area_code: str, area_level: str, since: date, until: date) -> pd.DataFrame:
    """Cases identified and eliminated in (since, until], per village (index: village code)."""
    where = in_area(household.c.village_code, area_code, area_level, scope)
    case_ = monitoring_case.c
    new = _per_village(db, "new_cases", where, case_.identified_on, since, until)
    gone = _per_village(db, "eliminated_cases", where, case_.eliminated_on, since, until)
    flows = new.merge(gone, on="village_code", how="outer").set_index("village_code")
    return flows.reindex(columns=list(FLOW_COLUMNS)).fillna(0).astype("int64")


def _per_month(db: str, label: str, where, day_column, start: date, end: date) -> pd.DataFrame:
    year, month = extract("year", day_column), extract("month", day_column)
    statement = (select(year.label("year"), month.label("month"), func.count().label(label))
                 .select_from(monitoring_case.join(household, household.c.id == monitoring_case.c.household_id))
                 .where(where, day_column >= start, day_column <= end)
                 .group_by(year, month))
    frame = read(db, statement)
    frame["month"] = [f"{int(y):04d}-{int(m):02d}" for y, m in zip(frame["year"], frame["month"])]
    return frame.drop(columns="year")


@cached
def monthly_flows(db: str, scope: Scope, area_code: str, area_level: str, start: date, end: date) -> pd.DataFrame:
    """Cases identified and eliminated per calendar month from start to end (every month listed)."""
    where = in_area(household.c.village_code, area_code, area_level, scope)
    case_ = monitoring_case.c
    months = pd.period_range(pd.Period(start, "M"), pd.Period(end, "M"), freq="M").strftime("%Y-%m")
    frame = pd.DataFrame({"month": list(months)})
    for label, column in (("new_cases", case_.identified_on), ("eliminated_cases", case_.eliminated_on)):
        counts = _per_month(db, label, where, column, start, end)
        frame = frame.merge(counts, on="month", how="left")
    frame[list(FLOW_COLUMNS)] = frame[list(FLOW_COLUMNS)].fillna(0).astype("int64")
    return frame


@cached
def overdue_milestones(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """Milestones past due and not done on the as-of date, counted per task and unit."""
    m = task_milestone.c
    late = and_(m.due_on < asof, or_(m.done_on.is_(None), m.done_on > asof))
    statement = (select(task.c.code.label("task_code"), task.c.seq, task.c.title, unit.c.code.label("unit_code"),
                        unit.c.name.label("unit_name"), func.count().label("overdue"),
                        func.min(m.due_on).label("earliest_due"))
                 .select_from(task_milestone.join(task, task.c.code == m.task_code)
                              .join(unit, unit.c.code == m.unit_code))
                 .where(in_area(task.c.area_code, area_code, area_level, scope), late)
                 .group_by(task.c.code, task.c.seq, task.c.title, unit.c.code, unit.c.name)
                 .order_by(func.count().desc(), task.c.seq, unit.c.code))
    return read(db, statement)


@cached
def task_count(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> int:
    """How many tasks of the area had started by the as-of date."""
    statement = (select(func.count()).select_from(task)
                 .where(in_area(task.c.area_code, area_code, area_level, scope),
                        or_(task.c.starts_on.is_(None), task.c.starts_on <= asof)))
    return int(read(db, statement).iat[0, 0])


@cached
def latest_progress(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """Each task × unit's latest progress report on or before the as-of date (one row per pair)."""
    p = task_progress.c
    last = (select(p.task_code, p.unit_code, func.max(p.reported_on).label("reported_on"))
            .where(p.reported_on <= asof).group_by(p.task_code, p.unit_code).subquery("last"))
    statement = (select(p.id, p.task_code, task.c.seq, task.c.title, p.unit_code, unit.c.name.label("unit_name"),
                        p.reported_on, p.percent, p.status)
                 .select_from(task_progress
                              .join(last, and_(last.c.task_code == p.task_code, last.c.unit_code == p.unit_code,
                                               last.c.reported_on == p.reported_on))
                              .join(task, task.c.code == p.task_code).join(unit, unit.c.code == p.unit_code))
                 .where(in_area(task.c.area_code, area_code, area_level, scope)))
    rows = read(db, statement)
    # Two reports on the same day: the later entry (higher id) is the one that stands.
    return rows.sort_values("id").drop_duplicates(["task_code", "unit_code"], keep="last").reset_index(drop=True)


@cached
def asset_totals(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """Project assets formed by the as-of year, per village and kind: count, value, registered, income."""
    a = asset.c
    statement = (select(a.village_code, a.kind, func.count().label("assets"),
                        func.coalesce(func.sum(a.value), 0).label("value"),
                        func.sum(case((a.registered == true(), 1), else_=0)).label("registered"),
                        func.coalesce(func.sum(a.annual_income), 0).label("income"))
                 .where(in_area(a.village_code, area_code, area_level, scope),
                        or_(a.formed_year.is_(None), a.formed_year <= asof.year))
                 .group_by(a.village_code, a.kind))
    frame = read(db, statement)
    frame[["assets", "registered"]] = frame[["assets", "registered"]].astype("int64")
    frame[["value", "income"]] = frame[["value", "income"]].astype("float64")
    return frame
