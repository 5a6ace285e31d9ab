"""两不愁三保障 + drinking-water problems over time: found, cleared, and open at period end."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import false

from db.rollups import CASE_SPELLS
from db.schema import guarantee_check, household
from queries.drill import in_area
from queries.gateway import cached
from queries.rollups import use_rollup
from queries.scope import Scope
from queries.spell_source import MONTH_GRAIN, problem_month_spells
from queries.trend_period import area_key, count_spells, stock_and_flows
from rules.calendar import Period, quarter_of


@cached
def problem_flows(db: str, scope: Scope, area_code: str, area_level: str, period: Period) -> pd.DataFrame:
    """Per item and month: problems found (failed checks), cleared, and open at month start and end."""
    if use_rollup(db, CASE_SPELLS, area_level):  # above village level, while fresh: the month spells
        spells = problem_month_spells(MONTH_GRAIN[area_level], period.cut, ["item"], (area_code, area_level, scope))
        joined, village, item, weight = spells, spells.c.village_code, spells.c.item, spells.c.n
        found_on, cleared_on, where = spells.c.checked_on, spells.c.resolved_on, []
    else:
        check = guarantee_check.c
        joined = guarantee_check.join(household, household.c.id == check.household_id)
        village, item, weight = household.c.village_code, check.item, None
        found_on, cleared_on, where = check.checked_on, check.resolved_on, [check.ok == false()]
    where.append(in_area(village, area_code, area_level, scope))
    keys = [area_key(village, area_level), item.label("key")]
    opening, found, cleared = count_spells(db, found_on, cleared_on, joined, where, keys, period, weight=weight)
    return stock_and_flows(period.months(), ["area_code", "key"], opening,
                           {"found": found, "cleared": cleared}, outflows=("cleared",))


def by_quarter(monthly: pd.DataFrame) -> pd.DataFrame:
    """Monthly flows rolled up to quarters: sums of flows, stock at the quarter's start and end."""
    frame = monthly.assign(quarter=monthly["month"].map(quarter_of)).sort_values(["key", "month"])
    return frame.groupby(["key", "quarter"], as_index=False).agg(
        open_start=("open_start", "first"), found=("found", "sum"), cleared=("cleared", "sum"),
        open_end=("open_end", "last"))
