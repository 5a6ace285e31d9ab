"""`python -m db import-signals FILE --department CODE`: one department's data for comparison (数据比对).

Each row names a person by 证件号码 and a fact (a cost, a new 低保, a dropout …) on a date. The row is
matched to a household through household_member.id_number, then household.id_number, and classified:
open_case (already monitored on the receipt date), exited (脱贫户), general (known household) or
unknown. Rows matched to an exited or a general household are sent to the household's village for
verification on receipt. Amount thresholds are county settings (rules/settings.py); a row below its
threshold is counted, not stored. Any bad row (named by its spreadsheet row number) writes nothing;
a row already imported (department + 证件号码 + kind + date) is counted and skipped, so re-importing a
file adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, func, insert, or_, select, true
from sqlalchemy.engine import Connection, Engine

from db.imports.batch import ImportSummary, Problem
from db.imports.ledger_checks import BadValue, id_number_ok, parse_day, parse_money
from db.imports.runner import Plan, run_import
from db.imports.table import Table, read_table
from db.schema import area, household, household_income, household_member, monitoring_case, signal, signal_review
from db.signal_state import catch_up, refresh_signals
from labels import t
from rules.settings import setting

AUTO_RECORDER = "auto"  # recorded_by of a review the import wrote by linking a case

KIND = "signals"
ID, NAME, SIGNAL_KIND, AMOUNT, OCCURRED = "id_number", "name", "kind", "amount", "occurred_on"
MATCHES = ("open_case", "exited", "general", "unknown")
NEEDS_VERIFICATION = frozenset({"exited", "general"})
# Header spellings seen in departments' lists (format names, not UI text).
HEADER_ALIASES: dict[str, str] = {
    "证件号码": ID, "身份证号": ID, "身份证号码": ID, "公民身份号码": ID, "身份证件号码": ID, "证件号": ID,
    "姓名": NAME, "参保人姓名": NAME, "救助对象姓名": NAME, "学生姓名": NAME, "户主姓名": NAME,
    "事项": SIGNAL_KIND, "类别": SIGNAL_KIND, "救助类型": SIGNAL_KIND, "预警类型": SIGNAL_KIND, "类型": SIGNAL_KIND,
    "金额": AMOUNT, "个人自付金额": AMOUNT, "自付金额": AMOUNT, "合规自付": AMOUNT, "损失金额": AMOUNT,
    "费用": AMOUNT, "未参保月数": AMOUNT, "月数": AMOUNT,
    "发生日期": OCCURRED, "日期": OCCURRED, "结算日期": OCCURRED, "出院日期": OCCURRED, "认定日期": OCCURRED,
    "发生时间": OCCURRED, "审批日期": OCCURRED, "发证日期": OCCURRED, "登记日期": OCCURRED,
}
REQUIRED = (ID, OCCURRED)


@dataclass(frozen=True)
class Department:
    """A department's data: its code, the kind of a row without a kind column, its value table."""

    code: str
    default_kind: str | None
    kinds: dict[str, str]  # the department's own words -> kind code
    thresholds: dict[str, str]  # kind code -> county setting its amount must reach
    # Kinds whose amount also counts when it reaches `rigid_share` of the household's yearly net
    # income, below the threshold (医保: 个人自付 over 5,000 元 or over half the household's income).
    income_kinds: tuple[str, ...] = ()


# The departments of REAL_DATA.md and their typical rows: one table, a new value is one entry.
DEPARTMENTS: dict[str, Department] = {d.code: d for d in (
    Department("medical", "out_of_pocket", {"自付费用": "out_of_pocket", "住院自付": "hospital_stay",
                                            "住院": "hospital_stay", "门诊慢特病": "out_of_pocket"},
               {"out_of_pocket": "medical_out_of_pocket_year", "hospital_stay": "medical_out_of_pocket_stay"},
               ("out_of_pocket", "hospital_stay")),
    Department("health", "serious_illness", {"大病": "serious_illness", "新发大病": "serious_illness"}, {}),
    Department("civil", None, {"低保": "dibao", "新增低保": "dibao", "特困": "tekun", "特困供养": "tekun",
                               "临时救助": "temporary_relief", "低保边缘": "dibao_edge", "孤儿": "orphan"}, {}),
    Department("disability", "severe_disability", {"重度残疾": "severe_disability", "新办残疾证": "disability"}, {}),
    Department("education", "dropout", {"辍学": "dropout", "疑似辍学": "dropout", "教育支出": "education_cost",
                                        "学费": "education_cost"}, {"education_cost": "education_cost"}),
    Department("emergency", "disaster_loss", {"灾害损失": "disaster_loss", "受灾": "disaster_loss"},
               {"disaster_loss": "disaster_loss"}),
    Department("hrss", "unemployment", {"失业": "unemployment", "断保": "unemployment"},
               {"unemployment": "unemployment_months"}),
    Department("housing", "unsafe_house", {"危房": "unsafe_house", "C级危房": "unsafe_house",
                                          "D级危房": "unsafe_house"}, {}),
    Department("police", "accident", {"意外事故": "accident", "交通事故": "accident", "伤残": "accident",
                                     "死亡": "accident"}, {}),
)}


# The codes the issue and some counties' scripts use, accepted for the short ones above.
DEPARTMENT_ALIASES = {"medical_insurance": "medical", "civil_affairs": "civil", "disabled_persons": "disability",
                      "human_resources": "hrss", "public_security": "police"}


@dataclass(frozen=True)
class SignalRow:
    """One checked row: who, what, when, and how much."""

    row: int
    id_number: str
    kind: str
    amount: float | None
    occurred_on: dt.date
    by_income: bool = False  # below the threshold: kept only if it reaches the share of the income


def check_rows(table: Table, department: Department, received: dt.date,
               settings: dict[str, float] | None = None) -> tuple[list[SignalRow], list[Problem], int]:
    """Checked rows, the problems by row number, and how many rows fell below their threshold."""
    problems: list[Problem] = []
    rows: list[SignalRow] = []
    seen: dict[tuple, int] = {}
    below = 0
    columns = table.columns
    if department.default_kind is None and SIGNAL_KIND not in columns:
        problems.append(Problem.error("no_kind_column", t("signal_import.no_kind_column")))
        return [], problems, 0
    for number, cells in table.rows:
        before = len(problems)
        id_number = cells[ID].replace(" ", "").upper()
        if not id_number_ok(id_number):
            problems.append(Problem.error("bad_id_number", t("signal_import.bad_id_number"), row=number,
                                          column=columns[ID], value=cells[ID]))
        occurred = _day(cells[OCCURRED])
        if occurred is None:
            problems.append(Problem.error("bad_date", t("signal_import.bad_date"), row=number,
                                          column=columns[OCCURRED], value=cells[OCCURRED]))
        elif occurred > received:
            problems.append(Problem.error("date_after_receipt", t("signal_import.date_after_receipt",
                                                                  received=received.isoformat()),
                                          row=number, column=columns[OCCURRED], value=cells[OCCURRED]))
        kind = department.default_kind
        if cells.get(SIGNAL_KIND):
            kind = department.kinds.get(cells[SIGNAL_KIND].strip())
            if kind is None:
                problems.append(Problem.error("unknown_kind", t("signal_import.unknown_kind",
                                                                known="、".join(department.kinds)),
                                              row=number, column=columns[SIGNAL_KIND], value=cells[SIGNAL_KIND]))
        elif kind is None:
            problems.append(Problem.error("missing_kind", t("signal_import.missing_kind"), row=number,
                                          column=columns[SIGNAL_KIND], value=""))
        amount = None
        if cells.get(AMOUNT):
            try:
                amount = parse_money(cells[AMOUNT])
            except BadValue:
                problems.append(Problem.error("bad_amount", t("signal_import.bad_amount"), row=number,
                                              column=columns[AMOUNT], value=cells[AMOUNT]))
        if len(problems) > before:
            continue
        threshold = department.thresholds.get(kind)
        by_income = bool(threshold and (amount is None or amount < setting(threshold, settings)))
        if by_income and (amount is None or kind not in department.income_kinds):
            below += 1
            continue
        key = (id_number, kind, occurred)
        if key in seen:
            problems.append(Problem.warning("duplicate_row", t("signal_import.duplicate_row", first=seen[key]),
                                            row=number, column=columns[ID], value=id_number))
            continue
        seen[key] = number
        rows.append(SignalRow(number, id_number, kind, amount, occurred, by_income))
    return rows, problems, below


def _day(text: str) -> dt.date | None:
    """A full date; a month alone is too vague to deduplicate on; an Excel date cell's time is dropped."""
    text = text.removesuffix(" 00:00:00")
    if len(text.replace("-", "").replace("/", "").replace(".", "")) < 8:
        return None
    try:
        return parse_day(text)
    except BadValue:
        return None


# Digits of the 12-digit statistical code that name an area at each level (the receiving area's range).
PREFIX_DIGITS = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}


def receiving_area(connection: Connection, area_code: str | None) -> tuple[str, str] | None:
    """(code, level) of the area a file was received for: the one named, else the database's only
    county; None when the code is unknown or, unnamed, the database holds several counties."""
    if area_code:
        level = connection.execute(select(area.c.level).where(area.c.code == area_code)).scalar()
        return (area_code, level) if level in PREFIX_DIGITS else None
    counties = connection.execute(select(area.c.code).where(area.c.level == "county").limit(2)).scalars().all()
    return (counties[0], "county") if len(counties) == 1 else None


def match_people(connection: Connection, id_numbers: list[str], on: dt.date,
                 within: tuple[str, str] | None = None) -> dict[str, tuple[int, str, str]]:
    """证件号码 -> (household id, village code, match) for the people known (under the area `within`,
    (code, level), when given); members first, then heads."""
    found: dict[str, tuple[int, str]] = {}
    inside = true()
    if within:
        prefix = within[0][:PREFIX_DIGITS[within[1]]]
        inside = household.c.village_code.between(prefix.ljust(12, "0"), prefix.ljust(12, "9"))
    for start in range(0, len(id_numbers), 500):
        chunk = id_numbers[start:start + 500]
        heads = connection.execute(select(household.c.id_number, household.c.id, household.c.village_code)
                                   .where(household.c.id_number.in_(chunk), inside)).all()
        members = connection.execute(
            select(household_member.c.id_number, household.c.id, household.c.village_code)
            .select_from(household_member.join(household, household.c.id == household_member.c.household_id))
            .where(household_member.c.id_number.in_(chunk), inside)).all()
        for id_number, household_id, village in [*heads, *members]:  # members overwrite heads
            found[id_number] = (int(household_id), village)
    if not found:
        return {}
    ids = sorted({household_id for household_id, _ in found.values()})
    open_cases: set[int] = set()
    status: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        case = monitoring_case.c
        open_cases.update(connection.execute(
            select(case.household_id).where(case.household_id.in_(chunk), case.identified_on <= on,
                                            or_(case.eliminated_on.is_(None), case.eliminated_on > on))).scalars())
        status.update(dict(connection.execute(select(household.c.id, household.c.poverty_status)
                                              .where(household.c.id.in_(chunk))).all()))
    result = {}
    for id_number, (household_id, village) in found.items():
        if household_id in open_cases:
            match = "open_case"
        elif status.get(household_id) == "exited":
            match = "exited"
        else:
            match = "general"
        result[id_number] = (household_id, village, match)
    return result


def _reaching_income(connection: Connection, rows: list[SignalRow], matches: dict[str, tuple[int, str, str]],
                     received: dt.date, settings: dict[str, float] | None) -> list[SignalRow]:
    """The rows to keep: every row above its threshold, and a row below it whose amount reaches the
    rigid-spending share of its household's net income (per capita × size, latest year up to receipt)."""
    households = sorted({matches[row.id_number][0] for row in rows if row.by_income and row.id_number in matches})
    income: dict[int, float] = {}
    for start in range(0, len(households), 500):
        chunk = households[start:start + 500]
        for household_id, _year, net, size in connection.execute(
                select(household_income.c.household_id, household_income.c.year, household_income.c.per_capita_net,
                       household.c.size)
                .select_from(household_income.join(household, household.c.id == household_income.c.household_id))
                .where(household_income.c.household_id.in_(chunk), household_income.c.year <= received.year)
                .order_by(household_income.c.household_id, household_income.c.year)):
            income[int(household_id)] = float(net) * int(size)  # the latest year wins
    share = setting("rigid_share", settings)

    def reaches(row: SignalRow) -> bool:
        household_id = matches.get(row.id_number, (None,))[0]
        return household_id in income and income[household_id] > 0 and row.amount >= share * income[household_id]

    return [row for row in rows if not row.by_income or reaches(row)]


def _already_imported(connection: Connection, department: str, rows: list[SignalRow]) -> set[tuple]:
    keys: set[tuple] = set()
    ids = sorted({row.id_number for row in rows})
    for start in range(0, len(ids), 500):
        keys.update(tuple(found) for found in connection.execute(
            select(signal.c.id_number, signal.c.kind, signal.c.occurred_on)
            .where(signal.c.department == department, signal.c.id_number.in_(ids[start:start + 500]))).all())
    return keys


def import_signals(engine: Engine, path: Path, department: str, *, received: dt.date | None = None,
                   check: bool = False, imported_by: str | None = None,
                   settings: dict[str, float] | None = None, area_code: str | None = None) -> ImportSummary:
    """Check one department's file and (unless check) write its new signals in one transaction.

    `area_code` is the area the file was received for (default: the database's only county): people
    are matched among its households, and a signal of an unknown person belongs to it, so only
    viewers whose scope covers that area see it."""
    department = DEPARTMENT_ALIASES.get(department, department)
    if department not in DEPARTMENTS:
        raise ValueError(f"unknown department: {department} (known: {', '.join(DEPARTMENTS)})")
    spec = DEPARTMENTS[department]
    received = received or dt.date.today()

    def plan(connection: Connection, table: Table) -> Plan:
        rows, problems, below = check_rows(table, spec, received, settings)
        receiver = receiving_area(connection, area_code)
        if receiver is None:
            problems.append(Problem.error("no_area", t("signal_import.no_area", area=area_code or "-")))
        if not rows and not any(p.is_error for p in problems) and not below:
            problems.append(Problem.error("no_rows", t("signal_import.no_rows")))
        matches = match_people(connection, sorted({row.id_number for row in rows}), received, receiver)
        kept = _reaching_income(connection, rows, matches, received, settings)
        below += len(rows) - len(kept)
        rows = kept
        known = _already_imported(connection, department, rows)
        fresh = [row for row in rows if (row.id_number, row.kind, row.occurred_on) not in known]
        counts = {f"signals_{m}": 0 for m in MATCHES}
        for row in fresh:
            counts[f"signals_{matches.get(row.id_number, (None, None, 'unknown'))[2]}"] += 1
        counts.update(below_threshold=below, already_imported=len(rows) - len(fresh))
        rejected = len({p.row for p in problems if p.is_error and p.row is not None})

        def write(write_connection: Connection) -> dict[str, int]:
            return _write(write_connection, department, fresh, matches, received, imported_by, receiver[0])

        return Plan(problems, len(table.rows), rejected, write, counts=counts, asof=received)

    summary = run_import(engine, KIND, path, lambda source: read_table(source, HEADER_ALIASES, REQUIRED), plan,
                         check=check, imported_by=imported_by)
    if summary.status == "done" and summary.batch_id is not None:
        with engine.begin() as connection:  # the batch is recorded after the data: point the rows at it
            connection.execute(signal.update().where(signal.c.batch_id.is_(None),
                                                     signal.c.received_on == received,
                                                     signal.c.department == department)
                               .values(batch_id=summary.batch_id))
        catch_up(engine)  # the signals and reviews the import added, and any other writer added
    return summary


def _write(connection: Connection, department: str, rows: list[SignalRow], matches: dict[str, tuple[int, str, str]],
           received: dt.date, imported_by: str | None, receiver: str) -> dict[str, int]:
    if not rows:
        return {"added": 0, "sent": 0}
    values = []
    for row in rows:
        household_id, village, match = matches.get(row.id_number, (None, receiver, "unknown"))
        values.append({"department": department, "id_number": row.id_number, "household_id": household_id,
                       "kind": row.kind, "amount": row.amount, "occurred_on": row.occurred_on,
                       "received_on": received, "batch_id": None, "match": match, "area_code": village})
    connection.execute(insert(signal), values)
    keys = [(row.id_number, row.kind, row.occurred_on) for row in rows]
    written = connection.execute(
        select(signal.c.id, signal.c.area_code, signal.c.match)
        .where(signal.c.department == department, signal.c.received_on == received,
               signal.c.match.in_(NEEDS_VERIFICATION), signal.c.batch_id.is_(None),  # this import's rows only
               signal.c.id_number.in_(sorted({key[0] for key in keys})))).all()
    now = dt.datetime.now()
    sent = [{"signal_id": signal_id, "area_code": area_code, "sent_on": received, "recorded_by": imported_by or "-",
             "recorded_at": now} for signal_id, area_code, match in written if area_code]
    if sent:
        connection.execute(insert(signal_review), sent)
    return {"added": len(values), "sent": len(sent), "linked": link_cases(connection)}


def link_cases(connection: Connection, days: int | None = None, settings: dict[str, float] | None = None) -> int:
    """Link waiting signals to a case of their household identified within `days` of receipt.

    A signal still waiting for verification (or verified `included` without a case) whose household
    got a case identified on or after its receipt and at most `days` later gets a new review row:
    `included` with that case, verified on the identification date. Returns how many were linked.
    """
    days = int(days if days is not None else setting("signal_autolink_days", settings))
    review = signal_review.c
    newest = select(review.signal_id, func.max(review.id).label("review_id")).group_by(review.signal_id).subquery()
    case = monitoring_case.c
    rows = connection.execute(
        select(review.id, review.signal_id, review.area_code, review.sent_on, review.verified_on, signal.c.received_on,
               case.id.label("case_id"), case.identified_on)
        .select_from(signal_review.join(newest, newest.c.review_id == review.id)
                     .join(signal, signal.c.id == review.signal_id)
                     .join(monitoring_case, case.household_id == signal.c.household_id))
        .where(or_(review.verified_on.is_(None), and_(review.outcome == "included", review.case_id.is_(None))),
               case.identified_on >= signal.c.received_on)
        .order_by(review.signal_id, case.identified_on, case.id)).all()
    linked: dict[int, dict] = {}
    for row in rows:
        if row.signal_id in linked or (row.identified_on - row.received_on).days > days:
            continue
        linked[row.signal_id] = {"signal_id": row.signal_id, "area_code": row.area_code, "sent_on": row.sent_on,
                                 "verified_on": row.identified_on, "outcome": "included", "case_id": row.case_id,
                                 "reviewer": None, "note": None, "recorded_by": AUTO_RECORDER,
                                 "recorded_at": dt.datetime.now(),
                                 "corrects": row.id if row.verified_on is not None else None}
    if linked:
        connection.execute(insert(signal_review), list(linked.values()))
        refresh_signals(connection, linked)  # their state with the rows, or neither
    return len(linked)
