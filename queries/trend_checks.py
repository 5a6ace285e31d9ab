"""两不愁三保障 + drinking-water problems over time: found, cleared, and open at period end."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import false

from db.schema import guarantee_check, household
from queries.drill import in_area
from queries.gateway import cached
from queries.scope import Scope
from queries.trend_period import Period, area_key, count_spells, quarter_of, stock_and_flows


@cached
def problem_flows(db: str, scope: Scope, area_code: str, area_level: str, period: Period) -> pd.DataFrame:
    """Per item and month: problems found (failed checks), cleared, and open at month start and end."""
    check = guarantee_check.c
    joined = guarantee_check.join(household, household.c.id == check.household_id)
    where = [in_area(household.c.village_code, area_code, area_level, scope), check.ok == false()]
    keys = [area_key(household.c.village_code, area_level), check.item.label("key")]
    opening, found, cleared = count_spells(db, check.checked_on, check.resolved_on, joined, where, keys, period)
    return stock_and_flows(period.months(), ["area_code", "key"], opening,
                           {"found": found, "cleared": cleared}, outflows=("cleared",))


def by_quarter(monthly: pd.DataFrame) -> pd.DataFrame:
    """Monthly flows rolled up to quarters: sums of flows, stock at the quarter's start and end."""
    frame = monthly.assign(quarter=monthly["month"].map(quarter_of)).sort_values(["key", "month"])
    return frame.groupby(["key", "quarter"], as_index=False).agg(
        open_start=("open_start", "first"), found=("found", "sum"), cleared=("cleared", "sum"),
        open_end=("open_end", "last"))
