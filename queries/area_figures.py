"""The drill's key figures per area above village level, summed in SQL from the rollups: a province's
tiles and its cities' table read a few rows per city, not a row per village and case.

queries.drill.village_figures gives the same figures per village (the map's villages, the rows below
village level); figures_by_area takes these when it groups by a level above the village and the
rollups are fresh. tests/test_rollups.py holds the two equal to the row queries.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import case, func, not_, or_, select

from db.rollup_schema import rollup_under_line, rollup_village
from queries.drill import FIGURE_COLUMNS, in_area, income_year
from queries.gateway import cached, read
from queries.scope import Scope
from queries.spell_source import case_month_spells, problem_month_spells
from queries.trend_period import area_key, pad_codes


def _weighted_if(condition, weight):
    return func.sum(case((condition, weight), else_=0))


@cached
def rolled_up_figures(db: str, scope: Scope, area_code: str, area_level: str, group_level: str,
                      asof: date) -> pd.DataFrame:
    """FIGURE_COLUMNS per area at group_level (index: its code) under an area, as of the date: the
    households from rollup_village, cases and open problems from the month spells (exact on the
    as-of day, queries.spell_source), those under the line from rollup_under_line."""
    area = (area_code, area_level, scope)
    village = rollup_village.c
    key = area_key(village.village_code, group_level)
    parts = [select(key, func.sum(village.households).label("households"), func.sum(village.exited).label("exited"))
             .where(in_area(village.village_code, *area)).group_by(key)]
    spells = case_month_spells(group_level, asof, ["people"], "case_type", area)
    key = area_key(spells.c.village_code, group_level)
    is_open = or_(spells.c.eliminated_on.is_(None), spells.c.eliminated_on > asof)
    parts.append(select(key, _weighted_if(is_open, spells.c.n).label("open_cases"),
                        _weighted_if(is_open, spells.c.people).label("open_people"),
                        _weighted_if(spells.c.identified_on >= date(asof.year, 1, 1), spells.c.n)
                        .label("new_cases_year"),
                        _weighted_if(not_(is_open), spells.c.n).label("eliminated"))
                 .where(spells.c.identified_on <= asof).group_by(key))
    problems = problem_month_spells(group_level, asof, [], area)
    key = area_key(problems.c.village_code, group_level)
    parts.append(select(key, func.sum(problems.c.n).label("open_problems"))
                 .where(problems.c.checked_on <= asof,
                        or_(problems.c.resolved_on.is_(None), problems.c.resolved_on > asof)).group_by(key))
    year, _line = income_year(db, asof)
    if year is not None:
        under = rollup_under_line.c
        key = area_key(under.village_code, group_level)
        parts.append(select(key, func.sum(under.households).label("under_line"))
                     .where(in_area(under.village_code, *area), under.year == year).group_by(key))
    per_area = pd.DataFrame(columns=["area_code"])
    for statement in parts:
        per_area = per_area.merge(pad_codes(read(db, statement)), on="area_code", how="outer")
    figures = per_area.set_index("area_code").reindex(columns=list(FIGURE_COLUMNS)).sort_index()
    return figures.fillna(0).astype("int64")


@cached
def village_households(db: str, scope: Scope, area_code: str, area_level: str) -> pd.Series:
    """Households on record per village under the area (the rate base where the area list gives none)."""
    village = rollup_village.c
    frame = read(db, select(village.village_code, village.households)
                 .where(in_area(village.village_code, area_code, area_level, scope)))
    return frame.set_index("village_code")["households"].astype("int64")
