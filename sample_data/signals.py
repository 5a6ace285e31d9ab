"""A year of department signals for the sample county, consistent with its cases (deterministic).

Read from the rows the generator has just written, in one pass after them:
- every case identified in the last year has, with probability 0.6, the signal that led to it: the
  department of its first risk, received 1-10 days after the fact and before the identification,
  sent to the village on receipt and verified `included` with the case on the identification date;
- about 3 in 100 exited or general households get a signal that led to nothing: verified
  `not_included` 2-25 days after receipt (so some late but done), or still pending, of which
  `PLANTED["overdue"]` are older than the verification deadline (the rest are recent);
- households picked that have an open case on receipt are `open_case` (already monitored: not sent);
- `PLANTED["unknown"]` rows carry ID numbers of people the county does not know (region 429998),
  each received by one of the counties (its area: only that county's viewers and those above see it).
- `PLANTED["dibao_edge"]` 民政 rows recognise a household as 低保边缘 (issue 20: the 低收入人口
  categories from 2026) in the last year: two in three on households without an open case, one in
  three on households monitored on the as-of date; where sent, verified `not_included` in time. They are
  drawn from their own random stream, so every other row stays as it was.
Matching reuses the importer's `match_people`, so the sample classifies exactly as an import would.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from sqlalchemy import insert, or_, select
from sqlalchemy.engine import Connection

from db.imports.signals import match_people
from db.schema import area, case_risk, household, monitoring_case, signal, signal_review
from rules.settings import verify_days
from sample_data.people import check_digit

PLANTED = {"overdue": 12, "unknown": 15, "dibao_edge": 30}
RISK_DEPARTMENT = {"illness": "medical", "disability": "disability", "schooling": "education",
                   "disaster": "emergency", "accident": "police", "unstable_employment": "hrss",
                   "housing": "housing", "labor_shortage": "civil", "business_failure": "civil",
                   "water": "housing", "other": "civil"}
DEPARTMENT_KIND = {"medical": ("out_of_pocket", 8000, 40000), "disability": ("severe_disability", None, None),
                   "education": ("dropout", None, None), "emergency": ("disaster_loss", 6000, 50000),
                   "police": ("accident", None, None), "hrss": ("unemployment", 3, 9),
                   "housing": ("unsafe_house", None, None), "civil": ("temporary_relief", 500, 3000),
                   "health": ("serious_illness", None, None)}
RECORDER = "sample"


def signal_rows(connection: Connection, until: dt.date, seed: int) -> dict[str, int]:
    """Insert the sample's signals and reviews; return what was planted, for dataset_info."""
    rng = random.Random(f"{seed}:signals")
    start = until - dt.timedelta(days=365)
    deadline = verify_days()
    planned: list[dict] = []  # each: id_number, department, occurred, received, review plan
    case = monitoring_case.c
    first_risk = (select(case_risk.c.case_id, case_risk.c.risk_code).order_by(case_risk.c.case_id,
                                                                              case_risk.c.risk_code))
    risks: dict[int, str] = {}
    for case_id, risk in connection.execute(first_risk):
        risks.setdefault(int(case_id), risk)
    recent = connection.execute(
        select(case.id, case.identified_on, household.c.id_number)
        .select_from(monitoring_case.join(household, household.c.id == case.household_id))
        .where(case.identified_on > start + dt.timedelta(days=41), case.identified_on <= until)
        .order_by(case.id)).all()
    for case_id, identified, id_number in recent:
        if rng.random() >= 0.6 or not id_number:
            continue
        department = RISK_DEPARTMENT.get(risks.get(int(case_id), "other"), "civil")
        received = identified - dt.timedelta(days=rng.randint(0, 30))
        occurred = received - dt.timedelta(days=rng.randint(1, 10))
        planned.append(_plan(id_number, department, occurred, received, rng,
                             ("included", identified, int(case_id))))
    quiet = connection.execute(
        select(household.c.id_number).where(household.c.id_number.is_not(None)).order_by(household.c.id)).scalars().all()
    picked = [id_number for id_number in quiet if rng.random() < 0.03]
    overdue_left = PLANTED["overdue"]
    for id_number in picked:
        department = rng.choice(sorted(DEPARTMENT_KIND))
        if overdue_left > 0:  # planted: pending past the deadline
            received = until - dt.timedelta(days=rng.randint(deadline + 1, deadline + 60))
            review = ("pending", None, None)
            overdue_left -= 1
        else:
            received = start + dt.timedelta(days=rng.randint(0, 364))
            waited = rng.randint(2, 25)
            done = received + dt.timedelta(days=waited)
            if done <= until:
                review = ("duplicate" if rng.random() < 0.05 else "not_included", done, None)
            elif (until - received).days > deadline:
                continue  # would be one more overdue than planted
            else:
                review = ("pending", None, None)
        occurred = received - dt.timedelta(days=rng.randint(1, 20))
        planned.append(_plan(id_number, department, occurred, received, rng, review))
    counties = connection.execute(select(area.c.code).where(area.c.level == "county")
                                  .order_by(area.c.code)).scalars().all()
    receiver = random.Random(f"{seed}:signals:county")  # its own stream: the other rows stay as they were
    for _ in range(PLANTED["unknown"]):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 18000))
        first17 = f"429998{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        received = start + dt.timedelta(days=rng.randint(0, 364))
        planned.append(_plan(first17 + check_digit(first17), rng.choice(sorted(DEPARTMENT_KIND)),
                             received - dt.timedelta(days=rng.randint(1, 20)), received, rng, ("pending", None, None),
                             receiver.choice(counties)))
    planned += _dibao_edge(connection, until, seed, [row["id_number"] for row in planned])
    return _write(connection, planned, until, rng)


def _dibao_edge(connection: Connection, until: dt.date, seed: int, taken: list[str]) -> list[dict]:
    """民政's 低保边缘 recognitions of the last year: most on households not monitored, some on open cases."""
    rng = random.Random(f"{seed}:dibao_edge")
    case = monitoring_case.c
    open_ids = connection.execute(
        select(household.c.id_number).select_from(monitoring_case.join(household, household.c.id == case.household_id))
        .where(case.identified_on <= until, or_(case.eliminated_on.is_(None), case.eliminated_on > until),
               household.c.id_number.is_not(None)).order_by(household.c.id)).scalars().all()
    quiet = sorted(set(connection.execute(select(household.c.id_number).where(household.c.id_number.is_not(None))
                                          .order_by(household.c.id)).scalars().all()) - set(open_ids) - set(taken))
    monitored = PLANTED["dibao_edge"] // 3
    picked = [(n, "open") for n in rng.sample(sorted(set(open_ids)), monitored)]
    picked += [(n, "quiet") for n in rng.sample(quiet, PLANTED["dibao_edge"] - monitored)]
    rows = []
    for id_number, _where in picked:
        received = until - dt.timedelta(days=rng.randint(verify_days() + 5, 330))
        review = ("not_included", received + dt.timedelta(days=rng.randint(2, verify_days())), None)
        rows.append({"id_number": id_number, "department": "civil", "kind": "dibao_edge", "amount": None,
                     "occurred_on": received - dt.timedelta(days=rng.randint(1, 20)), "received_on": received,
                     "review": review, "county": None})  # verified in time wherever it is sent: no overdue beyond PLANTED
    return rows


def _plan(id_number: str, department: str, occurred: dt.date, received: dt.date, rng: random.Random,
          review: tuple, county: str | None = None) -> dict:
    kind, low, high = DEPARTMENT_KIND[department]
    amount = None if low is None else float(rng.randint(low, high))
    return {"id_number": id_number, "department": department, "kind": kind, "amount": amount,
            "occurred_on": occurred, "received_on": received, "review": review, "county": county}


def _write(connection: Connection, planned: list[dict], until: dt.date, rng: random.Random) -> dict[str, int]:
    # No explicit ids: PostgreSQL's sequences must stay ahead of what the app inserts later.
    seen: set[tuple] = set()
    by_day: dict[dt.date, list[dict]] = defaultdict(list)
    for row in planned:
        key = (row["department"], row["id_number"], row["kind"], row["occurred_on"])
        if key not in seen:
            seen.add(key)
            by_day[row["received_on"]].append(row)
    counts = {"signals": 0, "overdue": 0, "unknown": 0, "open_case": 0, "exited": 0, "general": 0, "included": 0}
    signals, plans = [], {}
    for day in sorted(by_day):
        rows = by_day[day]
        matches = match_people(connection, sorted({row["id_number"] for row in rows}), day)
        for row in rows:
            household_id, village, match = matches.get(row["id_number"], (None, row["county"], "unknown"))
            signals.append({"department": row["department"], "id_number": row["id_number"],
                            "household_id": household_id, "kind": row["kind"], "amount": row["amount"],
                            "occurred_on": row["occurred_on"], "received_on": day, "batch_id": None,
                            "match": match, "area_code": village})
            counts[match] += 1
            if match in ("exited", "general") and village:
                plans[(row["department"], row["id_number"], row["kind"], row["occurred_on"])] = (village, day,
                                                                                                 row["review"])
    counts["signals"] = len(signals)
    counts["reviews"] = 0
    for start in range(0, len(signals), 2000):
        connection.execute(insert(signal), signals[start:start + 2000])
    ids = {(d, i, k, o): signal_id for signal_id, d, i, k, o in connection.execute(
        select(signal.c.id, signal.c.department, signal.c.id_number, signal.c.kind, signal.c.occurred_on))}
    stamp = dt.datetime.combine(until, dt.time())
    sent, verified = [], []
    for key, (village, day, (outcome, verified_on, case_id)) in sorted(plans.items(), key=lambda item: ids[item[0]]):
        base = {"signal_id": ids[key], "area_code": village, "sent_on": day, "recorded_by": RECORDER,
                "recorded_at": stamp, "corrects": None, "case_id": None, "reviewer": None, "note": None}
        sent.append({**base, "verified_on": None, "outcome": None})
        if outcome == "pending":
            counts["overdue"] += (until - day).days > verify_days()
            continue
        verified.append({**base, "verified_on": verified_on, "outcome": outcome, "case_id": case_id,
                         "reviewer": RECORDER})
        counts["included"] += outcome == "included"
    counts["reviews"] = len(sent) + len(verified)
    for rows in (sent, verified):  # sent rows first: a signal's newest row (highest id) is its state
        for start in range(0, len(rows), 2000):
            connection.execute(insert(signal_review), rows[start:start + 2000])
    return counts
