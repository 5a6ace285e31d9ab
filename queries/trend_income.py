"""Exited households' per-capita income per year: quantiles, mean, the line and the local average."""

from __future__ import annotations

import math

import pandas as pd
from sqlalchemy import and_, case, func, or_, select

from db.schema import area_income, household, household_income, monitoring_line
from queries.areas import scope_filter
from queries.drill import _in_area as in_area  # the one area filter with the scope check (shared on purpose)
from queries.gateway import cached, read
from queries.scope import Scope

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
QUANTILE_COLUMNS = tuple(f"p{round(q * 100)}" for q in QUANTILES)


def _exited_incomes(scope: Scope, area_code: str, area_level: str, first_year: int, last_year: int):
    """FROM clause and conditions: income rows of the area's exited households in the years."""
    income = household_income.c
    joined = household_income.join(household, household.c.id == income.household_id)
    conditions = [in_area(household.c.village_code, area_code, area_level, scope),
                  household.c.poverty_status == "exited", income.year.between(first_year, last_year)]
    return joined, conditions


def _yearly_totals(db: str, joined, conditions: list) -> pd.DataFrame:
    income = household_income.c
    under = case((income.per_capita_net < monitoring_line.c.amount, 1), else_=0)
    statement = (
        select(income.year, func.count().label("households"), func.sum(household.c.size).label("people"),
               # per person, as statistics define 人均: total income over total members
               (func.sum(income.per_capita_net * household.c.size) / func.sum(household.c.size)).label("mean"),
               func.sum(under).label("under_line"))
        .select_from(joined.outerjoin(monitoring_line, monitoring_line.c.year == income.year))
        .where(*conditions).group_by(income.year)
    )
    return read(db, statement)


def _quantile_rows(db: str, joined, conditions: list) -> pd.DataFrame:
    """Only the rows on both sides of each quantile's position, ranked per year by the database.

    Exact (pandas' "linear" rule): quantile q of n sorted values sits at h = (n-1)q; the rows at
    positions floor(h) and ceil(h) are exactly those with |position - h| < 1. Window functions
    exist on every supported engine, so the sort stays in the database and at most ten rows per
    year come back.
    """
    income = household_income.c
    ranked = (
        select(income.year.label("year"), income.per_capita_net.label("value"),
               func.row_number().over(partition_by=income.year, order_by=(income.per_capita_net, income.household_id))
               .label("position"),
               func.count().over(partition_by=income.year).label("n"))
        .select_from(joined).where(*conditions).subquery("ranked")
    )
    h = [(ranked.c.n - 1) * q for q in QUANTILES]
    near = or_(*(and_(ranked.c.position - 1 > x - 1, ranked.c.position - 1 < x + 1) for x in h))
    return read(db, select(ranked.c.year, ranked.c.value, ranked.c.position, ranked.c.n).where(near))


def interpolate_quantiles(rows: pd.DataFrame) -> pd.DataFrame:
    """Quantiles per year from the rows around each position (index: year)."""
    result = {}
    for year, group in rows.groupby("year"):
        values = dict(zip(group["position"].astype(int) - 1, group["value"].astype(float)))
        n = int(group["n"].iloc[0])
        row = {}
        for q, name in zip(QUANTILES, QUANTILE_COLUMNS):
            h = (n - 1) * q
            low, high = values[math.floor(h)], values[math.ceil(h)]
            row[name] = low + (high - low) * (h - math.floor(h))
        result[int(year)] = row
    return pd.DataFrame.from_dict(result, orient="index", columns=list(QUANTILE_COLUMNS))


@cached
def income_distribution(db: str, scope: Scope, area_code: str, area_level: str, first_year: int,
                        last_year: int) -> pd.DataFrame:
    """Per year: exited households with an income record, people, mean per person, households
    under the monitoring line, and the 10/25/50/75/90 % quantiles of per-capita net income."""
    joined, conditions = _exited_incomes(scope, area_code, area_level, first_year, last_year)
    totals = _yearly_totals(db, joined, conditions)
    if totals.empty:
        return pd.DataFrame(columns=["year", "households", "people", "mean", "under_line", *QUANTILE_COLUMNS])
    totals = totals.astype({"year": int, "households": int, "people": int, "mean": float, "under_line": int})
    quantiles = interpolate_quantiles(_quantile_rows(db, joined, conditions))
    return totals.join(quantiles, on="year").sort_values("year").reset_index(drop=True)


@cached
def income_benchmarks(db: str, scope: Scope, chain: tuple[str, ...], first_year: int, last_year: int) -> pd.DataFrame:
    """Per year: the monitoring line and the local rural per-capita income of the deepest area in
    chain (the area and its ancestors, top first) that publishes one, with that area's code."""
    lines = read(db, select(monitoring_line.c.year, monitoring_line.c.amount.label("line"))
                 .where(monitoring_line.c.year.between(first_year, last_year)))
    local = read(db, select(area_income.c.area_code, area_income.c.year, area_income.c.rural_per_capita)
                 .where(area_income.c.area_code.in_(chain), scope_filter(area_income.c.area_code, scope),
                        area_income.c.year.between(first_year, last_year)))
    frame = pd.DataFrame({"year": range(first_year, last_year + 1)})
    frame = frame.merge(lines.astype({"year": int}), on="year", how="left")
    if local.empty:
        return frame.assign(rural_per_capita=float("nan"), rural_area_code=None)
    # Villages publish no average: the township's (or the county's) stands for them.
    deepest = max(local["area_code"], key=chain.index)
    own = local[local["area_code"] == deepest].astype({"year": int})[["year", "rural_per_capita"]]
    return frame.merge(own, on="year", how="left").assign(rural_area_code=deepest)
