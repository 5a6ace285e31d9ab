"""The cockpit's figures: weekly series of cases and 三保障 problems, assets, and this week's news.

Weeks end on the as-of date and every 7 days before it, so "this week" is the 7 days up to and
including the as-of date and "last week" the 7 before; a value's change since the same day last
week is series[-1] - series[-2]. One grouped statement per fact table; cost grows with the cases
and problems of the window, never with all households.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import and_, case, false, func, or_, select

from db.schema import asset, guarantee_check, household, monitoring_case
from queries.drill import date_filter, in_area
from queries.gateway import cached, read
from queries.scope import Scope

CASE_TYPES = ("unstable", "marginal", "sudden")


def week_ends(asof: date, weeks: int) -> list[date]:
    """The as-of date and the same weekday in each of the weeks before it, oldest first."""
    return [asof - timedelta(days=7 * k) for k in range(weeks - 1, -1, -1)]


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))


@cached
def weekly_cases(db: str, scope: Scope, area_code: str, area_level: str, asof: date, weeks: int = 12) -> pd.DataFrame:
    """Per week end: open cases by type, cases identified and eliminated in the 7 days up to it."""
    c = monitoring_case.c
    ends = week_ends(asof, weeks)
    first_start = ends[0] - timedelta(days=7)
    columns = []
    for index, end in enumerate(ends):
        start = end - timedelta(days=7)
        columns += [
            _count_if(and_(c.identified_on <= end, or_(c.eliminated_on.is_(None), c.eliminated_on > end))).label(f"open_{index}"),
            _count_if(and_(c.identified_on > start, c.identified_on <= end)).label(f"identified_{index}"),
            _count_if(and_(c.eliminated_on > start, c.eliminated_on <= end)).label(f"eliminated_{index}"),
        ]
    statement = (select(c.case_type, *columns)
                 .select_from(monitoring_case.join(household, household.c.id == c.household_id))
                 .where(in_area(household.c.village_code, area_code, area_level, scope),
                        date_filter(c.identified_on, area_level) <= asof,
                        or_(c.eliminated_on.is_(None), date_filter(c.eliminated_on, area_level) > first_start))
                 .group_by(c.case_type))
    wide = read(db, statement).set_index("case_type").reindex(list(CASE_TYPES)).fillna(0)
    rows = []
    for index, end in enumerate(ends):
        row = {"week_end": end}
        for case_type in CASE_TYPES:
            row[f"open_{case_type}"] = int(wide.at[case_type, f"open_{index}"])
        row["open_cases"] = sum(row[f"open_{t}"] for t in CASE_TYPES)
        row["identified"] = int(wide[f"identified_{index}"].sum())
        row["eliminated"] = int(wide[f"eliminated_{index}"].sum())
        rows.append(row)
    return pd.DataFrame(rows)


@cached
def weekly_open_problems(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                         weeks: int = 12) -> pd.DataFrame:
    """Per week end: open 两不愁三保障/饮水 problems, and problems found in the 7 days up to it."""
    g = guarantee_check.c
    ends = week_ends(asof, weeks)
    columns = []
    for index, end in enumerate(ends):
        columns += [
            _count_if(and_(g.checked_on <= end, or_(g.resolved_on.is_(None), g.resolved_on > end))).label(f"open_{index}"),
            _count_if(and_(g.checked_on > end - timedelta(days=7), g.checked_on <= end)).label(f"found_{index}"),
        ]
    statement = (select(*columns)
                 .select_from(guarantee_check.join(household, household.c.id == g.household_id))
                 .where(in_area(household.c.village_code, area_code, area_level, scope), g.ok == false(),
                        date_filter(g.checked_on, area_level) <= asof,
                        or_(g.resolved_on.is_(None), date_filter(g.resolved_on, area_level) > ends[0] - timedelta(days=7))))
    row = read(db, statement).fillna(0).iloc[0]
    return pd.DataFrame({"week_end": ends, "open_problems": [int(row[f"open_{i}"]) for i in range(len(ends))],
                         "found": [int(row[f"found_{i}"]) for i in range(len(ends))]})


@cached
def asset_totals(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> dict[str, float]:
    """Assets formed by the as-of year: how many, how many registered (确权), their value."""
    a = asset.c
    statement = (select(func.count().label("assets"), _count_if(a.registered).label("registered"),
                        func.coalesce(func.sum(a.value), 0).label("value"))
                 .where(in_area(a.village_code, area_code, area_level, scope),
                        or_(a.formed_year.is_(None), a.formed_year <= asof.year)))
    row = read(db, statement).fillna(0).iloc[0]
    return {"assets": int(row["assets"]), "registered": int(row["registered"]), "value": float(row["value"])}


@cached
def new_cases_by_village(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                         days: int = 7, top: int = 5) -> pd.DataFrame:
    """The villages with the most cases identified in the last `days` days up to the as-of date."""
    c = monitoring_case.c
    statement = (select(household.c.village_code, func.count().label("new_cases"))
                 .select_from(monitoring_case.join(household, household.c.id == c.household_id))
                 .where(in_area(household.c.village_code, area_code, area_level, scope),
                        date_filter(c.identified_on, area_level) > asof - timedelta(days=days),
                        date_filter(c.identified_on, area_level) <= asof)
                 .group_by(household.c.village_code)
                 .order_by(func.count().desc(), household.c.village_code).limit(top))
    return read(db, statement)
