"""Reads that build a viewer's scope before there is one: the areas a user is assigned, sample personas.

These take no Scope on purpose: they run to compute it, and return only codes, levels and names.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from db.schema import area, unit
from queries.gateway import cached, read


@cached
def assigned_areas(db: str, codes: tuple[str, ...]) -> pd.DataFrame:
    """Code, level and name of the named areas that exist (unknown codes are simply absent)."""
    if not codes:
        return pd.DataFrame(columns=["code", "level", "name"])
    return read(db, select(area.c.code, area.c.level, area.c.name)
                .where(area.c.code.in_(codes)).order_by(area.c.code))


@cached
def sample_assignments(db: str) -> dict[str, object]:
    """Who the sample personas are: the first province, city, county and township, three of its
    villages, the first unit (None where the tree has no such level)."""
    broad = {level: read(db, select(area.c.code).where(area.c.level == level).order_by(area.c.code).limit(1))
             for level in ("province", "city", "county")}
    first_township = read(db, select(area.c.code).where(area.c.level == "township")
                          .order_by(area.c.code).limit(1))
    township = None if first_township.empty else str(first_township.iat[0, 0])
    villages: list[str] = []
    if township is not None:
        rows = read(db, select(area.c.code).where(area.c.parent_code == township)
                    .order_by(area.c.code).limit(3))
        villages = [str(code) for code in rows["code"]]
    first_unit = read(db, select(unit.c.code).order_by(unit.c.code).limit(1))
    return {"province": None if broad["province"].empty else str(broad["province"].iat[0, 0]),
            "city": None if broad["city"].empty else str(broad["city"].iat[0, 0]),
            "county": None if broad["county"].empty else str(broad["county"].iat[0, 0]),
            "township": township, "villages": tuple(villages),
            "unit": None if first_unit.empty else str(first_unit.iat[0, 0])}
