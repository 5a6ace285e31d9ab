"""Seed 003's risk-elimination standard (风险消除标准) and requirements (风险消除要求).

Standard: targeted measures in place, 三保障 and drinking water secured, income stable, large rigid
spending solved. Requirements: never identified and eliminated in the same month; income stable for
at least 6 months before elimination (natural elimination 自然消除 excepted); a household with no
labour capacity at all stays monitored after social-security measures.

Seed 003, 风险消除标准: "监测对象精准落实针对性帮扶措施、“三保障”及饮水安全持续巩固、收入持续稳定、大额刚性
支出问题得到稳定解决4项指标全部达标". 风险消除要求: "监测对象不得当月识别、当月标注风险消除,收入持续稳定不少于
6个月的监测对象才能消除风险,风险自然消除对象除外。监测对象整户无劳动能力,落实社会保障措施后,暂不标注风险消除,
持续跟踪监测。"

The database holds yearly income only, so "收入持续稳定不少于6个月" is checked as what the data can
show: six whole months since identification (labelled 纳入监测满6个月, issue 20 rule 6).
"""

from __future__ import annotations

from datetime import date

from rules.calendar import add_months, same_month, whole_months_between
from rules.measures import measures_in_force
from rules.model import CaseFact, Check, HouseholdFacts
from rules.settings import SETTINGS

# Large rigid spending (大额刚性支出): from this share of household net income on; the one local
# setting the monitoring reason, the criterion and the warnings share (rules/settings.py).
RIGID_SHARE = SETTINGS.rigid_share

STABILITY_MONTHS = 6
PROCEDURAL_RULES = ("same_month", "short_stability", "no_labor_eliminated")
GUARANTEE_ITEMS = ("food_clothing", "education", "medical", "housing", "water")


def stable_from(identified_on: date) -> date:
    """The first day a stable elimination may be marked: six whole months after identification."""
    return add_months(identified_on, STABILITY_MONTHS)


def elimination_breaks(case: CaseFact, labor_capacity: str | None) -> list[Check]:
    """The procedural rules an elimination broke (empty when it kept them all)."""
    if case.eliminated_on is None:
        return []
    identified, eliminated = case.identified_on, case.eliminated_on
    broken: list[Check] = []
    if same_month(identified, eliminated):
        broken.append(Check("same_month", True, "same_month",
                            {"identified": identified, "eliminated": eliminated}))
    # The same-month rule is the stricter form of the six-month one: one finding per breach.
    elif case.elimination_kind != "natural" and eliminated < stable_from(identified):
        months, days = whole_months_between(identified, eliminated)
        broken.append(Check("short_stability", True, "short_stability",
                            {"identified": identified, "eliminated": eliminated, "months": months,
                             "days": days, "stable_from": stable_from(identified)}))
    # "整户无劳动能力……暂不标注风险消除": a natural elimination (风险自然消除, e.g. the household's
    # last member died or moved away) is not a breach of it.
    if labor_capacity == "none" and case.elimination_kind != "natural":
        broken.append(Check("no_labor_eliminated", True, "no_labor_eliminated", {"eliminated": eliminated}))
    return broken


def monitoring_reasons(facts: HouseholdFacts, year: int | None) -> list[Check]:
    """Why the household is (or should be) monitored: income under the line, spending over income."""
    income = facts.income(year)
    if income is None or income.line is None:
        return [Check("income_under_line", False, "no_income", {"year": year})]
    total = income.household_net(facts.size)
    reasons = [Check("income_under_line", income.per_capita_net < income.line, "income_vs_line",
                     {"year": income.year, "income": income.per_capita_net, "line": income.line})]
    if income.rigid_expenditure is not None:
        reasons.append(Check("rigid_over_income", income.rigid_expenditure >= RIGID_SHARE * total, "rigid_vs_income",
                             {"year": income.year, "rigid": income.rigid_expenditure, "income": total,
                              "share": round(100 * RIGID_SHARE)}))
    return reasons


def eligibility(facts: HouseholdFacts, case: CaseFact, asof: date, year: int | None) -> list[Check]:
    """Each elimination criterion for an open case on the as-of date: met or not, with evidence."""
    return [_measures(facts, case, asof), _guarantees(facts, asof), *_income(facts, case, asof, year),
            _not_same_month(case, asof), _has_labor(facts)]


def eligible(criteria: list[Check]) -> bool:
    """True when every criterion is met."""
    return all(check.holds for check in criteria)


def _measures(facts: HouseholdFacts, case: CaseFact, asof: date) -> Check:
    serving = measures_in_force(facts, case.identified_on, asof)  # in force, not ever started
    if not serving:
        return Check("measures", False, "no_measure", {"since": case.identified_on})
    return Check("measures", True, "measures_in_place",
                 {"count": len(serving), "kinds": tuple(dict.fromkeys(m.kind for m in serving)),
                  "first": serving[0].started_on})


def _guarantees(facts: HouseholdFacts, asof: date) -> Check:
    known = [c for c in facts.checks if c.checked_on <= asof]
    if not known:
        return Check("guarantees", False, "never_checked", {})
    problems = sorted((c for c in known if c.open_on(asof)), key=lambda c: c.checked_on)
    if problems:
        return Check("guarantees", False, "open_problems",
                     {"count": len(problems), "items": tuple(dict.fromkeys(p.item for p in problems)),
                      "since": problems[0].checked_on})
    return Check("guarantees", True, "all_secured", {"last_checked": max(c.checked_on for c in known)})


def _income(facts: HouseholdFacts, case: CaseFact, asof: date, year: int | None) -> list[Check]:
    income = facts.income(year)
    if income is None or income.line is None:
        above = Check("income_above_line", False, "no_income", {"year": year})
        rigid = Check("rigid_solved", False, "no_income", {"year": year})
    else:
        total = income.household_net(facts.size)
        above = Check("income_above_line", income.per_capita_net >= income.line, "income_vs_line",
                      {"year": income.year, "income": income.per_capita_net, "line": income.line})
        rigid = Check("rigid_solved", income.rigid_expenditure is None or income.rigid_expenditure < RIGID_SHARE * total,
                      "rigid_vs_income", {"year": income.year, "rigid": income.rigid_expenditure or 0.0,
                                          "income": total, "share": round(100 * RIGID_SHARE)})
    months, days = whole_months_between(case.identified_on, max(asof, case.identified_on))
    stable = Check("stable_six_months", asof >= stable_from(case.identified_on), "stability_period",
                   {"identified": case.identified_on, "months": months, "days": days,
                    "stable_from": stable_from(case.identified_on)})
    return [above, stable, rigid]


def _not_same_month(case: CaseFact, asof: date) -> Check:
    return Check("not_same_month", not same_month(case.identified_on, asof), "identified_month",
                 {"identified": case.identified_on})


def _has_labor(facts: HouseholdFacts) -> Check:
    return Check("has_labor", facts.labor_capacity != "none", "labor_capacity",
                 {"labor": facts.labor_capacity or ""})


def is_reentry(case: CaseFact, cases: tuple[CaseFact, ...]) -> bool:
    """True when the household had an earlier case eliminated on or before this one's identification.

    Seed 003: "严格执行风险消除标准……防止盲目追求风险消除率,确保稳定消除返贫致贫风险" — a return to
    monitoring after elimination is the counterweight to the elimination rate (issue 20, rule 8).
    """
    return any(other.id != case.id and other.eliminated_on is not None
               and other.eliminated_on <= case.identified_on for other in cases)
