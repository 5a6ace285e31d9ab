"""The SQL of the early-warning rules (rules/warnings.py): one SELECT per rule yielding its firing rows.

queries/warnings.py reads them for an area (counts and the list); db/rollups.py counts them per
village for the rollup that pages above village level read. Each builder takes the area filter
(`where`), the area's level, the as-of day and the income year with its line (income_year_statement).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, case, exists, false, func, literal, or_, select

from db.schema import (assistance, guarantee_check, household, household_income, monitoring_case,
                       monitoring_line, visit)
from rules import warnings as rule
from rules.measures import SAFETY_NET

# Areas at these levels hold most rows of a table: there the query should start from the smaller
# fact rows (cases, open problems), not from every household of the area.
BROAD_LEVELS = frozenset({"province", "city", "county"})

h, case_, income = household.c, monitoring_case.c, household_income.c


def date_filter(column, level: str):
    """A fact table's date column as a filter under an area should name it: plain at broad levels,
    where its index is the way in; below them coalesce(column, column), which no index serves, so
    every engine starts from the area's households (1M households, one village: 140 -> 5 ms)."""
    return column if level in BROAD_LEVELS else func.coalesce(column, column)


def income_year_statement(asof: date):
    """The income year the checks read on the as-of date, with its monitoring line (queries.drill.income_year)."""
    # max(year) over the (year, per_capita_net) index reads one index entry per engine.
    latest = (select(func.max(household_income.c.year))
              .where(household_income.c.year <= asof.year).scalar_subquery())
    return (select(monitoring_line.c.year, monitoring_line.c.amount)
            .where(monitoring_line.c.year <= latest)
            .order_by(monitoring_line.c.year.desc()).limit(1))


def open_on(asof: date, level: str):
    identified, eliminated = date_filter(case_.identified_on, level), date_filter(case_.eliminated_on, level)
    return and_(identified <= asof, or_(case_.eliminated_on.is_(None), eliminated > asof))


def income_below_line(where, level: str, asof: date, year: int | None, line: float | None):
    if year is None:
        return None
    before, before_line = household_income.alias("before"), monitoring_line.alias("before_line")
    any_open = exists().where(case_.household_id == h.id, open_on(asof, "county"))  # per household: by key
    return (select(h.id.label("household_id"), h.village_code, h.head_name, income.year,
                   income.per_capita_net.label("income"), literal(line).label("line"),
                   before.c.per_capita_net.label("before"), any_open.label("monitored"))
            .select_from(household_income.join(household, h.id == income.household_id)
                         .join(before, and_(before.c.household_id == income.household_id,
                                            before.c.year == income.year - 1))
                         .join(before_line, before_line.c.year == before.c.year))
            .where(where, income.year == year, income.per_capita_net < line,
                   before.c.per_capita_net >= before_line.c.amount))


def should_monitor(where, level: str, asof: date, year: int | None, line: float | None):
    """应纳未纳: no open case, and under the standard UNDER_LINE_YEARS years running or large rigid
    spending this year (rules.warnings._should_monitor)."""
    if year is None:
        return None
    since_year = exists().where(case_.household_id == h.id, case_.identified_on <= asof,  # per household: by key
                                or_(case_.eliminated_on.is_(None), case_.eliminated_on >= date(year, 1, 1)))
    earlier = []
    for back in range(1, rule.UNDER_LINE_YEARS):
        past, past_line = household_income.alias(f"past{back}"), monitoring_line.alias(f"past_line{back}")
        earlier.append(exists().where(past.c.household_id == h.id, past.c.year == year - back,
                                      past_line.c.year == past.c.year, past.c.per_capita_net < past_line.c.amount))
    under = and_(income.per_capita_net < line, *earlier)
    total = income.per_capita_net * h.size
    rigid = income.rigid_expenditure >= rule.SPIKE_SHARE * total
    return (select(h.id.label("household_id"), h.village_code, h.head_name, income.year,
                   income.per_capita_net.label("income"), literal(line).label("line"),
                   case((under, 1), else_=0).label("under"), func.coalesce(income.rigid_expenditure, 0).label("rigid"),
                   total.label("total"))
            .select_from(household_income.join(household, h.id == income.household_id))
            .where(where, income.year == year, or_(under, rigid), ~since_year))


def spending_spike(where, level: str, asof: date, year: int | None, line: float | None):
    if year is None:
        return None
    before = household_income.alias("before")
    total = income.per_capita_net * h.size
    return (select(h.id.label("household_id"), h.village_code, h.head_name, income.year,
                   income.rigid_expenditure.label("rigid"), before.c.rigid_expenditure.label("before"),
                   total.label("income"))
            .select_from(household_income.join(household, h.id == income.household_id)
                         .join(before, and_(before.c.household_id == income.household_id,
                                            before.c.year == income.year - 1)))
            .where(where, income.year == year, income.rigid_expenditure >= rule.SPIKE_SHARE * total,
                   income.rigid_expenditure >= rule.SPIKE_GROWTH * before.c.rigid_expenditure))


def new_guarantee_problem(where, level: str, asof: date, year: int | None, line: float | None):
    check = guarantee_check.c
    checked = date_filter(check.checked_on, level)
    return (select(h.id.label("household_id"), h.village_code, h.head_name, check.item, check.issue,
                   check.checked_on.label("checked"))
            .select_from(guarantee_check.join(household, h.id == check.household_id))
            .where(where, check.ok == false(), checked <= asof,
                   checked > asof - timedelta(days=rule.NEW_PROBLEM_DAYS),
                   or_(check.resolved_on.is_(None), check.resolved_on > asof)))


def open_without_measure(where, level: str, asof: date, year: int | None, line: float | None):
    measure = assistance.c
    # In force on the date (rules.measures.in_force), not merely started once.
    serving = exists().where(measure.household_id == case_.household_id, measure.started_on <= asof,
                             measure.started_on >= case_.identified_on,
                             or_(measure.ended_on.is_(None), measure.ended_on >= asof))
    return (select(h.id.label("household_id"), h.village_code, h.head_name,
                   case_.identified_on.label("identified"))
            .select_from(monitoring_case.join(household, h.id == case_.household_id))
            .where(where, open_on(asof, level),
                   date_filter(case_.identified_on, level) <= asof - timedelta(days=rule.NO_MEASURE_DAYS),
                   ~serving))


def no_safety_net(where, level: str, asof: date, year: int | None, line: float | None):
    """An open case of a household without labour and no 低保/特困 in force (rules.measures)."""
    measure = assistance.c
    covered = exists().where(measure.household_id == case_.household_id, measure.kind.in_(SAFETY_NET),
                             measure.started_on <= asof, or_(measure.ended_on.is_(None), measure.ended_on >= asof))
    return (select(h.id.label("household_id"), h.village_code, h.head_name,
                   case_.identified_on.label("identified"))
            .select_from(monitoring_case.join(household, h.id == case_.household_id))
            .where(where, open_on(asof, level), h.labor_capacity == "none", ~covered))


def no_recent_visit(where, level: str, asof: date, year: int | None, line: float | None):
    since = asof - timedelta(days=rule.VISIT_DAYS)
    recent = exists().where(visit.c.household_id == case_.household_id, visit.c.visited_on > since,
                            visit.c.visited_on <= asof)
    last = (select(func.max(visit.c.visited_on)).where(visit.c.household_id == case_.household_id,
                                                       visit.c.visited_on <= asof).scalar_subquery())
    return (select(h.id.label("household_id"), h.village_code, h.head_name,
                   case_.identified_on.label("identified"), last.label("last"),
                   func.coalesce(last, case_.identified_on).label("recent"))
            .select_from(monitoring_case.join(household, h.id == case_.household_id))
            .where(where, open_on(asof, level), date_filter(case_.identified_on, level) <= since, ~recent))


STATEMENTS = {"should_monitor": should_monitor, "no_safety_net": no_safety_net,
              "income_below_line": income_below_line, "new_guarantee_problem": new_guarantee_problem,
              "spending_spike": spending_spike, "open_without_measure": open_without_measure,
              "no_recent_visit": no_recent_visit}  # in rules.WARNING_RULES order


# When each event warning started, as a column of its firing rows and a lag in days: "new this week"
# counts rows whose start + lag lies after the day a week back (queries.warnings._STARTED says the same).
EVENT_START = {"new_guarantee_problem": ("checked", 0), "no_safety_net": ("identified", 0),
               "open_without_measure": ("identified", rule.NO_MEASURE_DAYS),
               "no_recent_visit": ("recent", rule.VISIT_DAYS)}

# The column a capped list keeps the newest rows of, per rule (its "since" follows from it): the
# event's date, or for the yearly rules (one row per household) the household. The warning register
# (db.rollups) stores the date as `newest`; an event rule's start (EVENT_START) is the same column.
NEWEST_BY = {"should_monitor": "household_id", "no_safety_net": "identified",
             "income_below_line": "household_id", "spending_spike": "household_id",
             "new_guarantee_problem": "checked", "open_without_measure": "identified",
             "no_recent_visit": "recent"}
