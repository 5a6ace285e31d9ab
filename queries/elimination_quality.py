"""Elimination and its counterweight (seed 003: 防止盲目追求风险消除率): the cumulative share of
identified cases eliminated beside the year's, and the cases that re-entered monitoring after an
elimination (rules.elimination.is_reentry decides the same per household)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, case, exists, func, select

from db.rollup_schema import rollup_case_mix
from db.rollups import CASE_SPELLS
from db.schema import household, monitoring_case
from queries.drill import date_filter, in_area
from queries.gateway import cached, read
from queries.rollups import use_rollup
from queries.scope import Scope

QUALITY_KEYS = ("identified", "eliminated", "cumulative_share", "identified_year", "eliminated_year",
                "year_share", "reentries", "reentries_year", "open_people")


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))


def _reentry():
    earlier = monitoring_case.alias("earlier")
    c = monitoring_case.c
    return exists().where(earlier.c.household_id == c.household_id, earlier.c.id != c.id,
                          earlier.c.eliminated_on.isnot(None), earlier.c.eliminated_on <= c.identified_on)


def _from_rows(scope: Scope, area_code: str, area_level: str, asof: date):
    c = monitoring_case.c
    start = date(asof.year, 1, 1)
    gone = and_(c.eliminated_on.isnot(None), c.eliminated_on <= asof)
    reentry = _reentry()
    return (
        select(func.count().label("identified"), _count_if(gone).label("eliminated"),
               _count_if(c.identified_on >= start).label("identified_year"),
               _count_if(and_(gone, c.eliminated_on >= start)).label("eliminated_year"),
               _count_if(reentry).label("reentries"),
               _count_if(and_(reentry, c.identified_on >= start)).label("reentries_year"),
               # officials give 人 as well as 户: the members of the households whose risk is not eliminated
               func.sum(case((~gone, household.c.size), else_=0)).label("open_people"))
        .select_from(monitoring_case.join(household, household.c.id == c.household_id))
        .where(in_area(household.c.village_code, area_code, area_level, scope),
               date_filter(c.identified_on, area_level) <= asof)
    )


def _from_rollup(scope: Scope, area_code: str, area_level: str, asof: date):
    """The same sums over rollup_case_mix (one row per combination of dates and re-entry, weighted by n)."""
    m = rollup_case_mix.c
    start = date(asof.year, 1, 1)
    gone = and_(m.eliminated_on.isnot(None), m.eliminated_on <= asof)
    again = m.reentry == 1

    def weighted(condition):
        return func.sum(case((condition, m.n), else_=0))

    return (
        select(func.sum(m.n).label("identified"), weighted(gone).label("eliminated"),
               weighted(m.identified_on >= start).label("identified_year"),
               weighted(and_(gone, m.eliminated_on >= start)).label("eliminated_year"),
               weighted(again).label("reentries"), weighted(and_(again, m.identified_on >= start)).label("reentries_year"),
               func.sum(case((~gone, m.people), else_=0)).label("open_people"))
        .where(in_area(m.village_code, area_code, area_level, scope), m.identified_on <= asof)
    )


@cached
def elimination_quality(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> dict[str, float]:
    """Cases identified and eliminated up to the as-of date (all time and this year), both shares in
    percent, re-entries after an elimination (all time and identified this year), and the people of
    the cases still open (from rollup_case_mix above village level while it is fresh)."""
    build = _from_rollup if use_rollup(db, CASE_SPELLS, area_level) else _from_rows
    row = read(db, build(scope, area_code, area_level, asof)).fillna(0).iloc[0]
    figures = {key: int(row[key]) for key in ("identified", "eliminated", "identified_year", "eliminated_year",
                                             "reentries", "reentries_year", "open_people")}
    figures["cumulative_share"] = round(100 * figures["eliminated"] / figures["identified"], 1) \
        if figures["identified"] else None
    # The year's share as the trends page defines it: eliminated this year / (open at its start + identified this year).
    open_start = figures["identified"] - figures["identified_year"] - (figures["eliminated"] - figures["eliminated_year"])
    base = open_start + figures["identified_year"]
    figures["year_share"] = round(100 * figures["eliminated_year"] / base, 1) if base else None
    return figures
