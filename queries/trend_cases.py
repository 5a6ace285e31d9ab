"""Monitoring cases over time: open at month end, identified and eliminated per month, in SQL."""

from __future__ import annotations

import pandas as pd

from db.rollup_schema import rollup_case_spell
from db.rollups import CASE_SPELLS
from db.schema import case_risk, household, monitoring_case
from queries.drill import in_area
from queries.gateway import cached
from queries.rollups import use_rollup
from queries.scope import Scope
from queries.spell_source import MONTH_GRAIN, case_month_spells
from queries.trend_period import area_key, count_spells, stock_and_flows
from rules.calendar import Period

CASE_FLOWS = ("identified", "eliminated_stable", "eliminated_natural")
SPLITS = ("case_type", "risk")  # what a series is broken down by


def _rollup_source(split: str):
    """The same spells from the village rollup: no household join, one row per village and dates."""
    spell = rollup_case_spell.c
    return rollup_case_spell, spell.key.label("key"), spell.village_code, spell.split == split


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
    and cases open at the start and end of the month. One grouped query: above village level on
    the rollups while they are fresh (grouped by township or above: the month spells per county or
    township, queries.spell_source; by village: the village spells), else on the cases."""
    if use_rollup(db, CASE_SPELLS, area_level) and group_level in MONTH_GRAIN:
        spells = case_month_spells(MONTH_GRAIN[group_level], period.cut, ["key", "elimination_kind"], split,
                                   (area_code, area_level, scope))
        joined, key, village, where, weight = spells, spells.c.key, spells.c.village_code, [], spells.c.n
        start, end, ended_as = spells.c.identified_on, spells.c.eliminated_on, spells.c.elimination_kind
    elif use_rollup(db, CASE_SPELLS, area_level):
        spell = rollup_case_spell.c
        joined, key, village, of_split = _rollup_source(split)
        where = [in_area(village, area_code, area_level, scope), of_split]
        start, end, ended_as, weight = spell.identified_on, spell.eliminated_on, spell.elimination_kind, spell.n
    else:
        case_ = monitoring_case.c
        (joined, key), village = _source(split), household.c.village_code
        where = [in_area(village, area_code, area_level, scope)]
        start, end, ended_as, weight = case_.identified_on, case_.eliminated_on, case_.elimination_kind, None
    keys = [area_key(village, group_level), key]
    opening, identified, eliminated = count_spells(db, start, end, joined, where, keys, period,
                                                   end_keys=(ended_as,), weight=weight)
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
