"""One household's records for its profile and the rules: income, checks, measures, visits.

Every read joins the household so the viewer's scope applies, and shows the records as they stood
on the as-of date (a resolution or an end after that date is not yet known).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import case, select

from db.schema import assistance, guarantee_check, household, household_income, monitoring_line, visit
from queries.areas import scope_filter
from queries.gateway import cached, read
from queries.scope import Scope


def _own(scope: Scope, household_id: int):
    return (household.c.id == household_id, scope_filter(household.c.village_code, scope))


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
