"""Whether a rollup may stand in for the row queries, and how fresh it is (read by the pages' caption)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.exc import DBAPIError

from db.rollup_schema import rollup_case_spell, rollup_day, rollup_state
from db.rollups import CASE_SPELLS
from db.schema import household, import_batch, monitoring_case
from queries.gateway import cached, read

LEDGER_KIND = "ledger"  # the import that changes cases; a rollup older than its last batch is stale


@dataclass(frozen=True)
class Freshness:
    """A rollup's state: built at all, when, and whether an import has finished since."""

    name: str
    refreshed_at: datetime | None
    fresh: bool


@cached
def held_days(db: str) -> frozenset[date]:
    """The days the per-day rollups were computed for (none on a database that predates them)."""
    try:
        days = read(db, select(rollup_day.c.day))["day"]
    except DBAPIError:
        return frozenset()
    return frozenset(pd.to_datetime(days).dt.date)


@cached
def rollup_freshness(db: str, name: str) -> Freshness:
    """The rollup's last refresh against the newest finished ledger import (never built: not fresh)."""
    try:
        state = read(db, select(rollup_state.c.refreshed_at).where(rollup_state.c.name == name))
    except DBAPIError:  # a database older than the rollup tables: the pages read the rows
        return Freshness(name, None, False)
    if state.empty:
        return Freshness(name, None, False)
    refreshed = state["refreshed_at"].iloc[0].to_pydatetime()
    newest = read(db, select(func.max(import_batch.c.finished_at).label("at"))
                  .where(import_batch.c.status == "done", import_batch.c.kind == LEDGER_KIND))["at"].iloc[0]
    fresh = newest is None or pd.isna(newest) or refreshed >= pd.Timestamp(newest).to_pydatetime()
    return Freshness(name, refreshed, bool(fresh))


def use_rollup(db: str, name: str, level: str) -> bool:
    """Read the rollup instead of the rows: above village level, and only while it is fresh."""
    return level != "village" and rollup_freshness(db, name).fresh


@dataclass(frozen=True)
class CaseSource:
    """Where a query counts monitoring cases: the case rows joined to households, or the village
    rollup's spells (one row per village, case type and dates, weighted by n)."""

    joined: object
    village: object
    case_type: object
    identified_on: object
    eliminated_on: object
    weight: object  # 1 per case row, or the spell's n
    where: tuple  # what narrows the source to one spell per case

    def count_if(self, condition):
        """Cases meeting the condition (a sum of weights)."""
        return func.sum(case((condition, 1 if self.weight is None else self.weight), else_=0))

    def count(self):
        """Every case of the selection."""
        return func.count() if self.weight is None else func.sum(self.weight)


def case_source(db: str, area_level: str) -> CaseSource:
    """The village rollup above village level while it is fresh, else the case rows."""
    if use_rollup(db, CASE_SPELLS, area_level):
        spell = rollup_case_spell.c
        return CaseSource(rollup_case_spell, spell.village_code, spell.key, spell.identified_on, spell.eliminated_on,
                          spell.n, (spell.split == "case_type",))
    c = monitoring_case.c
    return CaseSource(monitoring_case.join(household, household.c.id == c.household_id), household.c.village_code,
                      c.case_type, c.identified_on, c.eliminated_on, None, ())
