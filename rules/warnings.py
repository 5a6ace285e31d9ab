"""Early warnings (预警): signals that a household needs attention now. Thresholds live here
only; queries/warnings.py selects the same households in SQL for a whole area, and a test holds
the two to the same answer on every household of the sample county."""

from __future__ import annotations

from datetime import date, timedelta

from rules.model import Check, HouseholdFacts

NEW_PROBLEM_DAYS = 30  # a 三保障 problem found in the last 30 days is new
SPIKE_SHARE = 0.5  # rigid spending (illness, accident) at least half the household's income ...
SPIKE_GROWTH = 2.0  # ... and at least twice the previous year's
NO_MEASURE_DAYS = 30  # a case open this long must have a measure (measures start within 30 days)
VISIT_DAYS = 60  # an open case is visited at least every 60 days
WARNING_RULES = ("income_below_line", "new_guarantee_problem", "spending_spike", "open_without_measure",
                 "no_recent_visit")
# The evidence sentence of each rule (a key under [rules_evidence] in the label catalogue).
WARNING_EVIDENCE = {"income_below_line": "income_fell", "new_guarantee_problem": "new_problem",
                    "spending_spike": "spending_spike", "open_without_measure": "open_without_measure",
                    "no_recent_visit": "no_recent_visit"}


def household_warnings(facts: HouseholdFacts, asof: date, year: int | None) -> list[Check]:
    """The warnings that fire for one household on the as-of date (each with its evidence)."""
    fired = [_income_below_line(facts, asof, year), _spending_spike(facts, year)]
    fired += _new_problems(facts, asof)
    case = facts.open_case(asof)
    if case is not None:
        fired += [_open_without_measure(facts, case, asof), _no_recent_visit(facts, case, asof)]
    return [check for check in fired if check is not None]


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
    if any(measure.targets(case.identified_on, asof) for measure in facts.measures):
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
