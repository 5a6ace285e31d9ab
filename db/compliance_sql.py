"""The SQL that narrows eliminations to those that may break a procedural rule (rules/elimination.py).

A superset: rules.compliance decides exactly (the clamped month end, e.g. Aug 31 -> Feb 28, is
settled there). queries/compliance.py reads it for an area; db/rollups.py for the findings rollup.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, extract, func, or_, select

from db.schema import household, monitoring_case
from db.warning_sql import date_filter
from rules.elimination import STABILITY_MONTHS


def candidates_statement(where, level: str, asof: date | None):
    """Eliminations (up to the as-of day, when given) that are in the same month as the
    identification, under six months (not natural), or of a household without labour; newest first."""
    case_, h = monitoring_case.c, household.c
    eliminated, identified = case_.eliminated_on, case_.identified_on
    month_gap = ((extract("year", eliminated) * 12 + extract("month", eliminated))
                 - (extract("year", identified) * 12 + extract("month", identified)))
    short = or_(month_gap < STABILITY_MONTHS,
                and_(month_gap == STABILITY_MONTHS, extract("day", eliminated) < extract("day", identified)))
    until = [] if asof is None else [date_filter(eliminated, level) <= asof]
    return (
        select(case_.id.label("case_id"), case_.household_id, h.village_code, h.head_name, h.labor_capacity,
               case_.case_type, identified.label("identified_on"), eliminated.label("eliminated_on"),
               case_.elimination_kind)
        .select_from(monitoring_case.join(household, h.id == case_.household_id))
        .where(where, eliminated.isnot(None), *until,
               or_(month_gap == 0, h.labor_capacity == "none",
                   and_(func.coalesce(case_.elimination_kind, "") != "natural", short)))
        .order_by(eliminated.desc(), case_.id)
    )
