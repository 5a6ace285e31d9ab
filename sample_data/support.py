"""Assistance measures (帮扶措施) and helpers' visits (走访) of followed households."""

from __future__ import annotations

import datetime as dt
import random

from sample_data.cases import Case
from sample_data.dates import HISTORY_START
from sample_data.households import HouseholdBlock

# Which measures answer which risk; the first is the most usual.
MEASURES_FOR_RISK = {
    "illness": ("health", "temporary_relief", "dibao"),
    "disability": ("dibao", "health", "public_welfare_post"),
    "schooling": ("education",),
    "disaster": ("temporary_relief", "housing", "industry"),
    "accident": ("temporary_relief", "health"),
    "business_failure": ("micro_credit", "industry"),
    "unstable_employment": ("employment", "public_welfare_post"),
    "labor_shortage": ("public_welfare_post", "tekun", "dibao"),
    "housing": ("housing",),
    "water": ("water",),
    "other": ("other", "temporary_relief"),
}
GENERAL_MEASURES = ("industry", "employment", "public_welfare_post", "micro_credit")
# (lowest amount, highest amount, (shortest, longest) duration in days or None for open-ended)
MEASURE_TERMS = {
    "industry": (1000, 8000, (300, 400)),
    "employment": (500, 3000, (180, 540)),
    "public_welfare_post": (6000, 9600, (365, 730)),
    "micro_credit": (30000, 50000, (1095, 1095)),
    "education": (1000, 5000, (150, 300)),
    "health": (2000, 30000, (60, 365)),
    "housing": (15000, 40000, (90, 240)),
    "water": (500, 3000, (30, 120)),
    "dibao": (3000, 7000, None),
    "tekun": (6000, 10000, None),
    "temporary_relief": (500, 5000, (0, 0)),
    "other": (500, 3000, (30, 180)),
}
CASE_NOTES = ("了解近期收入和支出情况", "核实帮扶措施落实情况", "宣传防返贫监测政策", "查看住房和饮水安全情况",
              "了解家庭成员就医情况", "督促适龄子女按时上学", "协助申请临时救助", "对接务工岗位信息")
ROUTINE_NOTES = ("例行走访，生产生活正常", "了解务工收入情况", "核实“三保障”落实情况", "宣讲产业奖补政策",
                 "了解小额信贷使用情况", "提醒按时缴纳医疗保险")


def assistance_rows(block: HouseholdBlock, followed: list[int], cases_of: dict[int, list[Case]],
                    until: dt.date, rng: random.Random) -> list[dict]:
    """1-3 measures per case within 30 days of identification, plus long-running ones for
    some exited households."""
    rows: list[dict] = []
    for h in followed:
        household_id = int(block.ids[h])
        for case in cases_of.get(h, []):
            if case.no_measure:
                continue
            kinds = _kinds_for(case, rng)
            for kind in kinds:
                started = min(until, case.identified + dt.timedelta(days=rng.randint(0, 30)))
                rows.append(_measure(household_id, kind, started, case.eliminated, until, rng))
        if block.exited[h] and rng.random() < 0.35:
            kind = rng.choices(("micro_credit", "public_welfare_post", "industry"), weights=(4, 3, 3))[0]
            span = max(1, (until - HISTORY_START).days - 30)
            started = HISTORY_START + dt.timedelta(days=rng.randrange(span))
            rows.append(_measure(household_id, kind, started, None, until, rng))
    return rows


def _kinds_for(case: Case, rng: random.Random) -> list[str]:
    count = rng.choices((1, 2, 3), weights=(45, 38, 17))[0]
    kinds = [MEASURES_FOR_RISK[case.risks[0]][0]]
    options = [k for risk in case.risks for k in MEASURES_FOR_RISK[risk]] + list(GENERAL_MEASURES)
    while len(kinds) < count:
        pick = rng.choice(options)
        if pick not in kinds:
            kinds.append(pick)
    return kinds


def _measure(household_id: int, kind: str, started: dt.date, case_end: dt.date | None,
             until: dt.date, rng: random.Random) -> dict:
    low, high, duration = MEASURE_TERMS[kind]
    if duration is None:  # social-security measures run until the case ends, and a while after
        ended = case_end + dt.timedelta(days=rng.randint(0, 90)) if case_end else None
    else:
        ended = started + dt.timedelta(days=rng.randint(*duration))
    if ended is not None and ended > until:
        ended = None
    amount = round(rng.uniform(low, high) / 100) * 100
    return {"household_id": household_id, "kind": kind, "started_on": started, "ended_on": ended,
            "amount": float(amount)}


def visit_rows(block: HouseholdBlock, followed: list[int], cases_of: dict[int, list[Case]],
               until: dt.date, rng: random.Random) -> list[dict]:
    """Monthly visits while a case is open; quarterly visits to exited households otherwise."""
    rows: list[dict] = []
    for h in followed:
        household_id = int(block.ids[h])
        visitor = block.helper_name[h]
        cases = cases_of.get(h, [])
        open_spans = [(c.identified, c.eliminated or until) for c in cases]
        for case in cases:
            end = case.eliminated or until
            if case.visits_stop is not None:
                end = min(end, case.visits_stop)
            day = case.identified + dt.timedelta(days=rng.randint(3, 20))
            while day <= end:
                rows.append(_visit(household_id, day, visitor, rng.choice(CASE_NOTES)))
                day += dt.timedelta(days=rng.randint(24, 38))
        if not block.exited[h]:
            continue
        day = HISTORY_START + dt.timedelta(days=rng.randrange(90))
        while day <= until:
            # During an open case the monthly visits take over (and a neglected case stays so).
            if not any(first <= day <= last for first, last in open_spans):
                rows.append(_visit(household_id, day, visitor, rng.choice(ROUTINE_NOTES)))
            day += dt.timedelta(days=rng.randint(75, 105))
    return rows


def _visit(household_id: int, day: dt.date, visitor: str | None, note: str) -> dict:
    return {"household_id": household_id, "visited_on": day, "visitor": visitor, "note": note}
