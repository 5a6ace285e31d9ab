"""The seed-003 rules on hand-made households, on both sides of every threshold."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rules.calendar import add_months, whole_months_between
from rules.elimination import eligibility, eligible, elimination_breaks, monitoring_reasons, stable_from
from rules.model import CaseFact, CheckFact, HouseholdFacts, IncomeFact, MeasureFact
from rules.elimination import RIGID_SHARE, is_reentry
from rules.measures import has_paired_measure
from rules.warnings import (NEW_PROBLEM_DAYS, NO_MEASURE_DAYS, SPIKE_GROWTH, SPIKE_SHARE, UNDER_LINE_YEARS,
                            VISIT_DAYS, household_warnings)

LINE = 7600.0


def case(identified: date, eliminated: date | None = None, kind: str | None = None) -> CaseFact:
    return CaseFact(1, "unstable", identified, eliminated, kind, ("illness",))


def household(**overrides) -> HouseholdFacts:
    values = dict(household_id=1, size=4, labor_capacity="normal", cases=(), incomes=(), checks=(),
                  measures=(), visits=())
    values.update(overrides)
    return HouseholdFacts(**values)


def codes(checks) -> list[str]:
    return [check.code for check in checks]


# ---- calendar ---------------------------------------------------------------------------------

@pytest.mark.parametrize("start, months, expected", [
    (date(2024, 1, 15), 6, date(2024, 7, 15)),
    (date(2024, 8, 31), 6, date(2025, 2, 28)),  # clamped to the month's last day
    (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year
    (date(2024, 12, 1), 1, date(2025, 1, 1)),
])
def test_add_months_clamps_the_day(start, months, expected):
    assert add_months(start, months) == expected


def test_whole_months_between_counts_like_a_person():
    assert whole_months_between(date(2024, 1, 15), date(2024, 7, 14)) == (5, 29)
    assert whole_months_between(date(2024, 1, 15), date(2024, 7, 15)) == (6, 0)


# ---- procedural rules on eliminations ---------------------------------------------------------

def test_same_month_elimination_breaks_the_rule_next_month_does_not():
    assert codes(elimination_breaks(case(date(2024, 3, 1), date(2024, 3, 31), "natural"), "normal")) == ["same_month"]
    assert codes(elimination_breaks(case(date(2024, 3, 31), date(2024, 4, 1), "natural"), "normal")) == []


def test_same_month_applies_to_stable_eliminations_as_one_finding():
    assert codes(elimination_breaks(case(date(2024, 3, 2), date(2024, 3, 20), "stable"), "normal")) == ["same_month"]


def test_stable_elimination_needs_six_whole_months():
    identified = date(2024, 1, 15)
    exactly_six = case(identified, date(2024, 7, 15), "stable")
    five_months_30_days = case(identified, date(2024, 7, 14), "stable")
    assert elimination_breaks(exactly_six, "normal") == []
    broken = elimination_breaks(five_months_30_days, "normal")
    assert codes(broken) == ["short_stability"]
    assert broken[0].values["months"] == 5 and broken[0].values["stable_from"] == date(2024, 7, 15)


def test_six_months_from_the_end_of_a_long_month_is_the_end_of_a_short_one():
    assert elimination_breaks(case(date(2024, 8, 31), date(2025, 2, 28), "stable"), "normal") == []
    assert codes(elimination_breaks(case(date(2024, 8, 31), date(2025, 2, 27), "stable"), "normal")) == ["short_stability"]


def test_natural_elimination_is_exempt_from_the_six_month_rule_but_not_the_same_month_rule():
    assert elimination_breaks(case(date(2024, 1, 15), date(2024, 3, 1), "natural"), "normal") == []
    assert codes(elimination_breaks(case(date(2024, 1, 5), date(2024, 1, 25), "natural"), "normal")) == ["same_month"]


def test_household_without_labour_stays_monitored():
    lawful = case(date(2024, 1, 15), date(2024, 9, 1), "stable")
    assert codes(elimination_breaks(lawful, "none")) == ["no_labor_eliminated"]
    assert elimination_breaks(lawful, "weak") == []
    assert elimination_breaks(case(date(2024, 1, 15)), "none") == []  # still open: nothing broken


# ---- why monitored ----------------------------------------------------------------------------

def test_income_under_the_line_and_spending_over_income_are_reasons():
    # Rigid spending is large from RIGID_SHARE of household net income (4 members) on: one setting.
    under = household(incomes=(IncomeFact(2026, LINE - 1, RIGID_SHARE * 4 * (LINE - 1), LINE),))
    at_line = household(incomes=(IncomeFact(2026, LINE, RIGID_SHARE * 4 * LINE - 1, LINE),))
    assert [c.holds for c in monitoring_reasons(under, 2026)] == [True, True]
    assert [c.holds for c in monitoring_reasons(at_line, 2026)] == [False, False]  # equal to the line is not under
    assert monitoring_reasons(household(), 2026)[0].evidence == "no_income"


# ---- eligibility for elimination --------------------------------------------------------------

def ready(identified: date, asof: date, **overrides) -> tuple[HouseholdFacts, CaseFact]:
    open_case = case(identified)
    values = dict(cases=(open_case,), incomes=(IncomeFact(asof.year, LINE * 1.2, 5000.0, LINE),),
                  checks=tuple(CheckFact(item, True, identified + timedelta(days=5))
                               for item in ("food_clothing", "education", "medical", "housing", "water")),
                  measures=(MeasureFact("employment", identified + timedelta(days=3)),))
    values.update(overrides)
    return household(**values), open_case


def criteria(facts, open_case, asof):
    return {check.code: check.holds for check in eligibility(facts, open_case, asof, asof.year)}


def test_a_household_meeting_every_criterion_is_eligible():
    facts, open_case = ready(date(2025, 1, 15), date(2025, 7, 15))
    result = eligibility(facts, open_case, date(2025, 7, 15), 2025)
    assert eligible(result), result


def test_stability_period_exactly_six_months_versus_one_day_short():
    facts, open_case = ready(date(2025, 1, 15), date(2025, 7, 15))
    assert criteria(facts, open_case, date(2025, 7, 15))["stable_six_months"] is True
    assert criteria(facts, open_case, date(2025, 7, 14))["stable_six_months"] is False


def test_each_missing_criterion_is_named():
    identified, asof = date(2025, 1, 15), date(2025, 9, 1)
    facts, open_case = ready(identified, asof, measures=())
    assert criteria(facts, open_case, asof)["measures"] is False
    started_before = (MeasureFact("dibao", identified - timedelta(days=1)),)  # not targeted at the case
    facts, open_case = ready(identified, asof, measures=started_before)
    assert criteria(facts, open_case, asof)["measures"] is False
    problem = (CheckFact("housing", False, date(2025, 8, 1), "C级危房", None),)
    facts, open_case = ready(identified, asof, checks=problem)
    assert criteria(facts, open_case, asof)["guarantees"] is False
    solved = (CheckFact("housing", False, date(2025, 8, 1), "C级危房", asof),)
    facts, open_case = ready(identified, asof, checks=solved)
    assert criteria(facts, open_case, asof)["guarantees"] is True  # resolved on the day: cleared
    facts, open_case = ready(identified, asof, incomes=(IncomeFact(2025, LINE - 0.5, 100.0, LINE),))
    assert criteria(facts, open_case, asof)["income_above_line"] is False
    facts, open_case = ready(identified, asof, incomes=(IncomeFact(2025, LINE, RIGID_SHARE * 4 * LINE, LINE),))
    result = criteria(facts, open_case, asof)
    assert result["income_above_line"] is True and result["rigid_solved"] is False
    facts, open_case = ready(identified, asof, incomes=(IncomeFact(2025, LINE, RIGID_SHARE * 4 * LINE - 1, LINE),))
    assert criteria(facts, open_case, asof)["rigid_solved"] is True
    facts, open_case = ready(identified, asof, labor_capacity="none")
    assert criteria(facts, open_case, asof)["has_labor"] is False


def test_a_measure_counts_only_while_in_force():
    # Seed 003's 精准落实针对性帮扶措施: a one-off 临时救助 months ago is not a measure in place today.
    identified, asof = date(2025, 1, 15), date(2025, 9, 1)
    ended_before = (MeasureFact("temporary_relief", identified + timedelta(days=3), asof - timedelta(days=1)),)
    facts, open_case = ready(identified, asof, measures=ended_before)
    assert criteria(facts, open_case, asof)["measures"] is False
    ends_today = (MeasureFact("temporary_relief", identified + timedelta(days=3), asof),)
    facts, open_case = ready(identified, asof, measures=ends_today)
    assert criteria(facts, open_case, asof)["measures"] is True


def test_measure_pairing_follows_labour_capacity():
    identified, asof = date(2025, 1, 15), date(2025, 9, 1)
    employment = (MeasureFact("employment", identified),)
    dibao = (MeasureFact("dibao", identified),)
    assert has_paired_measure(household(measures=employment), identified, asof)
    assert not has_paired_measure(household(measures=dibao), identified, asof)
    assert has_paired_measure(household(labor_capacity="none", measures=dibao), identified, asof)
    assert not has_paired_measure(household(labor_capacity="none", measures=employment), identified, asof)


def test_natural_elimination_of_a_household_without_labour_is_not_a_finding():
    assert codes(elimination_breaks(case(date(2024, 1, 1), date(2024, 9, 1), "stable"), "none")) == ["no_labor_eliminated"]
    assert codes(elimination_breaks(case(date(2024, 1, 1), date(2024, 9, 1), "natural"), "none")) == []


def test_not_in_the_month_of_identification():
    facts, open_case = ready(date(2025, 3, 1), date(2025, 3, 31))
    assert criteria(facts, open_case, date(2025, 3, 31))["not_same_month"] is False
    assert criteria(facts, open_case, date(2025, 4, 1))["not_same_month"] is True


def test_stable_from_is_six_months_later():
    assert stable_from(date(2025, 1, 31)) == date(2025, 7, 31)


# ---- early warnings ---------------------------------------------------------------------------

ASOF = date(2026, 11, 20)


def warning_codes(facts, asof=ASOF):
    return codes(household_warnings(facts, asof, asof.year))


def test_income_below_line_fires_when_income_falls_under_the_line():
    last_year = IncomeFact(2025, 7300.0, 0.0, 7300.0)  # exactly on last year's line
    fell = household(incomes=(last_year, IncomeFact(2026, LINE - 1, 0.0, LINE)))
    assert warning_codes(fell) == ["income_below_line"]
    on_line = household(incomes=(last_year, IncomeFact(2026, LINE, 0.0, LINE)))
    assert warning_codes(on_line) == []
    already_under = household(incomes=(IncomeFact(2025, 7299.0, 0.0, 7300.0), IncomeFact(2026, LINE - 1, 0.0, LINE)))
    # not a fall; two years under without a case is 应纳未纳 instead
    assert warning_codes(already_under) == ["should_monitor"]
    assert warning_codes(household(incomes=(IncomeFact(2026, LINE - 1, 0.0, LINE),))) == []  # no year to fall from


def test_spending_spike_needs_both_share_and_growth():
    total = LINE * 4
    spike = SPIKE_SHARE * total
    def with_spending(now, before):
        return household(incomes=(IncomeFact(2025, LINE, before, LINE), IncomeFact(2026, LINE, now, LINE)))
    # Large spending without a case is also 应纳未纳 (the same RIGID_SHARE level).
    assert warning_codes(with_spending(spike, spike / SPIKE_GROWTH)) == ["should_monitor", "spending_spike"]
    assert warning_codes(with_spending(spike - 1, (spike - 1) / SPIKE_GROWTH)) == []  # share just short
    assert warning_codes(with_spending(spike, spike / SPIKE_GROWTH + 1)) == ["should_monitor"]  # growth just short


def test_new_guarantee_problem_within_the_window():
    inside = ASOF - timedelta(days=NEW_PROBLEM_DAYS - 1)
    edge = ASOF - timedelta(days=NEW_PROBLEM_DAYS)
    assert warning_codes(household(checks=(CheckFact("water", False, inside, "季节性缺水"),))) == ["new_guarantee_problem"]
    assert warning_codes(household(checks=(CheckFact("water", False, edge, "季节性缺水"),))) == []
    solved = CheckFact("water", False, inside, "季节性缺水", ASOF)
    assert warning_codes(household(checks=(solved,))) == []


def test_open_case_without_measure_after_the_grace_period():
    visited = (ASOF,)
    late = household(cases=(case(ASOF - timedelta(days=NO_MEASURE_DAYS)),), visits=visited)
    early = household(cases=(case(ASOF - timedelta(days=NO_MEASURE_DAYS - 1)),), visits=visited)
    assert warning_codes(late) == ["open_without_measure"]
    assert warning_codes(early) == []
    running_before = household(cases=late.cases, visits=visited, measures=(MeasureFact("dibao", date(2020, 1, 1)),))
    assert warning_codes(running_before) == ["open_without_measure"]  # not targeted at this case
    targeted = household(cases=late.cases, visits=visited, measures=(MeasureFact("health", late.cases[0].identified_on),))
    assert warning_codes(targeted) == []
    ended = household(cases=late.cases, visits=visited,
                      measures=(MeasureFact("temporary_relief", late.cases[0].identified_on, ASOF - timedelta(days=1)),))
    assert warning_codes(ended) == ["open_without_measure"]  # a one-off no longer in force
    still = household(cases=late.cases, visits=visited,
                      measures=(MeasureFact("temporary_relief", late.cases[0].identified_on, ASOF),))
    assert warning_codes(still) == []


def test_no_labour_open_case_needs_dibao_or_tekun_in_force():
    identified = ASOF - timedelta(days=10)  # too young for the measure and visit warnings
    def no_labor(*measures):
        return household(labor_capacity="none", cases=(case(identified),), measures=measures)
    assert warning_codes(no_labor()) == ["no_safety_net"]
    assert warning_codes(no_labor(MeasureFact("temporary_relief", identified))) == ["no_safety_net"]
    assert warning_codes(no_labor(MeasureFact("dibao", date(2020, 1, 1)))) == []  # 低保 since before: counts
    assert warning_codes(no_labor(MeasureFact("tekun", identified, ASOF))) == []
    assert warning_codes(no_labor(MeasureFact("tekun", identified, ASOF - timedelta(days=1)))) == ["no_safety_net"]
    with_labor = household(labor_capacity="weak", cases=(case(identified),))
    assert warning_codes(with_labor) == []


def test_should_be_monitored_two_years_under_the_standard_without_a_case():
    def incomes(this, last):
        return (IncomeFact(2025, last, 0.0, LINE - 300), IncomeFact(2026, this, 0.0, LINE))
    assert UNDER_LINE_YEARS == 2
    assert warning_codes(household(incomes=incomes(LINE - 1, LINE - 301))) == ["should_monitor"]
    # last year on the standard: a fall (income_below_line), not two years under
    assert warning_codes(household(incomes=incomes(LINE - 1, LINE - 300))) == ["income_below_line"]
    assert warning_codes(household(incomes=incomes(LINE, LINE - 301))) == []  # this year on it
    assert warning_codes(household(incomes=(IncomeFact(2026, LINE - 1, 0.0, LINE),))) == []  # one year only
    monitored = household(incomes=incomes(LINE - 1, LINE - 301), cases=(case(ASOF - timedelta(days=5)),))
    assert "should_monitor" not in warning_codes(monitored)
    def eliminated_on(day):
        return household(incomes=incomes(LINE - 1, LINE - 301), cases=(case(date(2024, 1, 1), day, "stable"),))
    assert warning_codes(eliminated_on(date(2025, 12, 31))) == ["should_monitor"]  # before the income year: back in
    assert warning_codes(eliminated_on(date(2026, 1, 1))) == []  # that year's income was the case's own evidence


def test_should_be_monitored_for_large_rigid_spending_without_a_case():
    total = 4 * LINE * 2
    def spending(rigid):
        return household(incomes=(IncomeFact(2026, LINE * 2, rigid, LINE),))
    assert warning_codes(spending(RIGID_SHARE * total)) == ["should_monitor"]
    assert warning_codes(spending(RIGID_SHARE * total - 1)) == []


def test_no_recent_visit_after_sixty_days():
    identified = ASOF - timedelta(days=200)
    measures = (MeasureFact("health", identified),)
    def visited_days_ago(days):
        return household(cases=(case(identified),), measures=measures, visits=(ASOF - timedelta(days=days),))
    assert warning_codes(visited_days_ago(VISIT_DAYS - 1)) == []
    assert warning_codes(visited_days_ago(VISIT_DAYS)) == ["no_recent_visit"]
    never = household(cases=(case(identified),), measures=measures)
    fired = household_warnings(never, ASOF, ASOF.year)
    assert codes(fired) == ["no_recent_visit"] and fired[0].values["last"] is None
    eliminated = household(cases=(case(identified, ASOF - timedelta(days=1), "stable"),), measures=measures)
    assert warning_codes(eliminated) == []


def test_a_case_after_an_elimination_is_a_reentry():
    first = CaseFact(1, "unstable", date(2022, 1, 1), date(2023, 3, 1), "stable")
    back_on_the_day = CaseFact(2, "sudden", date(2023, 3, 1))
    overlapping = CaseFact(3, "sudden", date(2023, 2, 28))
    assert is_reentry(back_on_the_day, (first, back_on_the_day))
    assert not is_reentry(overlapping, (first, overlapping))  # identified before the elimination
    assert not is_reentry(first, (first,))


def test_asset_income_handed_out_from_the_cash_share_on():
    from rules.assets import CASH_SHARE, handed_out
    assert handed_out({"cash": CASH_SHARE * 100, "maintenance": (1 - CASH_SHARE) * 100})
    assert not handed_out({"cash": CASH_SHARE * 100 - 1, "maintenance": (1 - CASH_SHARE) * 100 + 1})
    assert not handed_out({})


def test_low_income_categories_hold_on_the_day_and_the_edge_recognition_lasts_a_year():
    from rules.measures import DIBAO_EDGE_DAYS, low_income_categories

    day = date(2026, 11, 20)
    measures = [("dibao", date(2025, 1, 1), day), ("tekun", date(2025, 1, 1), day - timedelta(days=1)),
                ("health", date(2026, 1, 1), None)]
    assert low_income_categories(measures, [], day) == ("dibao",)  # 低保 ends on the day: still held
    assert low_income_categories(measures, [], day + timedelta(days=1)) == ()
    assert low_income_categories([("tekun", day + timedelta(days=1), None)], [], day) == ()  # not yet started
    recognised = day - timedelta(days=DIBAO_EDGE_DAYS - 1)
    assert low_income_categories([], [recognised], day) == ("dibao_edge",)
    assert low_income_categories([], [day - timedelta(days=DIBAO_EDGE_DAYS)], day) == ()  # a year old: reviewed
    assert low_income_categories([], [day + timedelta(days=1)], day) == ()  # after the date
    assert low_income_categories(measures, [recognised], day) == ("dibao", "dibao_edge")
