"""Spells for the trends above township level: the coarse month rollups, with the as-of day's own month
from the village spells, so that the answer is the row queries' to the day.

queries.trend_period.count_spells needs a spell's start and end only to the month, except where
either lies in the as-of day's month (was it on or before the day?). The coarse tables
(rollup_case_month, rollup_problem_month) hold every spell per area of each level above the village
and pair of months (dated by the earliest day of each); the spells that start or end in the as-of day's month are taken
from the village tables instead, with their days, by date index.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Table, and_, or_, select, true, union_all

from db.rollup_schema import rollup_case_month, rollup_case_spell, rollup_problem_month, rollup_problem_spell
from db.rollups import CASE_SPELLS
from queries.drill import in_area
from queries.rollups import CaseSource, case_source, use_rollup
from queries.scope import Scope
from rules.calendar import month_key, month_start, shift_month

# The grain a grouping level reads: its own (a village grouping reads the village spells).
MONTH_GRAIN = {level: level for level in ("province", "city", "county", "township")}


def month_spells(coarse: Table, fine: Table, grain: str, cut: date, start: str, end: str, columns: list[str],
                 condition, area: tuple[str, str, Scope], exact_from: date | None = None):
    """A subquery of spells (village_code: the area holding them, `columns`, start, end, n) under the
    area, whose dates are exact wherever a query compares them with a day from exact_from (default:
    the cut day) to the cut day: the coarse spells neither starting nor ending in those days' months,
    and the village spells that do. `condition(table)` narrows both tables alike (e.g. the breakdown)."""
    code, level, scope = area
    first = month_start(month_key(exact_from or cut))
    following = month_start(shift_month(month_key(cut), 1))
    c, f = coarse.c, fine.c
    before = (select(c.area_code.label("village_code"), *(c[name] for name in columns), c[start], c[end], c.n)
              .where(c.grain == grain, condition(coarse), in_area(c.area_code, code, level, scope), c[start] < first,
                     or_(c[end].is_(None), c[end] < first, c[end] >= following)))

    def fine_part(*when):
        return (select(f.village_code, *(f[name] for name in columns), f[start], f[end], f.n)
                .where(condition(fine), in_area(f.village_code, code, level, scope), *when))

    started_in_month = fine_part(f[start] >= first, f[start] <= cut)
    ended_in_month = fine_part(f[start] < first, and_(f[end] >= first, f[end] < following))
    return union_all(before, started_in_month, ended_in_month).subquery("spells")


def case_month_spells(grain: str, cut: date, columns: list[str], split: str, area: tuple[str, str, Scope],
                      exact_from: date | None = None):
    """month_spells of the cases (identified_on → eliminated_on) in one breakdown (`split`)."""
    return month_spells(rollup_case_month, rollup_case_spell, grain, cut, "identified_on", "eliminated_on", columns,
                        lambda table: table.c.split == split, area, exact_from)


def problem_month_spells(grain: str, cut: date, columns: list[str], area: tuple[str, str, Scope],
                         exact_from: date | None = None):
    """month_spells of the 三保障 problems (checked_on → resolved_on)."""
    return month_spells(rollup_problem_month, rollup_problem_spell, grain, cut, "checked_on", "resolved_on", columns,
                        lambda table: true(), area, exact_from)


def case_spells(db: str, scope: Scope, area_code: str, area_level: str, exact_from: date, cut: date) -> CaseSource:
    """case_source for queries comparing case dates with days from exact_from to cut (the cockpit's
    weeks): above village level the month spells of the area's own grain, else as case_source."""
    if not use_rollup(db, CASE_SPELLS, area_level):
        return case_source(db, area_level)
    spells = case_month_spells(MONTH_GRAIN[area_level], cut, ["key"], "case_type", (area_code, area_level, scope),
                               exact_from)
    s = spells.c
    return CaseSource(spells, s.village_code, s.key, s.identified_on, s.eliminated_on, s.n, ())
