"""Exited households' per-capita income per year: quantiles, mean, the line and the local average."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sqlalchemy import Integer, case, cast, func, select

from db.rollup_schema import rollup_income_bin, rollup_income_bin_area
from db.rollups import INCOME_GRAINS
from db.schema import NATIONAL_RURAL_SERIES, area_income, household, household_income, income_benchmark, monitoring_line
from queries.areas import scope_filter
from queries.drill import in_area
from queries.gateway import cached, read
from queries.rollups import CASE_SPELLS, use_rollup
from queries.scope import Scope, ScopeError, code_range

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
QUANTILE_COLUMNS = tuple(f"p{round(q * 100)}" for q in QUANTILES)


BIN_YUAN = 10  # histogram bin width: quantiles are exact to within this many yuan


def _exited_incomes(scope: Scope, area_code: str, area_level: str):
    """FROM clause and conditions: income rows of the area's exited households."""
    if not scope.covers(area_code, area_level):
        raise ScopeError(area_code)
    low, high = code_range(area_code, area_level)
    income = household_income.c
    joined = household_income.join(household, household.c.id == income.household_id)
    # A code range (not a prefix test) and no year condition: every engine then starts from the
    # area's exited households (covering index) and reads their few income rows by key, instead of
    # walking the whole (year, income) index (1M households, county: 3.7 s -> 1.2 s on SQLite).
    # Years outside the period are dropped after aggregation; there are at most a handful.
    return joined, [household.c.village_code.between(low, high), household.c.poverty_status == "exited"]


def _histogram(db: str, joined, conditions: list) -> pd.DataFrame:
    """Per year and income bin: households, people, income × people, households under the line.

    A histogram instead of sorting every row: one aggregate pass, no window over ~1M rows (which
    took 6-13 s at 1M households on SQLite), at most a few thousand bins per year come back.
    """
    income = household_income.c
    under = case((income.per_capita_net < monitoring_line.c.amount, 1), else_=0)
    bin_ = cast(func.floor(income.per_capita_net / BIN_YUAN), Integer).label("bin")
    statement = (
        select(income.year, bin_, func.count().label("households"), func.sum(household.c.size).label("people"),
               func.sum(income.per_capita_net * household.c.size).label("income"), func.sum(under).label("under_line"))
        .select_from(joined.outerjoin(monitoring_line, monitoring_line.c.year == income.year))
        .where(*conditions).group_by(income.year, bin_)
    )
    return read(db, statement)


def quantiles_from_bins(bins: pd.DataFrame) -> pd.DataFrame:
    """The 10/25/50/75/90 % quantiles per year (index: year) from bin counts.

    pandas' "linear" rule on n sorted values: quantile q sits at position h = (n-1)q. The value at
    a position is estimated by spreading the rows of its bin evenly over the bin's width, so the
    result is within BIN_YUAN of the exact quantile.
    """
    result = {}
    for year, group in bins.sort_values(["year", "bin"]).groupby("year"):
        counts = group["households"].to_numpy(dtype=float)
        ends = counts.cumsum()
        lows = group["bin"].to_numpy(dtype=float) * BIN_YUAN

        def value_at(position: int) -> float:
            index = int(np.searchsorted(ends, position, side="right"))
            within = position - (ends[index] - counts[index])
            return lows[index] + BIN_YUAN * (within + 0.5) / counts[index]

        n = int(ends[-1])
        row = {}
        for q, name in zip(QUANTILES, QUANTILE_COLUMNS):
            h = (n - 1) * q
            low, high = value_at(math.floor(h)), value_at(math.ceil(h))
            row[name] = low + (high - low) * (h - math.floor(h))
        result[int(year)] = row
    return pd.DataFrame.from_dict(result, orient="index", columns=list(QUANTILE_COLUMNS))


def _village_histogram(db: str, scope: Scope, area_code: str, area_level: str) -> pd.DataFrame:
    """The same bins summed from the village rollup (a township: its few villages' rows)."""
    binned = rollup_income_bin.c
    return read(db, select(binned.year, binned.bin, func.sum(binned.households).label("households"),
                           func.sum(binned.people).label("people"), func.sum(binned.income).label("income"),
                           func.sum(binned.under_line).label("under_line"))
                .where(in_area(binned.village_code, area_code, area_level, scope)).group_by(binned.year, binned.bin))


def _rollup_histogram(db: str, scope: Scope, area_code: str, area_level: str) -> pd.DataFrame:
    """The same bins, the area's own from the coarse rollup (rollup_income_bin_area: one row per year
    and bin, whatever its villages and households)."""
    if not scope.covers(area_code, area_level):
        raise ScopeError(area_code)
    binned = rollup_income_bin_area.c
    return read(db, select(binned.year, binned.bin, binned.households, binned.people, binned.income, binned.under_line)
                .where(binned.grain == area_level, binned.area_code == area_code))


@cached
def income_distribution(db: str, scope: Scope, area_code: str, area_level: str, first_year: int,
                        last_year: int) -> pd.DataFrame:
    """Per year: exited households with an income record, people, mean per person, households
    under the monitoring line, and the 10/25/50/75/90 % quantiles of per-capita net income
    (above village level from the village rollup's bins while it is fresh)."""
    if use_rollup(db, CASE_SPELLS, area_level) and area_level in INCOME_GRAINS:
        bins = _rollup_histogram(db, scope, area_code, area_level)
    elif use_rollup(db, CASE_SPELLS, area_level):
        bins = _village_histogram(db, scope, area_code, area_level)
    else:
        bins = _histogram(db, *_exited_incomes(scope, area_code, area_level))
    columns = ["year", "households", "people", "mean", "under_line", *QUANTILE_COLUMNS]
    if bins.empty:
        return pd.DataFrame(columns=columns)
    bins = bins.astype({"year": int, "bin": int, "households": int, "people": int, "income": float,
                        "under_line": int})
    bins = bins[bins["year"].between(first_year, last_year)]
    totals = bins.groupby("year")[["households", "people", "income", "under_line"]].sum()
    totals["mean"] = totals["income"] / totals["people"]  # per person: total income over total members
    frame = totals.join(quantiles_from_bins(bins)).reset_index()
    return frame[columns].sort_values("year").reset_index(drop=True)


@cached
def national_income(db: str, first_year: int, last_year: int) -> pd.DataFrame:
    """Per year: the national rural per-capita disposable income and its source (the second half of
    两高于 compares the area's rural income growth with it)."""
    b = income_benchmark.c
    frame = read(db, select(b.year, b.amount.label("national"), b.source.label("national_source"))
                 .where(b.series == NATIONAL_RURAL_SERIES, b.year.between(first_year - 1, last_year)))
    return frame.astype({"year": int})


@cached
def income_benchmarks(db: str, scope: Scope, chain: tuple[str, ...], first_year: int, last_year: int) -> pd.DataFrame:
    """Per year: the monitoring line, the national rural income (with its source) and the local rural
    per-capita income of the deepest area in chain (the area and its ancestors, top first) that
    publishes one, with that area's code."""
    lines = read(db, select(monitoring_line.c.year, monitoring_line.c.amount.label("line"))
                 .where(monitoring_line.c.year.between(first_year, last_year)))
    local = read(db, select(area_income.c.area_code, area_income.c.year, area_income.c.rural_per_capita)
                 .where(area_income.c.area_code.in_(chain), scope_filter(area_income.c.area_code, scope),
                        area_income.c.year.between(first_year, last_year)))
    frame = pd.DataFrame({"year": range(first_year, last_year + 1)})
    frame = frame.merge(lines.astype({"year": int}), on="year", how="left")
    frame = frame.merge(national_income(db, first_year, last_year), on="year", how="left")
    if local.empty:
        return frame.assign(rural_per_capita=float("nan"), rural_area_code=None)
    # Villages publish no average: the township's (or the county's) stands for them.
    deepest = max(local["area_code"], key=chain.index)
    own = local[local["area_code"] == deepest].astype({"year": int})[["year", "rural_per_capita"]]
    return frame.merge(own, on="year", how="left").assign(rural_area_code=deepest)
