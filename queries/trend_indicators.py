"""Indicator series (indicator_value) with their targets for one area or its nearest ancestor."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from db.schema import indicator, indicator_value
from queries.areas import scope_filter
from queries.gateway import cached, read
from queries.scope import Scope

INDICATOR_COLUMNS = ("area_code", "indicator_code", "name", "unit", "better", "period", "value", "target")


@cached
def indicator_series(db: str, scope: Scope, chain: tuple[str, ...], first_period: str,
                     last_period: str) -> pd.DataFrame:
    """Monthly values and targets of every indicator for the deepest area in chain (the area and
    its ancestors, top first) that reports any; periods are "YYYY-MM" text, compared as text."""
    value = indicator_value.c
    statement = (
        select(value.area_code, value.indicator_code, indicator.c.name, indicator.c.unit, indicator.c.better,
               value.period, value.value, value.target)
        .select_from(indicator_value.join(indicator, indicator.c.code == value.indicator_code))
        .where(value.area_code.in_(chain), scope_filter(value.area_code, scope),
               value.period.between(first_period, last_period))
        .order_by(value.area_code, value.indicator_code, value.period)
    )
    rows = read(db, statement)
    if rows.empty:
        return pd.DataFrame(columns=list(INDICATOR_COLUMNS))
    # Villages report no indicators: their township's (or the county's) series stands for them.
    deepest = max(rows["area_code"], key=chain.index)
    return rows[rows["area_code"] == deepest].reset_index(drop=True)
