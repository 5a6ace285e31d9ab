"""The deliberate breaks of the seed-003 elimination rules, so the rule checks have findings.

Each planted case breaks exactly one rule and is eliminated with kind "stable":
same_month (identified and eliminated in one calendar month), short_stability (eliminated 1-5
months later, in a later month), no_labor_eliminated (no labour at all, eliminated after >= 6
months).
"""

from __future__ import annotations

import calendar
import datetime as dt
import random

from sample_data.cases import Case
from sample_data.dates import add_months
from sample_data.households import LABOR_NONE, HouseholdBlock

RULE_BREAK_COUNTS = {"same_month": 4, "short_stability": 5, "no_labor_eliminated": 3}


def plant_rule_breaks(cases: list[Case], block: HouseholdBlock, until: dt.date, rng: random.Random) -> None:
    """Turn a few cases of the block into rule breaks (as many as the block allows)."""
    taken: set[int] = set()  # positions in `cases`, so a case breaks one rule only
    by_household: dict[int, int] = {}
    for case in cases:
        by_household[case.household] = by_household.get(case.household, 0) + 1

    def pick(candidates: list[int], count: int) -> list[int]:
        free = [i for i in candidates if i not in taken]
        chosen = rng.sample(free, min(count, len(free)))
        taken.update(chosen)
        for i in chosen:  # an eliminated case is no longer a neglected open one
            cases[i].no_measure, cases[i].visits_stop = False, None
        return chosen

    with_labor = [i for i, c in enumerate(cases)
                  if c.eliminated is not None and block.labor[c.household] != LABOR_NONE]
    early_in_month = [i for i in with_labor if cases[i].identified.day <= 24]
    for i in pick(early_in_month, RULE_BREAK_COUNTS["same_month"]):
        case = cases[i]
        last = calendar.monthrange(case.identified.year, case.identified.month)[1]
        case.eliminated = case.identified + dt.timedelta(days=rng.randint(1, min(6, last - case.identified.day)))
        case.kind, case.rule_break = "stable", "same_month"
    for i in pick(with_labor, RULE_BREAK_COUNTS["short_stability"]):
        case = cases[i]
        months = rng.randint(1, 5)
        while months > 1 and add_months(case.identified, months) > case.eliminated:
            months -= 1
        case.eliminated = min(add_months(case.identified, months), case.eliminated)
        case.kind, case.rule_break = "stable", "short_stability"
    _plant_no_labor(cases, block, until, rng, pick, by_household)


def _plant_no_labor(cases, block, until, rng, pick, by_household) -> None:
    wanted = RULE_BREAK_COUNTS["no_labor_eliminated"]
    open_no_labor = [i for i, c in enumerate(cases)
                     if c.eliminated is None and block.labor[c.household] == LABOR_NONE
                     and add_months(c.identified, 7) <= until]
    for i in pick(open_no_labor, wanted):
        case = cases[i]
        months = rng.randint(7, 14)
        while add_months(case.identified, months) > until:
            months -= 1
        case.eliminated = add_months(case.identified, months)
        case.kind, case.rule_break = "stable", "no_labor_eliminated"
        wanted -= 1
    if wanted <= 0:
        return
    # Too few no-labour cases in a small block: a properly eliminated household that had only
    # this one case loses its labour instead, which breaks exactly this rule and no other.
    fallback = [i for i, c in enumerate(cases)
                if c.properly_eliminated and c.kind == "stable" and by_household[c.household] == 1]
    for i in pick(fallback, wanted):
        case = cases[i]
        block.labor[case.household] = LABOR_NONE
        case.rule_break = "no_labor_eliminated"
