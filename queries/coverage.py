"""Measure coverage of open cases by labour capacity: how many have a targeted measure in force on
the as-of date, and how many have one of the kinds seed 004 pairs with their labour capacity
(rules/measures.py decides the same per household; tests/test_warning_queries.py holds them equal)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import and_, case, exists, func, or_, select

from db.schema import assistance, household, monitoring_case, signal
from queries.drill import date_filter, in_area
from queries.gateway import cached, read
from queries.scope import Scope
from rules.measures import DIBAO_EDGE_DAYS, LABOR_MEASURES, LOW_INCOME_CATEGORIES, NO_LABOR_MEASURES, SAFETY_NET

COVERAGE_COLUMNS = ("labor_capacity", "open_cases", "in_force", "paired", "in_force_share", "paired_share")
LABOR_ORDER = ("normal", "weak", "none")


def _sum_if(condition):
    return func.sum(case((condition, 1), else_=0))


@cached
def measure_coverage(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """Open cases under an area per labour capacity, with a measure in force and with a paired one."""
    c, h, m = monitoring_case.c, household.c, assistance.c
    in_force = and_(m.household_id == c.household_id, m.started_on >= c.identified_on, m.started_on <= asof,
                    or_(m.ended_on.is_(None), m.ended_on >= asof))
    paired_kind = or_(and_(h.labor_capacity == "none", m.kind.in_(NO_LABOR_MEASURES)),
                      and_(func.coalesce(h.labor_capacity, "") != "none", m.kind.in_(LABOR_MEASURES)))
    statement = (
        select(h.labor_capacity, func.count().label("open_cases"),
               _sum_if(exists().where(in_force)).label("in_force"),
               _sum_if(exists().where(in_force, paired_kind)).label("paired"))
        .select_from(monitoring_case.join(household, h.id == c.household_id))
        .where(in_area(h.village_code, area_code, area_level, scope),
               date_filter(c.identified_on, area_level) <= asof,
               or_(c.eliminated_on.is_(None), date_filter(c.eliminated_on, area_level) > asof))
        .group_by(h.labor_capacity)  # the raw column: PostgreSQL refuses a bound default here
    )
    rows = read(db, statement)
    rows["labor_capacity"] = rows["labor_capacity"].fillna("")
    order = {code: index for index, code in enumerate(LABOR_ORDER)}
    rows = rows.sort_values("labor_capacity", key=lambda s: s.map(lambda v: order.get(v, len(order))))
    for column in ("open_cases", "in_force", "paired"):
        rows[column] = rows[column].fillna(0).astype("int64")
    total = rows["open_cases"].where(rows["open_cases"] > 0)
    rows["in_force_share"] = (100 * rows["in_force"] / total).round(1)
    rows["paired_share"] = (100 * rows["paired"] / total).round(1)
    return rows.reset_index(drop=True)[list(COVERAGE_COLUMNS)]


# 农村低收入人口 categories the data can show (issue 20, seed 000 (六): 建立健全农村低保对象、农村特困
#人员……等农村低收入人口监测平台): 低保 and 特困 in force (measures, and the ledger's 享受低保政策情况 /
# 享受特困供养政策情况 columns, which the importer writes as measures), 低保边缘 from 民政's department
# signals of the last year (DIBAO_EDGE_DAYS: a recognition is reviewed once a year).
LOW_INCOME_KINDS = SAFETY_NET
SIGNAL_KINDS = tuple(category for category in LOW_INCOME_CATEGORIES if category not in SAFETY_NET)
MONITORING_STATUSES = ("open", "eliminated", "none")


@cached
def low_income_overlap(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """Households with 低保 or 特困 in force on the as-of date, by category and monitoring status
    (open case, eliminated only, never monitored): the overlap of 防止返贫监测对象 with 低收入人口."""
    h, m, c, sig = household.c, assistance.c, monitoring_case.c, signal.c
    known = and_(c.household_id == h.id, c.identified_on <= asof)
    is_open = exists().where(known, or_(c.eliminated_on.is_(None), c.eliminated_on > asof))
    ever = exists().where(known)
    # Distinct households per status (a household may hold two rows of one kind); no grouping by an
    # expression with bound values, which PostgreSQL refuses.
    statuses = {"open": is_open, "eliminated": and_(~is_open, ever), "none": ~ever}
    counted = [func.count(func.distinct(case((condition, h.id)))).label(name) for name, condition in statuses.items()]
    here = in_area(h.village_code, area_code, area_level, scope)
    measures = (
        select(m.kind.label("category"), *counted)
        .select_from(assistance.join(household, h.id == m.household_id))
        .where(here, m.kind.in_(LOW_INCOME_KINDS), m.started_on <= asof, or_(m.ended_on.is_(None), m.ended_on >= asof))
        .group_by(m.kind)
    )
    signals = (
        select(sig.kind.label("category"), *counted)
        .select_from(signal.join(household, h.id == sig.household_id))
        .where(here, sig.department == "civil", sig.kind.in_(SIGNAL_KINDS), sig.received_on <= asof,
               sig.occurred_on <= asof, sig.occurred_on > asof - timedelta(days=DIBAO_EDGE_DAYS))
        .group_by(sig.kind)
    )
    rows = pd.concat([read(db, measures), read(db, signals)], ignore_index=True)
    table = rows.set_index("category").reindex(index=list(LOW_INCOME_CATEGORIES),
                                               columns=list(MONITORING_STATUSES)).fillna(0)
    table.index.name = "category"
    return table.astype("int64").reset_index()
