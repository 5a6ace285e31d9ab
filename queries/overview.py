"""The cockpit's figures: weekly series of cases and 三保障 problems, assets, and this week's news.

Weeks end on the as-of date and every 7 days before it, so "this week" is the 7 days up to and
including the as-of date and "last week" the 7 before; a value's change since the same day last
week is series[-1] - series[-2]. One grouped statement per fact table; cost grows with the cases
and problems of the window, never with all households.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import and_, case, false, func, or_, select, true

from db.schema import asset, guarantee_check, household
from queries.area_query import AreaQuery
from queries.drill import date_filter, in_area
from queries.gateway import cached, read
from queries.rollups import CASE_SPELLS, case_source, use_rollup
from queries.scope import CODE_LENGTH, Scope
from queries.spell_source import MONTH_GRAIN, case_spells, problem_month_spells
from queries.trend_period import area_key

CASE_TYPES = ("unstable", "marginal", "sudden")
FLOW_COLUMNS = ("new_cases", "eliminated_cases")


def week_ends(asof: date, weeks: int) -> list[date]:
    """The as-of date and the same weekday in each of the weeks before it, oldest first."""
    return [asof - timedelta(days=7 * k) for k in range(weeks - 1, -1, -1)]


def _count_if(condition):
    return _sum_if(condition, 1)


def _sum_if(condition, weight):
    return func.sum(case((condition, weight), else_=0))


@cached
def weekly_cases(db: str, scope: Scope, area_code: str, area_level: str, asof: date, weeks: int = 12) -> pd.DataFrame:
    """Per week end: open cases by type, cases identified and eliminated in the 7 days up to it
    (above village level from the month spells while the rollups are fresh)."""
    ends = week_ends(asof, weeks)
    first_start = ends[0] - timedelta(days=7)
    c = case_spells(db, scope, area_code, area_level, first_start, asof)
    columns = []
    for index, end in enumerate(ends):
        start = end - timedelta(days=7)
        columns += [
            c.count_if(and_(c.identified_on <= end, or_(c.eliminated_on.is_(None), c.eliminated_on > end))).label(f"open_{index}"),
            c.count_if(and_(c.identified_on > start, c.identified_on <= end)).label(f"identified_{index}"),
            c.count_if(and_(c.eliminated_on > start, c.eliminated_on <= end)).label(f"eliminated_{index}"),
        ]
    statement = (select(c.case_type.label("case_type"), *columns)
                 .select_from(c.joined)
                 .where(in_area(c.village, area_code, area_level, scope), *c.where,
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
    """Per week end: open 两不愁三保障/饮水 problems, and problems found in the 7 days up to it
    (above village level from the month spells of failed checks while the rollups are fresh)."""
    ends = week_ends(asof, weeks)
    if use_rollup(db, CASE_SPELLS, area_level):  # the month spells, exact over the weeks shown
        joined = problem_month_spells(MONTH_GRAIN[area_level], asof, [], (area_code, area_level, scope),
                                      ends[0] - timedelta(days=7))
        g = joined.c
        village, weight, failed = g.village_code, g.n, ()
    else:
        g = guarantee_check.c
        joined = guarantee_check.join(household, household.c.id == g.household_id)
        village, weight, failed = household.c.village_code, 1, (g.ok == false(),)
    columns = []
    for index, end in enumerate(ends):
        columns += [
            _sum_if(and_(g.checked_on <= end, or_(g.resolved_on.is_(None), g.resolved_on > end)), weight).label(f"open_{index}"),
            _sum_if(and_(g.checked_on > end - timedelta(days=7), g.checked_on <= end), weight).label(f"found_{index}"),
        ]
    statement = (select(*columns)
                 .select_from(joined)
                 .where(in_area(village, area_code, area_level, scope), *failed,
                        date_filter(g.checked_on, area_level) <= asof,
                        or_(g.resolved_on.is_(None), date_filter(g.resolved_on, area_level) > ends[0] - timedelta(days=7))))
    row = read(db, statement).fillna(0).iloc[0]
    return pd.DataFrame({"week_end": ends, "open_problems": [int(row[f"open_{i}"]) for i in range(len(ends))],
                         "found": [int(row[f"found_{i}"]) for i in range(len(ends))]})


@cached
def assets_by_village(area: AreaQuery, group_level: str = "village") -> pd.DataFrame:
    """Project assets formed by the as-of year, per area at group_level (village_code: its code;
    villages unless told) and kind: count, value, registered, income.

    The one definition of the asset figures: the cockpit's tile, the map's asset values and the
    briefing's asset section all add these rows up (summed in SQL to the level they show)."""
    a = asset.c
    key = area_key(a.village_code, group_level)  # one expression in SELECT and GROUP BY: PostgreSQL needs it
    statement = (select(key.label("village_code"), a.kind, func.count().label("assets"),
                        func.coalesce(func.sum(a.value), 0).label("value"),
                        _count_if(a.registered == true()).label("registered"),
                        func.coalesce(func.sum(a.annual_income), 0).label("income"))
                 .where(in_area(a.village_code, area.code, area.level, area.scope),
                        or_(a.formed_year.is_(None), a.formed_year <= area.asof.year))
                 .group_by(key, a.kind))
    frame = read(area.db, statement)
    if not frame.empty:
        frame["village_code"] = frame["village_code"].astype(str).str.ljust(CODE_LENGTH, "0")
    frame[["assets", "registered"]] = frame[["assets", "registered"]].fillna(0).astype("int64")
    frame[["value", "income"]] = frame[["value", "income"]].fillna(0).astype("float64")
    return frame


def asset_totals(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> dict[str, float]:
    """Assets formed by the as-of year: how many, how many registered (确权), their value."""
    rows = assets_by_village(AreaQuery(db, scope, area_code, area_level, asof), area_level)
    return {"assets": int(rows["assets"].sum()), "registered": int(rows["registered"].sum()),
            "value": float(rows["value"].sum())}


def _per_village(area: AreaQuery, label: str, day: str, since: date) -> pd.DataFrame:
    c = case_source(area.db, area.level)
    day_column = getattr(c, day)
    statement = (select(c.village.label("village_code"), c.count().label(label))
                 .select_from(c.joined)
                 .where(in_area(c.village, area.code, area.level, area.scope), *c.where,
                        date_filter(day_column, area.level) > since, date_filter(day_column, area.level) <= area.asof)
                 .group_by(c.village))
    return read(area.db, statement)


@cached
def case_flows_by_village(area: AreaQuery, since: date) -> pd.DataFrame:
    """Cases identified and eliminated in (since, as-of date], per village (index: village code).

    The one definition of "new" and "eliminated" over a window: the cockpit's villages with new
    cases and the briefing's flows (a week, a month, a year) both read it."""
    new = _per_village(area, "new_cases", "identified_on", since)
    gone = _per_village(area, "eliminated_cases", "eliminated_on", since)
    flows = new.merge(gone, on="village_code", how="outer").set_index("village_code")
    return flows.reindex(columns=list(FLOW_COLUMNS)).fillna(0).astype("int64").sort_index()


def new_cases_by_village(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                         days: int = 7, top: int = 5) -> pd.DataFrame:
    """The villages with the most cases identified in the last `days` days up to the as-of date."""
    flows = case_flows_by_village(AreaQuery(db, scope, area_code, area_level, asof), asof - timedelta(days=days))
    new = flows.loc[flows["new_cases"] > 0, ["new_cases"]].rename_axis("village_code").reset_index()
    return new.sort_values(["new_cases", "village_code"], ascending=[False, True]).head(top).reset_index(drop=True)
