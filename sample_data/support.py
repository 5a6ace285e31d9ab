"""Assistance measures (帮扶措施) and helpers' visits (走访) of followed households."""

from __future__ import annotations

import datetime as dt
import random

from rules.measures import SAFETY_NET
from sample_data.cases import Case
from sample_data.dates import HISTORY_START
from sample_data.households import LABOR_NONE, HouseholdBlock

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
NO_SAFETY_NET_SHARE = 0.2  # no-labour cases left without 低保/特困 (the safety-net check finds these)
CIVIL_AFFAIRS_SHARE = 0.04  # exited, never-monitored households with 低保/特困 from 民政
OVERDUE_SHARE = 0.012  # outstanding micro-credit loans marked overdue (a realistic handful)
DIBAO_PHASE_OUT_DAYS = (180, 365)  # 低保渐退期 after the risk is eliminated (provinces set 6–12 months)
UNSIGNED_CHRONIC_SHARE = 0.06  # followed households with a chronic patient and no family-doctor contract
FAMILY_DOCTOR_FEES = (0, 12, 20, 30)  # 元 a year the household pays for the signed service package
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
            for index, kind in enumerate(kinds):
                started = min(until, case.identified + dt.timedelta(days=rng.randint(0, 30)))
                row = _measure(household_id, kind, started, case.eliminated, until, rng)
                if index == 0 and kind != "temporary_relief":
                    row["ended_on"] = _main_measure_end(case, until)
                if kind in SAFETY_NET:
                    row["ended_on"] = _safety_net_end(kind, household_id, case, until)
                rows.append(row)
            rows += _safety_net(block, h, household_id, case, kinds, until)
        rows += _civil_affairs_only(block, h, household_id, cases_of.get(h, []), until)
        if block.exited[h] and rng.random() < 0.35:
            kind = rng.choices(("micro_credit", "public_welfare_post", "industry"), weights=(4, 3, 3))[0]
            span = max(1, (until - HISTORY_START).days - 30)
            started = HISTORY_START + dt.timedelta(days=rng.randrange(span))
            rows.append(_measure(household_id, kind, started, None, until, rng))
    return [_mark_overdue(row, until) for row in rows]


def family_doctor_rows(households: list[int], until: dt.date) -> list[dict]:
    """家庭医生签约服务 (健康帮扶) for followed households with a chronic patient, the data's trace of
    慢病签约 (seeds 001 and 003 want every such patient signed): a contract a year, signed in the first
    quarter and running to the year's end, from 2021. About one household in UNSIGNED_CHRONIC_SHARE
    never signs (moved away for work, declined), so the indicator has a handful to follow. A
    separate random stream per household keeps every other row of the sample unchanged."""
    rows = []
    for household_id in households:
        local = random.Random(f"doctor:{household_id}")
        if local.random() < UNSIGNED_CHRONIC_SHARE:
            continue
        for year in range(HISTORY_START.year, until.year + 1):
            started = dt.date(year, 1, 1) + dt.timedelta(days=local.randint(0, 89))
            if started > until:
                break
            ended = dt.date(year, 12, 31)
            rows.append({"household_id": household_id, "kind": "health", "started_on": started,
                         "ended_on": ended if ended <= until else None,
                         "amount": float(local.choice(FAMILY_DOCTOR_FEES)), "overdue_on": None})
    return rows


def _mark_overdue(row: dict, until: dt.date) -> dict:
    """About one outstanding micro-credit loan in OVERDUE_SHARE falls overdue some months after it
    was granted (seed 001 holds the overdue rate under 1 %), so the rate has a few loans to count.
    A separate random stream per loan keeps every other row of the sample unchanged."""
    row["overdue_on"] = None
    if row["kind"] != "micro_credit" or row["ended_on"] is not None:
        return row
    local = random.Random(f"overdue:{row['household_id']}:{row['started_on'].isoformat()}")
    due = row["started_on"] + dt.timedelta(days=local.randint(180, 900))
    if local.random() < OVERDUE_SHARE and due <= until:
        row["overdue_on"] = due
    return row


def _main_measure_end(case: Case, until: dt.date) -> dt.date | None:
    """A case's main measure stays in force until the case ends (a one-off relief does not), so
    open cases without a measure in force are the few whose only help was a one-off."""
    return case.eliminated if case.eliminated is not None and case.eliminated <= until else None


def _safety_net(block: HouseholdBlock, h: int, household_id: int, case: Case, kinds: list[str],
                until: dt.date) -> list[dict]:
    """Most households without labour get 低保 or 特困 with their case (seed 004 十四); about one in
    five is left without, so the safety-net check finds a handful. A separate random stream per
    case keeps every other row of the sample unchanged."""
    if block.labor[h] != LABOR_NONE or {"dibao", "tekun"} & set(kinds):
        return []
    local = random.Random(f"safety:{household_id}:{case.identified.isoformat()}")
    if local.random() < NO_SAFETY_NET_SHARE:
        return []
    kind = "tekun" if local.random() < 0.3 else "dibao"
    started = min(until, case.identified + dt.timedelta(days=local.randint(0, 30)))
    low, high, _ = MEASURE_TERMS[kind]
    return [{"household_id": household_id, "kind": kind, "started_on": started,
             "ended_on": _safety_net_end(kind, household_id, case, until),
             "amount": float(round(local.uniform(low, high) / 100) * 100)}]


def _safety_net_end(kind: str, household_id: int, case: Case, until: dt.date) -> dt.date | None:
    """低保 does not stop the day a risk is eliminated: it runs on through a 渐退期 of 6 to 12 months
    (民政 practice for families whose income has risen above the 低保 line); 特困供养 goes on, since
    a 特困 person's circumstances (no labour, no income, no one obliged to support them) do not end
    with the case. So the overlap of 低收入人口 and monitoring has eliminated households in it. A
    separate random stream per case keeps every other row of the sample unchanged."""
    if kind == "tekun" or case.eliminated is None or case.eliminated > until:
        return None
    local = random.Random(f"phase_out:{household_id}:{case.identified.isoformat()}")
    end = case.eliminated + dt.timedelta(days=local.randint(*DIBAO_PHASE_OUT_DAYS))
    return None if end > until else end


def _civil_affairs_only(block: HouseholdBlock, h: int, household_id: int, cases: list[Case],
                        until: dt.date) -> list[dict]:
    """低保 or 特困 that 民政 pays to exited households never monitored (about 4 in 100), so the overlap of
    monitoring objects and 低收入人口 has both sides. A separate random stream keeps the rest unchanged."""
    if cases or not block.exited[h]:
        return []
    local = random.Random(f"civil:{household_id}")
    if local.random() >= CIVIL_AFFAIRS_SHARE:
        return []
    kind = "tekun" if local.random() < 0.2 else "dibao"
    started = HISTORY_START + dt.timedelta(days=local.randrange(max(1, (until - HISTORY_START).days)))
    low, high, _ = MEASURE_TERMS[kind]
    return [{"household_id": household_id, "kind": kind, "started_on": started, "ended_on": None,
             "amount": float(round(local.uniform(low, high) / 100) * 100)}]


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
