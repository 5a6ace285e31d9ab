"""Key figures per area for the drill-down, aggregated in SQL per village and rolled up."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, case, false, func, not_, or_, select

from db.schema import guarantee_check, household, household_income, monitoring_case, monitoring_line
from queries.gateway import cached, read
from queries.scope import PREFIX_LENGTH, Scope, ScopeError, child_key, code_range

FIGURE_COLUMNS = ("households", "exited", "open_cases", "new_cases_year", "eliminated",
                  "open_problems", "under_line")


# Areas at these levels hold most rows of a table: there the query should start from the smaller
# fact rows (cases, open problems), not from every household of the area.
BROAD_LEVELS = frozenset({"province", "city", "county"})


def in_area(column, code: str, level: str, scope: Scope):
    """Rows under the area; refused when the area lies outside the viewer's scope."""
    if not scope.covers(code, level):
        raise ScopeError(code)
    # The area lies at or under a scope root, so every row under the area is inside the scope too.
    if level in BROAD_LEVELS:
        # A prefix test no index can serve: every engine then drives from the fact table and looks
        # households up by key (1M households, county view: cases 311 -> 116 ms).
        keep = PREFIX_LENGTH[level]
        return func.substr(column, 1, keep) == code[:keep]
    low, high = code_range(code, level)
    return and_(column >= low, column <= high)


def date_filter(column, level: str):
    """A fact table's date column as a filter under an area should name it: plain at broad levels,
    where its index is the way in; below them coalesce(column, column), which no index serves, so
    every engine starts from the area's households (1M households, one village: 140 -> 5 ms)."""
    return column if level in BROAD_LEVELS else func.coalesce(column, column)


def _sum_if(condition):
    return func.sum(case((condition, 1), else_=0))


def _household_counts(db: str, where) -> pd.DataFrame:
    statement = (
        select(household.c.village_code, func.count().label("households"),
               _sum_if(household.c.poverty_status == "exited").label("exited"))
        .where(where).group_by(household.c.village_code)
    )
    return read(db, statement)


def _case_counts(db: str, where, asof: date) -> pd.DataFrame:
    case_ = monitoring_case.c
    is_open = or_(case_.eliminated_on.is_(None), case_.eliminated_on > asof)
    statement = (
        select(household.c.village_code,
               _sum_if(is_open).label("open_cases"),
               _sum_if(case_.identified_on >= date(asof.year, 1, 1)).label("new_cases_year"),
               _sum_if(not_(is_open)).label("eliminated"))
        .select_from(monitoring_case.join(household, household.c.id == case_.household_id))
        .where(where, case_.identified_on <= asof)
        .group_by(household.c.village_code)
    )
    return read(db, statement)


def _count_by_village(db: str, label: str, joined, *conditions) -> pd.DataFrame:
    """Rows of a join (always including household) counted per village."""
    statement = (select(household.c.village_code, func.count().label(label))
                 .select_from(joined).where(*conditions).group_by(household.c.village_code))
    return read(db, statement)


def _open_problem_counts(db: str, where, asof: date) -> pd.DataFrame:
    check = guarantee_check.c
    joined = guarantee_check.join(household, household.c.id == check.household_id)
    return _count_by_village(db, "open_problems", joined, where, check.ok == false(), check.checked_on <= asof,
                             or_(check.resolved_on.is_(None), check.resolved_on > asof))


def _under_line_counts(db: str, where, year: int, line: float) -> pd.DataFrame:
    # The line is bound as a value, so the (year, per_capita_net) index reads only the rows under it.
    income = household_income.c
    joined = household_income.join(household, household.c.id == income.household_id)
    return _count_by_village(db, "under_line", joined, where, income.year == year, income.per_capita_net < line)


@cached
def income_year(db: str, asof: date) -> tuple[int | None, float | None]:
    """The latest year up to the as-of date that has a monitoring line, and that line."""
    statement = (select(monitoring_line.c.year, monitoring_line.c.amount)
                 .where(monitoring_line.c.year <= asof.year)
                 .order_by(monitoring_line.c.year.desc()).limit(1))
    frame = read(db, statement)
    if frame.empty:
        return None, None
    return int(frame.at[0, "year"]), float(frame.at[0, "amount"])


@cached
def village_figures(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """Key figures of every village under an area as of a date (index: village code)."""
    where = in_area(household.c.village_code, area_code, area_level, scope)
    year, line = income_year(db, asof)
    parts = [_household_counts(db, where), _case_counts(db, where, asof),
             _open_problem_counts(db, where, asof)]
    if year is not None:
        parts.append(_under_line_counts(db, where, year, line))
    per_village = pd.DataFrame(columns=["village_code"])
    for part in parts:
        per_village = per_village.merge(part, on="village_code", how="outer")
    figures = per_village.set_index("village_code").reindex(columns=list(FIGURE_COLUMNS))
    return figures.fillna(0).astype("int64")


def figures_by_area(db: str, scope: Scope, area_code: str, area_level: str, group_level: str,
                    asof: date) -> pd.DataFrame:
    """Key figures under an area as of a date, one row per area at group_level (index: its code)."""
    per_village = village_figures(db, scope, area_code, area_level, asof)
    # Rolling up the cached village rows serves the tiles and the children table from one query set.
    keys = [child_key(code, group_level) for code in per_village.index]
    figures = per_village.groupby(keys).sum().reindex(columns=list(FIGURE_COLUMNS)).fillna(0).astype("int64")
    figures.index.name = "area_code"
    figures["open_rate"] = (100 * figures["open_cases"] / figures["households"].where(figures["households"] > 0)).round(2)
    return figures
