"""Monitoring cases (防返贫监测对象) of a household block, obeying the seed-003 elimination rules.

Rules every ordinary case obeys: eliminated in a later calendar month than identified; a stable
elimination at least six months after identification; no elimination for a household without
labour; at most one open case per household. The deliberate breaks are planted by rule_breaks.py.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import numpy as np

from sample_data.dates import HISTORY_START, add_months, days_in_month, month_index, month_start
from sample_data.households import LABOR_NONE, HouseholdBlock

RISKS = ("illness", "disability", "schooling", "disaster", "accident", "business_failure",
         "unstable_employment", "labor_shortage", "housing", "water", "other")
RISK_WEIGHTS = (46, 22, 7, 4, 5, 4, 6, 4, 3, 2, 3)
FLOOD_FIRST, FLOOD_LAST = dt.date(2023, 7, 3), dt.date(2023, 8, 12)
RECENT_WEEKS, RECENT_PER_WEEK = 8, 3


@dataclass
class Case:
    """One monitoring case of a household (its position in the block)."""

    household: int
    case_type: str
    identified: dt.date
    eliminated: dt.date | None = None
    kind: str | None = None
    risks: list[str] = field(default_factory=list)
    id: int = 0
    no_measure: bool = False  # an open case left without any measure, for the early warnings
    visits_stop: dt.date | None = None  # an open case nobody has visited since this date
    rule_break: str | None = None

    @property
    def properly_eliminated(self) -> bool:
        """Eliminated by the rules (not one of the planted breaks)."""
        return self.eliminated is not None and self.rule_break is None


def month_weights(until: dt.date) -> np.ndarray:
    """Relative chance of identification per month: 2021 roll-in, summer floods, year-end checks."""
    months = month_index(until) + 1
    weights = np.ones(months)
    for index in range(months):
        month = index % 12 + 1
        if month in (6, 7, 8):
            weights[index] *= 1.6
        if month in (11, 12):
            weights[index] *= 1.8
        if index < 12:
            weights[index] *= 1.5
    weights[-1] *= until.day / days_in_month(months - 1)
    return weights / weights.sum()


def make_cases(block: HouseholdBlock, until: dt.date, flood_townships: set[int],
               rng: random.Random, nrng: np.random.Generator, top_up_recent: bool) -> list[Case]:
    """All cases of the block, in no particular order (ids are given by the caller)."""
    n = len(block)
    chance = np.where(block.exited, 0.11, 0.025)
    chance = chance * np.where(block.labor == LABOR_NONE, 1.6, 1.0) * np.where(block.poverty_village, 1.3, 1.0)
    chosen = np.flatnonzero(nrng.random(n) < chance)
    weights = month_weights(until)
    months = nrng.choice(len(weights), size=len(chosen), p=weights)
    cases: list[Case] = []
    has_case = np.zeros(n, dtype=bool)
    for household, month in zip(chosen.tolist(), months.tolist()):
        last_day = until.day if month == len(weights) - 1 else days_in_month(month)
        identified = month_start(month) + dt.timedelta(days=rng.randrange(last_day))
        cases.extend(_history(block, household, identified, until, rng, flood=False))
        has_case[household] = True
    if FLOOD_FIRST <= until:
        cases.extend(_flood_cases(block, until, flood_townships, has_case, rng, nrng))
    if top_up_recent:
        cases.extend(_recent_cases(block, until, has_case, cases, rng))
    _mark_neglected(cases, until, rng)
    return cases


def _history(block: HouseholdBlock, household: int, identified: dt.date, until: dt.date,
             rng: random.Random, flood: bool) -> list[Case]:
    """A first case and, sometimes, a second one after its elimination."""
    cases = [_new_case(block, household, identified, until, rng, flood)]
    first = cases[0]
    if first.eliminated is not None and rng.random() < 0.12:
        again = first.eliminated + dt.timedelta(days=rng.randint(60, 600))
        if again <= until:
            cases.append(_new_case(block, household, again, until, rng, flood=False))
    return cases


def _new_case(block: HouseholdBlock, household: int, identified: dt.date, until: dt.date,
              rng: random.Random, flood: bool) -> Case:
    exited = bool(block.exited[household])
    if flood:
        case_type = "sudden" if (not exited or rng.random() < 0.5) else "unstable"
    elif exited:
        case_type = "unstable" if rng.random() < 0.85 else "sudden"
    else:
        case_type = "marginal" if rng.random() < 0.7 else "sudden"
    case = Case(household, case_type, identified, risks=_risks(rng, flood, block.labor[household] == LABOR_NONE))
    # A household with no labour at all stays monitored (seed 003): never eliminated.
    if block.labor[household] != LABOR_NONE and rng.random() < 0.86:
        if rng.random() < 0.1:
            kind, months = "natural", rng.randint(2, 5)
        else:
            kind, months = "stable", int(rng.triangular(7, 20.99, 10))
        eliminated = add_months(identified, months) + dt.timedelta(days=rng.randint(-10, 10))
        if eliminated <= until:
            case.eliminated, case.kind = eliminated, kind
    return case


def _risks(rng: random.Random, flood: bool, no_labor: bool) -> list[str]:
    count = 1 + (rng.random() < 0.45) + (rng.random() < 0.15)
    risks: list[str] = ["disaster"] if flood else []
    if flood and rng.random() < 0.4:
        risks.append("housing")
    if no_labor and rng.random() < 0.6:
        risks.append(rng.choice(("disability", "labor_shortage")))
    while len(risks) < count:
        pick = rng.choices(RISKS, weights=RISK_WEIGHTS)[0]
        if pick not in risks:
            risks.append(pick)
    return risks


def _flood_cases(block: HouseholdBlock, until: dt.date, townships: set[int], has_case: np.ndarray,
                 rng: random.Random, nrng: np.random.Generator) -> list[Case]:
    """The July 2023 flood: a surge of sudden-hardship cases in two townships."""
    in_flood = np.isin(block.township, sorted(townships)) & ~has_case
    hit = np.flatnonzero(in_flood & (nrng.random(len(block)) < 0.03))
    span = (min(until, FLOOD_LAST) - FLOOD_FIRST).days + 1
    cases: list[Case] = []
    for household in hit.tolist():
        identified = FLOOD_FIRST + dt.timedelta(days=min(rng.randrange(span), rng.randrange(span)))
        cases.extend(_history(block, household, identified, until, rng, flood=True))
        has_case[household] = True
    return cases


def _recent_cases(block: HouseholdBlock, until: dt.date, has_case: np.ndarray, cases: list[Case],
                  rng: random.Random) -> list[Case]:
    """Make sure every one of the last eight weeks has a few new cases ("this week" is non-zero)."""
    added: list[Case] = []
    free = [h for h in range(len(block)) if not has_case[h]]
    rng.shuffle(free)
    for week in range(RECENT_WEEKS):
        last = until - dt.timedelta(days=7 * week)
        first = last - dt.timedelta(days=6)
        have = sum(1 for c in cases if first <= c.identified <= last)
        for _ in range(max(0, RECENT_PER_WEEK - have)):
            if not free:
                return added
            household = free.pop()
            day = first + dt.timedelta(days=rng.randrange(7))
            case = _new_case(block, household, max(day, HISTORY_START), until, rng, flood=False)
            added.append(case)
            has_case[household] = True
    return added


def _mark_neglected(cases: list[Case], until: dt.date, rng: random.Random) -> None:
    """Leave a few open cases without measures, and a few unvisited for over 60 days."""
    for case in cases:
        if case.eliminated is not None:
            continue
        age = (until - case.identified).days
        if age >= 45 and rng.random() < 0.05:
            case.no_measure = True
        if age >= 90 and rng.random() < 0.06:
            case.visits_stop = until - dt.timedelta(days=rng.randint(61, 150))
    # A small block may draw none: keep one, so every early-warning rule has something to show.
    # The most recent old-enough case: too young for rule_breaks.py to pick it for elimination.
    old_enough = [c for c in cases if c.eliminated is None and (until - c.identified).days >= 45]
    if old_enough and not any(c.no_measure for c in cases):
        max(old_enough, key=lambda c: c.identified).no_measure = True
