"""Yearly household income and the 两不愁三保障 + drinking-water checks of followed households."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from sample_data.cases import Case
from sample_data.households import LABOR_NONE, HouseholdBlock

LINE_KNOWN = {2021: 6000, 2022: 6300, 2023: 6600, 2024: 7000, 2025: 7300, 2026: 7600}
WEAK_GROWTH_YEAR = 2024  # exited households' income grows slower than the area this year (两高于 fails)
RELOCATED_NO_JOB_SHARE = 0.04  # relocated households with labour and nobody in work in a year
CHECK_ITEMS = ("food_clothing", "education", "medical", "housing", "water")
FAIL_CHANCE = {"food_clothing": 0.015, "education": 0.02, "medical": 0.03, "housing": 0.04, "water": 0.035}
ISSUES = {
    "food_clothing": ("冬季衣被不足", "口粮储备不足", "缺少御寒衣物"),
    "education": ("适龄子女辍学", "义务教育阶段子女长期缺课", "未落实教育资助政策"),
    "medical": ("未参加城乡居民基本医疗保险", "慢性病签约服务未落实", "大病患者未享受医疗救助"),
    "housing": ("住房鉴定为C级危房", "住房鉴定为D级危房", "房屋漏雨未修缮"),
    "water": ("季节性缺水", "饮水水质不达标", "供水管网未入户"),
}
OPEN_PROBLEMS_PER_HOUSEHOLD = 0.0015  # about 30 open problems at 20,000 households


def monitoring_line(year: int) -> int:
    """The year's monitoring line in yuan; +300 a year after the last published one."""
    last = max(LINE_KNOWN)
    return LINE_KNOWN.get(year, LINE_KNOWN[last] + 300 * (year - last))


def case_years(case: Case, until: dt.date) -> range:
    """Calendar years the case was open in."""
    end = case.eliminated or until
    return range(case.identified.year, end.year + 1)


def last_income_year(until: dt.date) -> int:
    """The last year with income data on `until`: income is collected once a year, near its end,
    so an unfinished year has none yet (issue 20, rule 5)."""
    return until.year if (until.month, until.day) == (12, 31) else until.year - 1


def income_rows(block: HouseholdBlock, followed: list[int], cases_of: dict[int, list[Case]],
                until: dt.date, rng: random.Random) -> list[dict]:
    """One income row per finished year and followed household; low in case years, above the line
    when a case is properly eliminated."""
    rows: list[dict] = []
    last = last_income_year(until)
    years = range(2021, until.year + 1)
    for h in followed:
        exited = bool(block.exited[h])
        no_labor = block.labor[h] == LABOR_NONE
        size = int(block.size[h])
        level = rng.lognormvariate(9.35 if exited else 9.1, 0.22) * (0.8 if no_labor else 1.0)
        hardship, relief = {}, {}
        for case in cases_of.get(h, []):
            for year in case_years(case, until):
                # True marks an illness year: large medical bills (rigid expenditure).
                hardship[year] = hardship.get(year, False) or "illness" in case.risks
            if case.properly_eliminated:
                relief[case.eliminated.year] = True
        for year in years:
            if year > 2021:
                if year == WEAK_GROWTH_YEAR:
                    level *= 1 + rng.uniform(0.015, 0.05)
                else:
                    level *= 1 + (rng.uniform(0.09, 0.12) if exited else rng.uniform(0.05, 0.09))
            line = monitoring_line(year)
            net = level
            rigid_share = rng.uniform(0.03, 0.12)
            if year in hardship:
                net *= rng.uniform(0.55, 0.9)
                if rng.random() < 0.6:
                    net = min(net, line * rng.uniform(0.7, 0.98))
                rigid_share = rng.uniform(0.6, 1.4) if hardship[year] else rng.uniform(0.15, 0.5)
            if year in relief:
                net = max(net, line * rng.uniform(1.12, 1.5))
                rigid_share = min(rigid_share, rng.uniform(0.1, 0.4))
            row = _income_row(block, h, year, round(net), size, rigid_share, no_labor, rng)
            if block.relocated[h] and not no_labor:
                _without_a_job(row)
            if year <= last:  # the unfinished year's row is drawn (same random stream) but not written
                rows.append(row)
    return rows


def _income_row(block: HouseholdBlock, h: int, year: int, net: int, size: int, rigid_share: float,
                no_labor: bool, rng: random.Random) -> dict:
    total = net * size
    if no_labor:
        shares = (rng.uniform(0.0, 0.15), rng.uniform(0.0, 0.05), rng.uniform(0.01, 0.05))
    else:
        shares = (rng.uniform(0.5, 0.75), rng.uniform(0.05, 0.2), rng.uniform(0.01, 0.05))
    wage, business, prop = (round(total * s) for s in shares)
    return {
        "household_id": int(block.ids[h]), "year": year, "per_capita_net": float(net),
        "wage": float(wage), "business": float(business), "property": float(prop),
        "transfer": float(total - wage - business - prop),
        "rigid_expenditure": float(round(total * rigid_share)),
    }


def _without_a_job(row: dict) -> None:
    """A few relocated households with labour have nobody in work in a year (farming at the new
    site, or work lost), so seed 001's 搬迁家庭至少1人稳定就业 has a handful to find; their wage
    counts as business income instead, the net income unchanged. A separate random stream per
    household and year keeps every other row of the sample unchanged."""
    local = random.Random(f"no_job:{row['household_id']}:{row['year']}")
    if local.random() < RELOCATED_NO_JOB_SHARE:
        row["business"], row["wage"] = row["business"] + row["wage"], 0.0


def check_rows(block: HouseholdBlock, followed: list[int], cases_of: dict[int, list[Case]],
               until: dt.date, rng: random.Random) -> list[dict]:
    """Yearly check rounds (Sep-Nov) of the five items; a few failures, most resolved."""
    rows: list[dict] = []
    failures: list[dict] = []
    for h in followed:
        cases = cases_of.get(h, [])
        since = dt.date(2021, 1, 1) if block.exited[h] else cases[0].identified
        household_id = int(block.ids[h])
        for year in range(2021, until.year + 1):
            checked = dt.date(year, 9, 1) + dt.timedelta(days=rng.randrange(91))
            if checked < since or checked > until:
                continue
            for item in CHECK_ITEMS:
                row = {"household_id": household_id, "item": item, "ok": True, "checked_on": checked,
                       "issue": None, "resolved_on": None}
                if rng.random() < FAIL_CHANCE[item]:
                    row.update(ok=False, issue=rng.choice(ISSUES[item]),
                               resolved_on=checked + dt.timedelta(days=rng.randint(10, 120)))
                    failures.append(row)
                rows.append(row)
    _settle_recent(failures, until, round(OPEN_PROBLEMS_PER_HOUSEHOLD * len(block)), rng)
    _clear_before_elimination(failures, block, cases_of)
    return rows


def _settle_recent(failures: list[dict], until: dt.date, keep_open: int, rng: random.Random) -> None:
    """Problems that would be solved after `until`: a few stay open, the rest were solved sooner."""
    pending = [row for row in failures if row["resolved_on"] > until]
    still_open = set(id(row) for row in rng.sample(pending, min(keep_open, len(pending))))
    for row in pending:
        if id(row) in still_open:
            row["resolved_on"] = None
        elif (until - row["checked_on"]).days >= 10:
            row["resolved_on"] = row["checked_on"] + dt.timedelta(
                days=rng.randint(10, (until - row["checked_on"]).days))
        else:  # found too recently to have been solved within the usual 10 days: call it fine
            row.update(ok=True, issue=None, resolved_on=None)


def _clear_before_elimination(failures: list[dict], block: HouseholdBlock,
                              cases_of: dict[int, list[Case]]) -> None:
    """A properly eliminated case has no open problem on its elimination day (问题清零)."""
    first_id = int(block.ids[0]) if len(block) else 0
    for row in failures:
        if row["ok"]:
            continue
        for case in cases_of.get(row["household_id"] - first_id, []):
            day = case.eliminated
            if not case.properly_eliminated or row["checked_on"] > day:
                continue
            if row["resolved_on"] is None or row["resolved_on"] > day:
                row["resolved_on"] = max(row["checked_on"], day - dt.timedelta(days=3))


def followed_households(block: HouseholdBlock, cases_of: dict[int, list[Case]]) -> list[int]:
    """Households the records cover: every exited household and every one with a case."""
    return sorted(set(np.flatnonzero(block.exited).tolist()) | set(cases_of))
