"""One household's records for its profile and the rules: income, checks, measures, visits, signals.

Every read joins the household so the viewer's scope applies, and shows the records as they stood
on the as-of date (a resolution or an end after that date is not yet known).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import case, select

from db.schema import assistance, guarantee_check, household, household_income, monitoring_line, visit
from queries.drill import income_year
from queries.gateway import cached, read
from queries.households import household_cases, household_record, household_rows_allowed
from queries.scope import Scope
from queries.signals import household_signals
from rules.assessment import Assessment, assess_household
from rules.measures import low_income_categories


def _own(scope: Scope, household_id: int):
    # The same rule as the lists: in scope, and only for viewers who may see household rows at all.
    return (household.c.id == household_id, household_rows_allowed(scope))


@cached
def household_incomes(db: str, scope: Scope, household_id: int, asof: date) -> pd.DataFrame:
    """Income by year up to the as-of year, with that year's monitoring line."""
    income = household_income.c
    statement = (select(income.year, income.per_capita_net, income.wage, income.business, income.property,
                        income.transfer, income.rigid_expenditure, monitoring_line.c.amount.label("line"))
                 .select_from(household_income.join(household, household.c.id == income.household_id)
                              .outerjoin(monitoring_line, monitoring_line.c.year == income.year))
                 .where(*_own(scope, household_id), income.year <= asof.year)
                 .order_by(income.year))
    return read(db, statement)


@cached
def household_checks(db: str, scope: Scope, household_id: int, asof: date) -> pd.DataFrame:
    """The 两不愁三保障 + water checks made by the as-of date, newest first."""
    check = guarantee_check.c
    statement = (select(check.item, check.ok, check.checked_on, check.issue,
                        case((check.resolved_on <= asof, check.resolved_on)).label("resolved_on"))
                 .select_from(guarantee_check.join(household, household.c.id == check.household_id))
                 .where(*_own(scope, household_id), check.checked_on <= asof)
                 .order_by(check.checked_on.desc(), check.item))
    return read(db, statement)


@cached
def household_measures(db: str, scope: Scope, household_id: int, asof: date) -> pd.DataFrame:
    """Assistance measures started by the as-of date, newest first (a later end is not yet known)."""
    measure = assistance.c
    statement = (select(measure.kind, measure.started_on,
                        case((measure.ended_on <= asof, measure.ended_on)).label("ended_on"), measure.amount)
                 .select_from(assistance.join(household, household.c.id == measure.household_id))
                 .where(*_own(scope, household_id), measure.started_on <= asof)
                 .order_by(measure.started_on.desc(), measure.kind))
    return read(db, statement)


@cached
def household_visits(db: str, scope: Scope, household_id: int, asof: date) -> pd.DataFrame:
    """Helpers' visits up to the as-of date, newest first."""
    statement = (select(visit.c.visited_on, visit.c.visitor, visit.c.note)
                 .select_from(visit.join(household, household.c.id == visit.c.household_id))
                 .where(*_own(scope, household_id), visit.c.visited_on <= asof)
                 .order_by(visit.c.visited_on.desc()))
    return read(db, statement)


@dataclass(frozen=True)
class HouseholdProfile:
    """One household's records as of a date, and what the seed-003 rules say about them."""

    record: pd.Series
    cases: pd.DataFrame
    incomes: pd.DataFrame
    checks: pd.DataFrame
    measures: pd.DataFrame
    visits: pd.DataFrame
    signals: pd.DataFrame
    assessment: Assessment
    low_income: tuple[str, ...]  # 低收入人口 categories on the date (rules.measures.low_income_categories)


def household_profile(db: str, scope: Scope, household_id: int, asof: date) -> HouseholdProfile | None:
    """The household's profile; None when it does not exist or lies outside the scope."""
    record = household_record(db, scope, household_id)
    if record.empty:
        return None
    args = (db, scope, household_id, asof)
    cases, incomes, checks = household_cases(*args), household_incomes(*args), household_checks(*args)
    measures, visits = household_measures(*args), household_visits(*args)
    signals = household_signals(*args)
    year, _line = income_year(db, asof)
    row = record.iloc[0]
    assessment = assess_household(row, cases, incomes, checks, measures, visits, asof, year)
    edge = ([] if signals.empty else
            signals.loc[(signals["department"] == "civil") & (signals["kind"] == "dibao_edge"), "occurred_on"])
    held = ((m.kind, m.started_on, m.ended_on) for m in assessment.facts.measures)
    return HouseholdProfile(row, cases, incomes, checks, measures, visits, signals, assessment,
                            low_income_categories(held, list(edge), asof))
