"""The SQL of the figures that hold on one day: the seeds' indicators (queries.seed_indicators), the
measure coverage of open cases and the low-income overlap (queries.coverage).

Each builder takes the households' filter (`here`), the day and extra grouping columns (`by`): a
page groups by nothing (one area), db.rollups by village, for the day-figure rollup that pages above
village level read (every figure is a count or a sum, so villages add up to their area).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, case, exists, func, or_, select

from db.schema import assistance, household, household_income, household_member, monitoring_case, signal
from db.warning_sql import date_filter
from rules.measures import DIBAO_EDGE_DAYS, LABOR_MEASURES, LOW_INCOME_CATEGORIES, NO_LABOR_MEASURES, SAFETY_NET

h, m, c = household.c, assistance.c, monitoring_case.c
EMPLOYMENT_KINDS = ("employment", "public_welfare_post")


def _sum_if(condition):
    return func.sum(case((condition, 1), else_=0))


def _in_force(asof: date):
    return and_(m.started_on <= asof, or_(m.ended_on.is_(None), m.ended_on >= asof))


def seed_statements(here, asof: date, income_year: int | None, by: tuple = ()) -> dict:
    """relocated (numerator, denominator), people (members, insured, chronic, signed) and measures
    (posts, credit, overdue): the counts behind queries.seed_indicators."""
    mem, inc = household_member.c, household_income.c
    with_labour = func.coalesce(h.labor_capacity, "") != "none"
    employed = or_(
        exists().where(m.household_id == h.id, m.kind.in_(EMPLOYMENT_KINDS), _in_force(asof)),
        exists().where(inc.household_id == h.id, inc.year == (income_year or -1), inc.wage > 0))
    relocated = (select(*by, func.count().label("denominator"), _sum_if(employed).label("numerator"))
                 .where(here, h.relocated.is_(True), with_labour).group_by(*by))
    followed = or_(h.poverty_status == "exited", exists().where(c.household_id == h.id, c.identified_on <= asof))
    signed = exists().where(m.household_id == h.id, m.kind == "health", _in_force(asof))
    people = (select(*by, func.count().label("members"), _sum_if(mem.medical_insured.is_(True)).label("insured"),
                     _sum_if(mem.health == "chronic").label("chronic"),
                     _sum_if(and_(mem.health == "chronic", signed)).label("signed"))
              .select_from(household_member.join(household, h.id == mem.household_id))
              .where(here, followed).group_by(*by))
    measures = (select(*by, _sum_if(m.kind == "public_welfare_post").label("posts"),
                       func.sum(case((m.kind == "micro_credit", m.amount), else_=0)).label("credit"),
                       func.sum(case((and_(m.kind == "micro_credit", m.overdue_on <= asof), m.amount),
                                     else_=0)).label("overdue"))
                .select_from(assistance.join(household, h.id == m.household_id))
                .where(here, m.kind.in_(("public_welfare_post", "micro_credit")), _in_force(asof)).group_by(*by))
    return {"relocated": relocated, "people": people, "measures": measures}


def coverage_statement(here, level: str, asof: date, by: tuple = ()):
    """Open cases per labour capacity: how many, with a measure in force, with a paired one."""
    in_force = and_(m.household_id == c.household_id, m.started_on >= c.identified_on, m.started_on <= asof,
                    or_(m.ended_on.is_(None), m.ended_on >= asof))
    paired_kind = or_(and_(h.labor_capacity == "none", m.kind.in_(NO_LABOR_MEASURES)),
                      and_(func.coalesce(h.labor_capacity, "") != "none", m.kind.in_(LABOR_MEASURES)))
    return (select(*by, h.labor_capacity, func.count().label("open_cases"),
                   _sum_if(exists().where(in_force)).label("in_force"),
                   _sum_if(exists().where(in_force, paired_kind)).label("paired"))
            .select_from(monitoring_case.join(household, h.id == c.household_id))
            .where(here, date_filter(c.identified_on, level) <= asof,
                   or_(c.eliminated_on.is_(None), date_filter(c.eliminated_on, level) > asof))
            .group_by(*by, h.labor_capacity))  # the raw column: PostgreSQL refuses a bound default here


# 农村低收入人口 categories the data can show: 低保 and 特困 in force (measures, and the ledger's
# 享受低保政策情况 / 享受特困供养政策情况 columns, which the importer writes as measures), 低保边缘
# from 民政's department signals of the last year (DIBAO_EDGE_DAYS: a recognition is reviewed once a year).
LOW_INCOME_KINDS = SAFETY_NET
SIGNAL_KINDS = tuple(category for category in LOW_INCOME_CATEGORIES if category not in SAFETY_NET)
MONITORING_STATUSES = ("open", "eliminated", "none")


def overlap_statements(here, asof: date, by: tuple = ()) -> dict:
    """Households per low-income category (measures in force, 民政's signals) and monitoring status
    (open case, eliminated only, never monitored); a household is counted once per category."""
    sig = signal.c
    known = and_(c.household_id == h.id, c.identified_on <= asof)
    is_open = exists().where(known, or_(c.eliminated_on.is_(None), c.eliminated_on > asof))
    ever = exists().where(known)
    # Distinct households per status (a household may hold two rows of one kind); no grouping by an
    # expression with bound values, which PostgreSQL refuses.
    statuses = {"open": is_open, "eliminated": and_(~is_open, ever), "none": ~ever}
    counted = [func.count(func.distinct(case((condition, h.id)))).label(name) for name, condition in statuses.items()]
    measures = (select(*by, m.kind.label("category"), *counted)
                .select_from(assistance.join(household, h.id == m.household_id))
                .where(here, m.kind.in_(LOW_INCOME_KINDS), _in_force(asof)).group_by(*by, m.kind))
    signals = (select(*by, sig.kind.label("category"), *counted)
               .select_from(signal.join(household, h.id == sig.household_id))
               .where(here, sig.department == "civil", sig.kind.in_(SIGNAL_KINDS), sig.received_on <= asof,
                      sig.occurred_on <= asof, sig.occurred_on > asof - timedelta(days=DIBAO_EDGE_DAYS))
               .group_by(*by, sig.kind))
    return {"measures": measures, "signals": signals}


def family_statements(here, asof: date, income_year: int | None, by: tuple = ()) -> dict[str, list]:
    """Every family's statements, each with the column that keys its figures (None: the statement's
    name does), for the day-figure rollup (db.rollups) to store as "<key>.<column>" per village."""
    return {"seed": [(statement, name) for name, statement in seed_statements(here, asof, income_year, by).items()],
            "coverage": [(coverage_statement(here, "county", asof, by), "labor_capacity")],
            "overlap": [(statement, "category") for statement in overlap_statements(here, asof, by).values()]}


def figure_name(key: object, column: str) -> str:
    """A stored figure's name: its key (NULL as '') and its column."""
    return f"{'' if key is None else key}.{column}"
