"""Household-level reads: one village's paginated list and one household. Masked on the server."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import case, false, func, or_, select

from db.schema import case_risk, household, monitoring_case
from queries.areas import scope_filter
from queries.gateway import cached, read
from queries.masking import mask_frame
from queries.scope import Scope, ScopeError

PAGE_SIZE = 50


def household_rows_allowed(scope: Scope):
    """No condition, or false() for roles that see aggregates only: their household reads come back empty."""
    return scope_filter(household.c.village_code, scope) if scope.household_detail else false()


def _open_case_as_of(village_code: str, asof: date):
    """Subquery: the case each of the village's households has open on the as-of date (at most one)."""
    case_ = monitoring_case.c
    return (
        select(case_.household_id, func.max(case_.case_type).label("open_case_type"))
        .select_from(monitoring_case.join(household, household.c.id == case_.household_id))
        .where(household.c.village_code == village_code, case_.identified_on <= asof,
               or_(case_.eliminated_on.is_(None), case_.eliminated_on > asof))
        .group_by(case_.household_id)
        .subquery("open_case")
    )


# Filters of a village's household list: everyone, households with a case open on the date, exited ones.
LIST_FILTERS = ("all", "monitored", "exited")


def _village_list(scope: Scope, village_code: str, asof: date, list_filter: str):
    """The FROM clause, conditions and open-case subquery shared by the list and its count."""
    if not scope.covers(village_code):
        raise ScopeError(village_code)
    if list_filter not in LIST_FILTERS:
        raise ValueError(f"unknown household list filter: {list_filter}")
    open_case = _open_case_as_of(village_code, asof)
    h = household.c
    conditions = [h.village_code == village_code, household_rows_allowed(scope)]
    if list_filter == "monitored":
        conditions.append(open_case.c.open_case_type.isnot(None))
    elif list_filter == "exited":
        conditions.append(h.poverty_status == "exited")
    joined = household.outerjoin(open_case, open_case.c.household_id == h.id)
    return joined, conditions, open_case


@cached
def village_list_counts(db: str, scope: Scope, village_code: str, asof: date) -> dict[str, int]:
    """How many of a village's households each list filter shows, in one query (for the buttons)."""
    joined, conditions, open_case = _village_list(scope, village_code, asof, "all")
    statement = select(
        func.count().label("all"),
        func.count(open_case.c.open_case_type).label("monitored"),
        func.sum(case((household.c.poverty_status == "exited", 1), else_=0)).label("exited"),
    ).select_from(joined).where(*conditions)
    row = read(db, statement).iloc[0]
    return {name: int(row[name] or 0) for name in LIST_FILTERS}


@cached
def village_households(db: str, scope: Scope, village_code: str, asof: date, page: int,
                       list_filter: str = "all", page_size: int = PAGE_SIZE) -> pd.DataFrame:
    """One page of a village's households, open cases first, personal columns masked by scope."""
    joined, conditions, open_case = _village_list(scope, village_code, asof, list_filter)
    h = household.c
    statement = (
        select(h.id, h.head_name, h.size, h.poverty_status, h.labor_capacity, h.relocated,
               open_case.c.open_case_type, h.helper_name)
        .select_from(joined).where(*conditions)
        .order_by(open_case.c.open_case_type.is_(None), h.id)
        .limit(page_size).offset(max(page - 1, 0) * page_size)
    )
    return mask_frame(read(db, statement), scope.personal_detail)


@cached
def household_record(db: str, scope: Scope, household_id: int) -> pd.DataFrame:
    """One household (zero rows when absent or outside the scope), personal columns masked."""
    h = household.c
    statement = select(household).where(h.id == household_id, household_rows_allowed(scope))
    return mask_frame(read(db, statement), scope.personal_detail)


@cached
def household_cases(db: str, scope: Scope, household_id: int, asof: date) -> pd.DataFrame:
    """A household's cases identified by the as-of date, with risk codes; later eliminations hidden."""
    case_ = monitoring_case.c
    known = case_.eliminated_on <= asof  # an elimination after the as-of date was not yet known
    statement = (
        select(case_.id, case_.case_type, case_.identified_on,
               case((known, case_.eliminated_on)).label("eliminated_on"),
               case((known, case_.elimination_kind)).label("elimination_kind"),
               case_risk.c.risk_code)
        .select_from(monitoring_case
                     .join(household, household.c.id == case_.household_id)
                     .outerjoin(case_risk, case_risk.c.case_id == case_.id))
        .where(case_.household_id == household_id, case_.identified_on <= asof,
               household_rows_allowed(scope))
        .order_by(case_.identified_on, case_risk.c.risk_code)
    )
    rows = read(db, statement)
    risks = rows.groupby("id", sort=False)["risk_code"].agg(lambda codes: [c for c in codes if isinstance(c, str)])
    cases = rows.drop(columns="risk_code").drop_duplicates("id").set_index("id")
    cases["risk_codes"] = risks
    return cases.reset_index()


@cached
def household_village(db: str, scope: Scope, household_id: int) -> str | None:
    """The village of a household inside the scope, or None when absent or outside it."""
    h = household.c
    frame = read(db, select(h.village_code).where(h.id == household_id, household_rows_allowed(scope)))
    return None if frame.empty else str(frame.iat[0, 0])
