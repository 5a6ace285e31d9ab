"""Measure coverage of open cases by labour capacity: how many have a targeted measure in force on
the as-of date, and how many have one of the kinds seed 004 pairs with their labour capacity
(rules/measures.py decides the same per household; tests/test_warning_queries.py holds them equal)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from db.day_figure_sql import MONITORING_STATUSES, coverage_statement, overlap_statements
from db.schema import household
from queries.day_figures import stored_figures, stored_table
from queries.drill import in_area
from queries.gateway import cached, read
from queries.scope import Scope
from rules.measures import LOW_INCOME_CATEGORIES

COVERAGE_COLUMNS = ("labor_capacity", "open_cases", "in_force", "paired", "in_force_share", "paired_share")
LABOR_ORDER = ("normal", "weak", "none")


@cached
def measure_coverage(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """Open cases under an area per labour capacity, with a measure in force and with a paired one
    (from the day-figure rollup above village level when it holds the day)."""
    stored = stored_figures(db, scope, area_code, area_level, asof, "coverage")
    if stored is not None:
        rows = stored_table(stored, "labor_capacity").reindex(columns=["labor_capacity", "open_cases", "in_force",
                                                                      "paired"])
    else:
        here = in_area(household.c.village_code, area_code, area_level, scope)
        rows = read(db, coverage_statement(here, area_level, asof))
    rows["labor_capacity"] = rows["labor_capacity"].fillna("")
    order = {code: index for index, code in enumerate(LABOR_ORDER)}
    rows = rows.sort_values("labor_capacity", key=lambda s: s.map(lambda v: order.get(v, len(order))))
    for column in ("open_cases", "in_force", "paired"):
        rows[column] = rows[column].fillna(0).astype("int64")
    total = rows["open_cases"].where(rows["open_cases"] > 0)
    rows["in_force_share"] = (100 * rows["in_force"] / total).round(1)
    rows["paired_share"] = (100 * rows["paired"] / total).round(1)
    return rows.reset_index(drop=True)[list(COVERAGE_COLUMNS)]


@cached
def low_income_overlap(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """Households with 低保 or 特困 in force on the as-of date, or 低保边缘 by 民政's signals, by
    category and monitoring status (open case, eliminated only, never monitored): the overlap of
    防止返贫监测对象 with 低收入人口 (db.day_figure_sql.overlap_statements; from the day-figure
    rollup above village level when it holds the day)."""
    stored = stored_figures(db, scope, area_code, area_level, asof, "overlap")
    if stored is not None:
        rows = stored_table(stored, "category")
    else:
        here = in_area(household.c.village_code, area_code, area_level, scope)
        rows = pd.concat([read(db, statement) for statement in overlap_statements(here, asof).values()],
                         ignore_index=True)
    table = rows.set_index("category").reindex(index=list(LOW_INCOME_CATEGORIES),
                                               columns=list(MONITORING_STATUSES)).fillna(0)
    table.index.name = "category"
    return table.astype("int64").reset_index()
