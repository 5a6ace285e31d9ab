"""Figures that hold on one day (db.day_figure_sql), summed over an area from the day-figure rollup."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select

from db.rollup_schema import rollup_day_figure
from db.rollups import CASE_SPELLS
from queries.drill import in_area
from queries.gateway import cached, read
from queries.rollups import held_days, use_rollup
from queries.scope import Scope


@cached
def stored_figures(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                   family: str) -> pd.DataFrame | None:
    """key, column and value of a family's figures summed over the area's villages, from the rollup
    while it is fresh and holds the day; None when the rows must be read (a village, another day)."""
    if not use_rollup(db, CASE_SPELLS, area_level) or asof not in held_days(db):
        return None
    f = rollup_day_figure.c
    frame = read(db, select(f.figure, func.sum(f.value).label("value"))
                 .where(f.day == asof, f.family == family, in_area(f.village_code, area_code, area_level, scope))
                 .group_by(f.figure))
    named = [str(figure).rpartition(".") for figure in frame["figure"]]
    return pd.DataFrame({"key": [key for key, _dot, _column in named],
                         "column": [column for _key, _dot, column in named],
                         "value": frame["value"].astype(float)})


def stored_table(stored: pd.DataFrame, key: str) -> pd.DataFrame:
    """The stored figures as the row query's frame: one row per key (named `key`), one column each."""
    if stored.empty:
        return pd.DataFrame(columns=[key])
    table = stored.pivot_table(index="key", columns="column", values="value", aggfunc="sum")
    table.columns.name = None
    return table.rename_axis(key).reset_index()
