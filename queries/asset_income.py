"""How project-asset income was used (收益分配) in a year, and the assets whose income was simply
handed out (一分了之); rules/assets.py decides the latter per asset, this selects the same in SQL."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import case, func, select

from db.schema import asset
from db.schema import asset_income_use as income_use
from queries.drill import in_area
from queries.gateway import cached, read
from queries.scope import Scope
from rules.assets import CASH_SHARE, CASH_USE


@cached
def income_use_year(db: str, asof: date) -> int | None:
    """The latest year up to the as-of year with income-use records."""
    frame = read(db, select(func.max(income_use.c.year).label("year"))
                 .where(income_use.c.year <= asof.year))
    value = frame.at[0, "year"] if not frame.empty else None
    return None if value is None or pd.isna(value) else int(value)


@cached
def asset_income_use(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> dict:
    """The income-use year, the amount per use, and the ids of assets that handed out at least
    CASH_SHARE of that year's income as cash."""
    year = income_use_year(db, asof)
    if year is None:
        return {"year": None, "by_use": {}, "handed_out": []}
    u, a = income_use.c, asset.c
    joined = income_use.join(asset, a.id == u.asset_id)
    where = (in_area(a.village_code, area_code, area_level, scope), u.year == year)
    by_use = read(db, select(u.use, func.sum(u.amount).label("amount")).select_from(joined).where(*where)
                  .group_by(u.use))
    cash = func.sum(case((u.use == CASH_USE, u.amount), else_=0))
    handed = read(db, select(u.asset_id).select_from(joined).where(*where).group_by(u.asset_id)
                  .having(func.sum(u.amount) > 0, cash >= CASH_SHARE * func.sum(u.amount)).order_by(u.asset_id))
    return {"year": year, "by_use": {row.use: float(row.amount) for row in by_use.itertuples()},
            "handed_out": [int(i) for i in handed["asset_id"]]}
