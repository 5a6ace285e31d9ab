"""Early warnings (预警): signals that a household needs attention now. Thresholds live here
only; queries/warnings.py selects the same households in SQL for a whole area, and a test holds
the two to the same answer on every household of the sample county."""

from __future__ import annotations

from datetime import date, timedelta

from rules.measures import in_force, missing_safety_net
from rules.model import Check, HouseholdFacts
from rules.settings import SETTINGS

# Local settings (rules/settings.py), not seed rules; the names stay for the SQL and the tests.
NEW_PROBLEM_DAYS = SETTINGS.new_problem_days
SPIKE_SHARE = SETTINGS.rigid_share  # rigid spending (illness, accident) "large" (刚性支出较大) ...
SPIKE_GROWTH = SETTINGS.spike_growth  # ... and at least this multiple of the previous year's
NO_MEASURE_DAYS = SETTINGS.no_measure_days
VISIT_DAYS = SETTINGS.visit_days
UNDER_LINE_YEARS = SETTINGS.under_line_years
WARNING_RULES = ("should_monitor", "income_below_line", "new_guarantee_problem", "spending_spike",
                 "open_without_measure", "no_safety_net", "no_recent_visit")
# The evidence sentence of each rule (a key under [rules_evidence] in the label catalogue).
WARNING_EVIDENCE = {"should_monitor": "should_monitor", "income_below_line": "income_fell",
                    "new_guarantee_problem": "new_problem", "spending_spike": "spending_spike",
                    "open_without_measure": "open_without_measure", "no_safety_net": "no_safety_net",
                    "no_recent_visit": "no_recent_visit"}


def household_warnings(facts: HouseholdFacts, asof: date, year: int | None) -> list[Check]:
    """The warnings that fire for one household on the as-of date (each with its evidence)."""
    fired = [_should_monitor(facts, asof, year), _income_below_line(facts, asof, year),
             _spending_spike(facts, year)]
    fired += _new_problems(facts, asof)
    case = facts.open_case(asof)
    if case is not None:
        fired += [_open_without_measure(facts, case, asof), missing_safety_net(facts, asof),
                  _no_recent_visit(facts, case, asof)]
    return [check for check in fired if check is not None]


def _should_monitor(facts: HouseholdFacts, asof: date, year: int | None) -> Check | None:
    # 应纳未纳. Seed 003: "建立健全预警机制,形成快速发现、及时监测……做到早发现、早干预、早帮扶";
    # seed 004 (二): "健全易返贫致贫人口快速发现和响应机制,分层分类及时纳入帮扶政策范围". A household
    # with no open case whose income stayed under the standard UNDER_LINE_YEARS years running, or
    # whose rigid spending is large (SPIKE_SHARE of its net income), should be monitored.
    # Monitored during the income year or since (open now, or eliminated on or after its Jan 1): that
    # year's figures were the case's own evidence; its elimination is judged by the elimination
    # rules and a return by the re-entry view, not here.
    if year is None or any(case.identified_on <= asof and (case.eliminated_on is None
                                                           or case.eliminated_on >= date(year, 1, 1))
                           for case in facts.cases):
        return None
    income = facts.income(year)
    if income is None or income.line is None:
        return None
    run = [facts.income(year - k) for k in range(UNDER_LINE_YEARS)]
    under = all(row is not None and row.line is not None and row.per_capita_net < row.line for row in run)
    total = income.household_net(facts.size)
    rigid = income.rigid_expenditure is not None and income.rigid_expenditure >= SPIKE_SHARE * total
    if not (under or rigid):
        return None
    return Check("should_monitor", True, WARNING_EVIDENCE["should_monitor"],
                 {"year": income.year, "income": income.per_capita_net, "line": income.line,
                  "under": under, "rigid": income.rigid_expenditure or 0.0, "total": total})


def _income_below_line(facts: HouseholdFacts, asof: date, year: int | None) -> Check | None:
    # A fall, not a level: under this year's line after being at or over last year's.
    income, before = facts.income(year), facts.income(None if year is None else year - 1)
    if income is None or before is None or income.line is None or before.line is None:
        return None
    if income.per_capita_net >= income.line or before.per_capita_net < before.line:
        return None
    return Check("income_below_line", True, WARNING_EVIDENCE["income_below_line"],
                 {"year": income.year, "income": income.per_capita_net, "line": income.line,
                  "before": before.per_capita_net, "monitored": facts.open_case(asof) is not None})


def _spending_spike(facts: HouseholdFacts, year: int | None) -> Check | None:
    income, before = facts.income(year), facts.income(None if year is None else year - 1)
    if income is None or before is None or income.rigid_expenditure is None or before.rigid_expenditure is None:
        return None
    total = income.household_net(facts.size)
    if income.rigid_expenditure >= SPIKE_SHARE * total and income.rigid_expenditure >= SPIKE_GROWTH * before.rigid_expenditure:
        return Check("spending_spike", True, WARNING_EVIDENCE["spending_spike"],
                     {"year": income.year, "rigid": income.rigid_expenditure, "before": before.rigid_expenditure,
                      "income": total})
    return None


def _new_problems(facts: HouseholdFacts, asof: date) -> list[Check]:
    since = asof - timedelta(days=NEW_PROBLEM_DAYS)
    return [Check("new_guarantee_problem", True, WARNING_EVIDENCE["new_guarantee_problem"],
                  {"item": check.item, "issue": check.issue or "", "checked": check.checked_on})
            for check in facts.checks if check.open_on(asof) and check.checked_on > since]


def _open_without_measure(facts: HouseholdFacts, case, asof: date) -> Check | None:
    if case.identified_on > asof - timedelta(days=NO_MEASURE_DAYS):
        return None
    # In force on the date (seed 003: 精准落实针对性帮扶措施), not merely started once.
    if any(in_force(measure, case.identified_on, asof) for measure in facts.measures):
        return None
    return Check("open_without_measure", True, WARNING_EVIDENCE["open_without_measure"],
                 {"identified": case.identified_on, "days": (asof - case.identified_on).days})


def _no_recent_visit(facts: HouseholdFacts, case, asof: date) -> Check | None:
    since = asof - timedelta(days=VISIT_DAYS)
    if case.identified_on > since:
        return None
    seen = [day for day in facts.visits if day <= asof]
    if any(day > since for day in seen):
        return None
    last = max(seen) if seen else None
    return Check("no_recent_visit", True, WARNING_EVIDENCE["no_recent_visit"],
                 {"last": last, "days": (asof - last).days if last else None})
