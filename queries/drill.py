"""Key figures per area for the drill-down, aggregated in SQL per village and rolled up."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, case, exists, false, func, not_, or_, select

from db.rollup_schema import rollup_case_spell, rollup_problem_spell, rollup_under_line, rollup_village
from db.rollups import CASE_SPELLS
from db.schema import guarantee_check, household, household_income, monitoring_case, monitoring_line
from db.warning_sql import BROAD_LEVELS, date_filter, income_year_statement  # noqa: F401  (BROAD_LEVELS: for queries)
from queries.gateway import cached, read
from queries.rollups import use_rollup
from queries.scope import PREFIX_LENGTH, Scope, ScopeError, child_key, code_range

# open_people: officials give 人 as well as 户 (风险未消除监测对象 N 户 M 人).
FIGURE_COLUMNS = ("households", "exited", "open_cases", "open_people", "new_cases_year", "eliminated",
                  "open_problems", "under_line")


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
               func.sum(case((is_open, household.c.size), else_=0)).label("open_people"),
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
    """The income year the checks read on the as-of date, and its monitoring line: the latest year
    up to the as-of year that has both income rows and a line. Income is collected once a year near
    its end, so from January to autumn the calendar year has none yet (issue 20, rule 5); pages
    name the year they use."""
    statement = income_year_statement(asof)
    frame = read(db, statement)
    if frame.empty:
        return None, None
    return int(frame.at[0, "year"]), float(frame.at[0, "amount"])


@cached
def income_recorded(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> bool:
    """True when some household under the area has income for the date's income year: without any, the
    under-the-line count is unknown, not zero."""
    year, _ = income_year(db, asof)
    if year is None:
        return False
    where = in_area(household.c.village_code, area_code, area_level, scope)
    statement = select(exists().where(household_income.c.year == year,
                                      household_income.c.household_id == household.c.id, where).label("found"))
    return bool(read(db, statement).iloc[0]["found"])


def _weighted_if(condition, weight):
    return func.sum(case((condition, weight), else_=0))


def _rollup_counts(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> list[pd.DataFrame]:
    """The household, case and open-problem counts per village from the village rollups: the same
    figures as the row queries, from one row per village and dates instead of every case."""
    village, spell, problem = rollup_village.c, rollup_case_spell.c, rollup_problem_spell.c
    households = read(db, select(village.village_code, village.households, village.exited)
                      .where(in_area(village.village_code, area_code, area_level, scope)))
    is_open = or_(spell.eliminated_on.is_(None), spell.eliminated_on > asof)
    cases = read(db, select(spell.village_code,
                            _weighted_if(is_open, spell.n).label("open_cases"),
                            _weighted_if(is_open, spell.people).label("open_people"),
                            _weighted_if(spell.identified_on >= date(asof.year, 1, 1), spell.n).label("new_cases_year"),
                            _weighted_if(not_(is_open), spell.n).label("eliminated"))
                 .where(in_area(spell.village_code, area_code, area_level, scope), spell.split == "case_type",
                        spell.identified_on <= asof)
                 .group_by(spell.village_code))
    problems = read(db, select(problem.village_code, func.sum(problem.n).label("open_problems"))
                    .where(in_area(problem.village_code, area_code, area_level, scope), problem.checked_on <= asof,
                           or_(problem.resolved_on.is_(None), problem.resolved_on > asof))
                    .group_by(problem.village_code))
    return [households, cases, problems]


@cached
def village_figures(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """Key figures of every village under an area as of a date (index: village code, sorted).

    Above village level, while the village rollups are fresh, every figure comes from them."""
    where = in_area(household.c.village_code, area_code, area_level, scope)
    year, line = income_year(db, asof)
    from_rollup = use_rollup(db, CASE_SPELLS, area_level)
    if from_rollup:
        parts = _rollup_counts(db, scope, area_code, area_level, asof)
    else:
        parts = [_household_counts(db, where), _case_counts(db, where, asof), _open_problem_counts(db, where, asof)]
    if year is not None and from_rollup:
        under = rollup_under_line.c
        parts.append(read(db, select(under.village_code, under.households.label("under_line"))
                          .where(in_area(under.village_code, area_code, area_level, scope), under.year == year)))
    elif year is not None:
        parts.append(_under_line_counts(db, where, year, line))
    per_village = pd.DataFrame(columns=["village_code"])
    for part in parts:
        per_village = per_village.merge(part, on="village_code", how="outer")
    figures = per_village.set_index("village_code").reindex(columns=list(FIGURE_COLUMNS)).sort_index()
    return figures.fillna(0).astype("int64")


def figures_by_area(db: str, scope: Scope, area_code: str, area_level: str, group_level: str,
                    asof: date) -> pd.DataFrame:
    """Key figures under an area as of a date, one row per area at group_level (index: its code):
    above village level, while the rollups are fresh, summed per area in SQL (queries.area_figures);
    else rolled up from the village figures."""
    from queries.area_figures import rolled_up_figures, village_households  # they build on this module
    from queries.rate_base import listed_households, per_100, rate_bases

    if group_level != "village" and use_rollup(db, CASE_SPELLS, area_level):
        figures = rolled_up_figures(db, scope, area_code, area_level, group_level, asof)
        records = village_households(db, scope, area_code, area_level)
    else:
        per_village = village_figures(db, scope, area_code, area_level, asof)
        keys = [child_key(code, group_level) for code in per_village.index]
        figures = per_village.groupby(keys).sum().reindex(columns=list(FIGURE_COLUMNS)).fillna(0).astype("int64")
        records = per_village["households"]
    figures.index.name = "area_code"
    listed = listed_households(db, scope, area_code, area_level)
    bases = rate_bases(records, listed, group_level)
    figures["open_rate"] = per_100(figures["open_cases"], bases)
    return figures
