"""Eliminations that may have broken a procedural rule, narrowed in SQL, decided by rules/."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, extract, func, or_, select

from db.schema import household, monitoring_case
from queries.drill import date_filter, in_area
from queries.gateway import cached, read
from queries.masking import mask_frame
from queries.scope import Scope
from rules.compliance import compliance_findings
from rules.elimination import PROCEDURAL_RULES, STABILITY_MONTHS  # noqa: F401  (PROCEDURAL_RULES: for the pages)


IDENTITIES = ("case_id", "household_id", "head_name")  # what names a household; aggregates-only viewers lose them


def _counted_only(frame: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    # Aggregates only: the rows are counted (by rule, by village), never named or linked.
    return frame if scope.household_detail else frame.drop(columns=list(IDENTITIES))


@cached
def _candidates(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    case_, h = monitoring_case.c, household.c
    eliminated, identified = case_.eliminated_on, case_.identified_on
    month_gap = ((extract("year", eliminated) * 12 + extract("month", eliminated))
                 - (extract("year", identified) * 12 + extract("month", identified)))
    short = or_(month_gap < STABILITY_MONTHS,
                and_(month_gap == STABILITY_MONTHS, extract("day", eliminated) < extract("day", identified)))
    statement = (
        select(case_.id.label("case_id"), case_.household_id, h.village_code, h.head_name, h.labor_capacity,
               case_.case_type, identified.label("identified_on"), eliminated.label("eliminated_on"),
               case_.elimination_kind)
        .select_from(monitoring_case.join(household, h.id == case_.household_id))
        .where(in_area(h.village_code, area_code, area_level, scope), eliminated.isnot(None),
               date_filter(eliminated, area_level) <= asof,
               or_(month_gap == 0, h.labor_capacity == "none",
                   and_(func.coalesce(case_.elimination_kind, "") != "natural", short)))
        .order_by(eliminated.desc(), case_.id)
    )
    return mask_frame(read(db, statement), scope.personal_detail)


def elimination_candidates(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """Eliminations up to the as-of date that may break a rule: same month, under six months
    (not natural), or a household without labour. A superset; rules.compliance decides exactly
    (the clamped month end, e.g. Aug 31 -> Feb 28, is settled there)."""
    return _counted_only(_candidates(db, scope, area_code, area_level, asof), scope)


def area_findings(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """The area's eliminations that broke a procedural rule (SQL narrows, rules.compliance decides);
    without the household columns for viewers who see aggregates only."""
    return _counted_only(compliance_findings(_candidates(db, scope, area_code, area_level, asof)), scope)
