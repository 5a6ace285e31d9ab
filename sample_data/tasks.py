"""Units, the 16 tasks of seed 000 with their lead/responsible units, milestones and progress."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from db.task_matrix import KNOWN_UNITS, ParsedMatrix, parse_matrix, unit_alias, unit_code, unit_kind
from sample_data.areas import COUNTY_CODE

MATRIX_CSV = Path(__file__).with_name("seed000_matrix.csv")
TASK_START = dt.date(2021, 9, 20)  # the date of the seed-000 document
TASK_DUE = dt.date(2025, 12, 31)  # end of the transition period
MILESTONE_FIRST = dt.date(2021, 10, 1)
MILESTONE_LAST = dt.date(2026, 12, 31)
MILESTONE_TITLES = {
    2021: ("制定工作方案并明确责任人", "建立工作台账"),
    2022: ("完成年度目标任务", "开展专项排查", "报送半年工作进展"),
    2023: ("完成中期评估", "开展“回头看”自查", "完成年度目标任务"),
    2024: ("整改评估发现问题", "完成年度目标任务", "开展专项督查"),
    2025: ("完成过渡期目标任务", "形成过渡期工作总结"),
    2026: ("完成常态化帮扶衔接", "报送年度工作总结"),
}
NOTES = {
    "not_started": "工作方案正在制定",
    "on_track": ("按计划推进", "各项措施正常落实", "已完成阶段性任务"),
    "at_risk": ("进度滞后，正在调度", "资金到位较慢，进度偏慢", "需加快推进"),
    "overdue": ("有节点任务逾期未完成", "节点任务逾期，已督办"),
    "done": ("已完成，持续巩固", "任务完成，转入常态化"),
}


def load_matrix(path: Path = MATRIX_CSV) -> ParsedMatrix:
    """The seed-000 responsibility matrix, parsed by db.task_matrix."""
    with path.open(encoding="utf-8", newline="") as handle:
        matrix = parse_matrix(list(csv.DictReader(handle)), first_row_number=2)
    if matrix.errors:
        raise ValueError(f"unreadable rows in {path.name}: {matrix.errors}")
    return matrix


def unit_rows(matrix: ParsedMatrix) -> list[dict]:
    """Every unit the matrix names, plus the known ones, with code, kind and alias."""
    names = [u.name for u in KNOWN_UNITS] + [n for n in matrix.unit_names() if unit_kind(n) is None]
    return [{"code": unit_code(n), "name": n, "kind": unit_kind(n), "alias": unit_alias(n)} for n in names]


def task_rows(matrix: ParsedMatrix, area_code: str = COUNTY_CODE) -> tuple[list[dict], list[dict]]:
    """Task rows and task_unit rows (lead and responsible), exactly as the matrix says."""
    tasks, links = [], []
    for parsed in sorted(matrix.tasks, key=lambda t: t.seq):
        code = f"T{parsed.seq:02d}"
        tasks.append({"code": code, "seq": parsed.seq, "title": parsed.title, "detail": parsed.detail,
                      "area_code": area_code, "starts_on": TASK_START, "due_on": TASK_DUE})
        for role, names in (("lead", parsed.lead), ("responsible", parsed.responsible)):
            links += [{"task_code": code, "unit_code": unit_code(n), "role": role} for n in names]
    return tasks, links


def milestone_rows(links: list[dict], until: dt.date, rng: random.Random) -> list[dict]:
    """3-6 milestones per (task, unit): most past ones done, some late, ~8% overdue."""
    pairs = sorted({(link["task_code"], link["unit_code"]) for link in links})
    span = (MILESTONE_LAST - MILESTONE_FIRST).days
    rows = []
    for task_code, unit in pairs:
        count = rng.randint(3, 6)
        for k in range(count):
            due = MILESTONE_FIRST + dt.timedelta(days=rng.randint(k * span // count, (k + 1) * span // count - 1))
            rows.append({"task_code": task_code, "unit_code": unit, "due_on": due})
    # A few milestones fall due in the weeks around `until`, so week-over-week figures move.
    for row in rng.sample(rows, min(8, len(rows))):
        row["due_on"] = until + dt.timedelta(days=rng.randint(-13, 13))
    for row in rows:
        due = row["due_on"]
        titles = MILESTONE_TITLES.get(due.year, MILESTONE_TITLES[2026])
        row["title"] = f"{due.year}年{rng.choice(titles)}"
        row["done_on"] = _done_on(due, until, rng)
    rows.sort(key=lambda r: (r["task_code"], r["unit_code"], r["due_on"]))
    return rows


def _done_on(due: dt.date, until: dt.date, rng: random.Random) -> dt.date | None:
    if due > until:
        if (due - until).days <= 45 and rng.random() < 0.25:
            return until - dt.timedelta(days=rng.randint(0, 14))
        return None
    if rng.random() < 0.08:
        return None  # overdue
    if rng.random() < 0.2:
        late = due + dt.timedelta(days=rng.randint(3, 40))
        return late if late <= until else None
    return due - dt.timedelta(days=rng.randint(0, 20))


def progress_rows(links: list[dict], milestones: list[dict], until: dt.date, rng: random.Random) -> list[dict]:
    """Monthly progress reports per (task, unit): percent never falls, status from rules."""
    pairs = sorted({(link["task_code"], link["unit_code"]) for link in links})
    by_pair: dict[tuple[str, str], list[dict]] = {}
    for row in milestones:
        by_pair.setdefault((row["task_code"], row["unit_code"]), []).append(row)
    total_days = (TASK_DUE - TASK_START).days
    rows = []
    for pair in pairs:
        draw = rng.random()
        speed = rng.uniform(0.95, 1.3) if draw < 0.78 else (
            rng.uniform(0.75, 0.95) if draw < 0.88 else rng.uniform(0.5, 0.72))
        percent = 0.0
        year, month = 2021, 10
        while True:
            reported = dt.date(year, month, 25) + dt.timedelta(days=rng.randint(-3, 3))
            if reported > until:
                break
            share = (reported - TASK_START).days / total_days
            percent = max(percent, float(min(100, max(0, round(share * 100 * speed + rng.uniform(-3, 3))))))
            status = _status(percent, min(share, 1.0) * 100, reported, by_pair.get(pair, []))
            note = NOTES[status] if status == "not_started" else rng.choice(NOTES[status])
            rows.append({"task_code": pair[0], "unit_code": pair[1], "reported_on": reported,
                         "percent": percent, "status": status, "note": note})
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return rows


def _status(percent: float, elapsed: float, reported: dt.date, milestones: list[dict]) -> str:
    if percent >= 100:
        return "done"
    if percent <= 0:
        return "not_started"
    if any(m["due_on"] < reported and (m["done_on"] is None or m["done_on"] > reported) for m in milestones):
        return "overdue"
    if elapsed - percent > 15:
        return "at_risk"
    return "on_track"
