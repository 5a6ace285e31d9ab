"""Monitoring cases over time: open at month end, identified and eliminated per month, in SQL."""

from __future__ import annotations

import pandas as pd

from db.schema import case_risk, household, monitoring_case
from queries.drill import in_area
from queries.gateway import cached
from queries.scope import Scope
from queries.trend_period import Period, area_key, count_spells, stock_and_flows

CASE_FLOWS = ("identified", "eliminated_stable", "eliminated_natural")
SPLITS = ("case_type", "risk")  # what a series is broken down by


def _source(split: str):
    """FROM clause and breakdown column: per case type, or per risk type (a case may have several)."""
    case_ = monitoring_case.c
    joined = monitoring_case.join(household, household.c.id == case_.household_id)
    if split == "risk":
        return joined.join(case_risk, case_risk.c.case_id == case_.id), case_risk.c.risk_code.label("key")
    if split == "case_type":
        return joined, case_.case_type.label("key")
    raise ValueError(f"unknown breakdown: {split}")


@cached
def case_flows(db: str, scope: Scope, area_code: str, area_level: str, group_level: str,
               period: Period, split: str = "case_type") -> pd.DataFrame:
    """Per area at group_level, breakdown key and month: identified, eliminated (stable / natural)
    and cases open at the start and end of the month. One grouped query; cost grows with cases."""
    case_ = monitoring_case.c
    where = in_area(household.c.village_code, area_code, area_level, scope)
    joined, key = _source(split)
    keys = [area_key(household.c.village_code, group_level), key]
    opening, identified, eliminated = count_spells(db, case_.identified_on, case_.eliminated_on, joined, [where],
                                                   keys, period, end_keys=(case_.elimination_kind,))
    flows = {"identified": identified}
    for kind in ("stable", "natural"):
        flows[f"eliminated_{kind}"] = eliminated[eliminated["elimination_kind"] == kind]
    grid = stock_and_flows(period.months(), ["area_code", "key"], opening, flows,
                           outflows=("eliminated_stable", "eliminated_natural"))
    grid["eliminated"] = grid["eliminated_stable"] + grid["eliminated_natural"]
    return grid


def area_totals(flows: pd.DataFrame) -> pd.DataFrame:
    """Case flows summed over the breakdown: one row per area and month."""
    columns = ["identified", "eliminated_stable", "eliminated_natural", "eliminated", "open_start", "open_end"]
    return flows.groupby(["area_code", "month"], as_index=False)[columns].sum()


def yearly_elimination(totals: pd.DataFrame) -> pd.DataFrame:
    """Per area and year: open at its start, identified, eliminated (stable / natural), and the
    elimination rate = eliminated / (open at start + identified), in percent."""
    frame = totals.assign(year=totals["month"].str[:4].astype(int)).sort_values(["area_code", "month"])
    yearly = frame.groupby(["area_code", "year"]).agg(
        open_start=("open_start", "first"), identified=("identified", "sum"),
        eliminated_stable=("eliminated_stable", "sum"), eliminated_natural=("eliminated_natural", "sum"),
        eliminated=("eliminated", "sum"), open_end=("open_end", "last")).reset_index()
    base = yearly["open_start"] + yearly["identified"]
    yearly["rate"] = (100 * yearly["eliminated"] / base.where(base > 0)).round(1)
    return yearly
