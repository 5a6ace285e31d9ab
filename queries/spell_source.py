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

from sqlalchemy import Table, and_, or_, select, union_all

from queries.drill import in_area
from queries.scope import Scope
from rules.calendar import month_key, month_start, shift_month

# The grain a grouping level reads: its own (a village grouping reads the village spells).
MONTH_GRAIN = {level: level for level in ("province", "city", "county", "township")}


def month_spells(coarse: Table, fine: Table, grain: str, cut: date, start: str, end: str, columns: list[str],
                 condition, area: tuple[str, str, Scope]):
    """A subquery of spells (village_code: the area holding them, `columns`, start, end, n) under the
    area, whose dates are exact wherever count_spells compares them with the cut day: the coarse
    spells neither starting nor ending in the cut's month, and the village spells that do.
    `condition(table)` narrows both tables alike (e.g. the breakdown)."""
    code, level, scope = area
    first = month_start(month_key(cut))
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
