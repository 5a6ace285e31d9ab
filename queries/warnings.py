"""Early warnings over an area, selected in SQL with the thresholds of rules/warnings.py.

One statement per rule, read once per area and date for both the counts and the capped list; each
yields the firing households only. tests/test_warning_queries.py holds every rule to rules.warnings on every household.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import and_, case, exists, false, func, literal, or_, select

from db.schema import (assistance, guarantee_check, household, household_income, monitoring_case,
                       monitoring_line, visit)
from queries.drill import date_filter, in_area, income_year
from queries.gateway import cached, read
from queries.masking import mask_frame
from queries.scope import Scope, child_key
from rules import warnings as rule
from rules.measures import SAFETY_NET
from rules.warnings import WARNING_RULES  # noqa: F401  (the rule codes these queries count, for the pages)

LIST_LIMIT = 300  # rows per rule in a list; the counts are always complete
ROW_COLUMNS = ("household_id", "village_code", "head_name", "rule", "since", "evidence", "values")

h, case_, income = household.c, monitoring_case.c, household_income.c


def _open_on(asof: date, level: str):
    identified, eliminated = date_filter(case_.identified_on, level), date_filter(case_.eliminated_on, level)
    return and_(identified <= asof, or_(case_.eliminated_on.is_(None), eliminated > asof))


def _income_below_line(where, level: str, asof: date, year: int | None, line: float | None):
    if year is None:
        return None
    before, before_line = household_income.alias("before"), monitoring_line.alias("before_line")
    any_open = exists().where(case_.household_id == h.id, _open_on(asof, "county"))  # per household: by key
    return (select(h.id.label("household_id"), h.village_code, h.head_name, income.year,
                   income.per_capita_net.label("income"), literal(line).label("line"),
                   before.c.per_capita_net.label("before"), any_open.label("monitored"))
            .select_from(household_income.join(household, h.id == income.household_id)
                         .join(before, and_(before.c.household_id == income.household_id,
                                            before.c.year == income.year - 1))
                         .join(before_line, before_line.c.year == before.c.year))
            .where(where, income.year == year, income.per_capita_net < line,
                   before.c.per_capita_net >= before_line.c.amount))


def _should_monitor(where, level: str, asof: date, year: int | None, line: float | None):
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


def _spending_spike(where, level: str, asof: date, year: int | None, line: float | None):
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


def _new_guarantee_problem(where, level: str, asof: date, year: int | None, line: float | None):
    check = guarantee_check.c
    checked = date_filter(check.checked_on, level)
    return (select(h.id.label("household_id"), h.village_code, h.head_name, check.item, check.issue,
                   check.checked_on.label("checked"))
            .select_from(guarantee_check.join(household, h.id == check.household_id))
            .where(where, check.ok == false(), checked <= asof,
                   checked > asof - timedelta(days=rule.NEW_PROBLEM_DAYS),
                   or_(check.resolved_on.is_(None), check.resolved_on > asof)))


def _open_without_measure(where, level: str, asof: date, year: int | None, line: float | None):
    measure = assistance.c
    # In force on the date (rules.measures.in_force), not merely started once.
    serving = exists().where(measure.household_id == case_.household_id, measure.started_on <= asof,
                             measure.started_on >= case_.identified_on,
                             or_(measure.ended_on.is_(None), measure.ended_on >= asof))
    return (select(h.id.label("household_id"), h.village_code, h.head_name,
                   case_.identified_on.label("identified"))
            .select_from(monitoring_case.join(household, h.id == case_.household_id))
            .where(where, _open_on(asof, level),
                   date_filter(case_.identified_on, level) <= asof - timedelta(days=rule.NO_MEASURE_DAYS),
                   ~serving))


def _no_safety_net(where, level: str, asof: date, year: int | None, line: float | None):
    """An open case of a household without labour and no 低保/特困 in force (rules.measures)."""
    measure = assistance.c
    covered = exists().where(measure.household_id == case_.household_id, measure.kind.in_(SAFETY_NET),
                             measure.started_on <= asof, or_(measure.ended_on.is_(None), measure.ended_on >= asof))
    return (select(h.id.label("household_id"), h.village_code, h.head_name,
                   case_.identified_on.label("identified"))
            .select_from(monitoring_case.join(household, h.id == case_.household_id))
            .where(where, _open_on(asof, level), h.labor_capacity == "none", ~covered))


def _no_recent_visit(where, level: str, asof: date, year: int | None, line: float | None):
    since = asof - timedelta(days=rule.VISIT_DAYS)
    recent = exists().where(visit.c.household_id == case_.household_id, visit.c.visited_on > since,
                            visit.c.visited_on <= asof)
    last = (select(func.max(visit.c.visited_on)).where(visit.c.household_id == case_.household_id,
                                                       visit.c.visited_on <= asof).scalar_subquery())
    return (select(h.id.label("household_id"), h.village_code, h.head_name,
                   case_.identified_on.label("identified"), last.label("last"),
                   func.coalesce(last, case_.identified_on).label("recent"))
            .select_from(monitoring_case.join(household, h.id == case_.household_id))
            .where(where, _open_on(asof, level), date_filter(case_.identified_on, level) <= since, ~recent))


_STATEMENTS = {"should_monitor": _should_monitor, "no_safety_net": _no_safety_net,
               "income_below_line": _income_below_line, "new_guarantee_problem": _new_guarantee_problem,
               "spending_spike": _spending_spike, "open_without_measure": _open_without_measure,
               "no_recent_visit": _no_recent_visit}  # in rules.WARNING_RULES order
# The column a capped list keeps the newest of (the "since" date follows from it).
_NEWEST_BY = {"should_monitor": "household_id", "no_safety_net": "identified",
              "income_below_line": "household_id", "spending_spike": "household_id",
              "new_guarantee_problem": "checked", "open_without_measure": "identified",
              "no_recent_visit": "recent"}


def _year_end(rows: pd.DataFrame, asof: date) -> pd.Series:
    return rows["year"].map(lambda year: min(date(int(year), 12, 31), asof))


# The day each warning started to apply, from its firing rows: the list's "since" (newest first)
# and the cockpit's "new this week" both read it here.
_STARTED = {"should_monitor": _year_end, "no_safety_net": lambda rows, asof: rows["identified"],
            "income_below_line": _year_end, "spending_spike": _year_end,
            "new_guarantee_problem": lambda rows, asof: rows["checked"],
            "open_without_measure": lambda rows, asof: rows["identified"] + timedelta(days=rule.NO_MEASURE_DAYS),
            "no_recent_visit": lambda rows, asof: rows["recent"] + timedelta(days=rule.VISIT_DAYS)}
# Warnings that start on a day (not a yearly figure): these can be "new this week".
EVENT_RULES = ("new_guarantee_problem", "open_without_measure", "no_safety_net", "no_recent_visit")


def _values(rule_code: str, row: pd.Series, asof: date) -> dict:
    """The evidence values, named as rules.warnings names them."""
    if rule_code == "should_monitor":
        return {"year": int(row["year"]), "income": float(row["income"]), "line": float(row["line"]),
                "under": bool(row["under"]), "rigid": float(row["rigid"]), "total": float(row["total"])}
    if rule_code == "no_safety_net":
        return {"identified": row["identified"]}
    if rule_code == "income_below_line":
        return {"year": int(row["year"]), "income": float(row["income"]), "line": float(row["line"]),
                "before": float(row["before"]), "monitored": bool(row["monitored"])}
    if rule_code == "spending_spike":
        return {"year": int(row["year"]), "rigid": float(row["rigid"]), "before": float(row["before"]),
                "income": float(row["income"])}
    if rule_code == "new_guarantee_problem":
        return {"item": row["item"], "issue": row["issue"] or "", "checked": row["checked"]}
    if rule_code == "open_without_measure":
        return {"identified": row["identified"], "days": (asof - row["identified"]).days}
    last = row["last"] if isinstance(row["last"], date) else None
    return {"last": last, "days": (asof - last).days if last else None}


@cached
def _firing(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
            rules: tuple[str, ...] = rule.WARNING_RULES) -> dict[str, pd.DataFrame]:
    """Every firing row of the rules under an area, read once for both the counts and the list."""
    where = in_area(h.village_code, area_code, area_level, scope)
    year, line = income_year(db, asof)
    found = {}
    for rule_code in rules:
        statement = _STATEMENTS[rule_code](where, area_level, asof, year, line)
        if statement is not None:
            found[rule_code] = read(db, statement)
    return found


@cached
def area_warnings(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                  rules: tuple[str, ...] = rule.WARNING_RULES, limit: int = LIST_LIMIT) -> pd.DataFrame:
    """Warnings firing under an area on the as-of date, newest first per rule, names masked; none
    for viewers who see aggregates only (warning_counts still counts them)."""
    if not scope.household_detail:
        return pd.DataFrame(columns=list(ROW_COLUMNS))
    firing = _firing(db, scope, area_code, area_level, asof, rules)
    frames = []
    for rule_code in rules:
        rows = firing.get(rule_code)
        if rows is None or rows.empty:
            continue
        # Evidence is worked out for the rows shown only: the counts come from all of them.
        rows = rows.sort_values([_NEWEST_BY[rule_code], "household_id"], ascending=[False, True]).head(limit).copy()
        rows["rule"] = rule_code
        rows["since"] = _STARTED[rule_code](rows, asof)
        rows["evidence"] = rule.WARNING_EVIDENCE[rule_code]
        rows["values"] = [_values(rule_code, row, asof) for _, row in rows.iterrows()]
        frames.append(rows[list(ROW_COLUMNS)])
    if not frames:
        return pd.DataFrame(columns=list(ROW_COLUMNS))
    found = pd.concat(frames, ignore_index=True).sort_values(["since", "household_id"], ascending=[False, True])
    return mask_frame(found.reset_index(drop=True), scope.personal_detail)


@cached
def warning_counts(db: str, scope: Scope, area_code: str, area_level: str, group_level: str,
                   asof: date) -> pd.DataFrame:
    """How many warnings of each rule fire under an area, one row per area at group_level."""
    firing = _firing(db, scope, area_code, area_level, asof)
    per_village = pd.DataFrame(columns=["village_code"])
    for rule_code, rows in firing.items():
        grouped = rows.groupby("village_code").size().rename(rule_code).reset_index()
        per_village = per_village.merge(grouped, on="village_code", how="outer")
    per_village = per_village.reindex(columns=["village_code", *rule.WARNING_RULES]).fillna(0)
    keys = [child_key(code, group_level) for code in per_village["village_code"]]
    counts = per_village.drop(columns="village_code").groupby(keys).sum().astype("int64")
    counts["total"] = counts.sum(axis=1)
    counts.index.name = "area_code"
    return counts


@cached
def new_warning_counts(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                       days: int = 7) -> dict[str, int]:
    """How many event warnings (not the yearly income ones) started in the last `days` days."""
    firing = _firing(db, scope, area_code, area_level, asof, EVENT_RULES)
    since = asof - timedelta(days=days)
    return {code: int((_STARTED[code](rows, asof) > since).sum()) if not rows.empty else 0
            for code, rows in firing.items()}


@cached
def rule_count(db: str, scope: Scope, area_code: str, area_level: str, asof: date, rule_code: str) -> int:
    """How many households one warning rule finds under an area (e.g. 应纳未纳 for the cockpit)."""
    rows = _firing(db, scope, area_code, area_level, asof, (rule_code,)).get(rule_code)
    return 0 if rows is None else len(rows)
