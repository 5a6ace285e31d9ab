"""The base of per-100-household rates: the area list's household count, or the households on record.

The national system holds exited and monitored households only, so after import-ledger the
household table is not every rural household. A village's base is then `area.household_count`
(loaded with the area list) when the list gives it, else the households on record; pages say which
(`rate_base_kind`).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from db.schema import area
from queries.drill import in_area
from queries.gateway import cached, read
from queries.scope import Scope, child_key

BASE_KINDS = ("area_list", "records", "mixed")


@cached
def listed_households(db: str, scope: Scope, area_code: str, area_level: str) -> pd.Series:
    """area.household_count of every village under an area (NaN where the list gives none)."""
    statement = (select(area.c.code, area.c.household_count)
                 .where(in_area(area.c.code, area_code, area_level, scope), area.c.level == "village"))
    frame = read(db, statement)
    return pd.to_numeric(frame.set_index("code")["household_count"], errors="coerce").rename("listed")


def rate_bases(records: pd.Series, listed: pd.Series, group_level: str) -> pd.Series:
    """Households per area at group_level: each village's listed count, else its households on record."""
    villages = records.index.union(listed.index)
    base = listed.reindex(villages).fillna(records.reindex(villages)).fillna(0)
    keys = [child_key(code, group_level) for code in villages]
    return base.groupby(keys).sum()


def per_100(counts: pd.Series, bases: pd.Series) -> pd.Series:
    """counts per 100 households of the base (NaN where the base is 0), two decimals."""
    bases = bases.reindex(counts.index)
    return (100 * counts / bases.where(bases > 0)).round(2)


@cached
def rate_base_kind(db: str, scope: Scope, area_code: str, area_level: str) -> str:
    """area_list when every village under the area has a listed count, records when none has, else mixed."""
    statement = (select(func.count().label("villages"), func.count(area.c.household_count).label("listed"))
                 .where(in_area(area.c.code, area_code, area_level, scope), area.c.level == "village"))
    row = read(db, statement).iloc[0]
    villages, listed = int(row["villages"]), int(row["listed"])
    if villages and listed == villages:
        return "area_list"
    return "records" if listed == 0 else "mixed"
