"""Write a checked export into the monitoring database, keeping history (one transaction, the caller's).

History semantics: the export is a snapshot as of its date. Households are upserted by 户编号
(external_id), people by 证件号码. A case keeps the dates of its own columns; a later export that
marks it eliminated adds the elimination date; nothing already dated is rewritten. Income goes to
the export year, 三保障 answers become checks dated the export date (an earlier open problem the
export shows solved gets that date as resolved_on), measures start at the first export showing them
and end at the first newer export that no longer does. An export older than one already imported
only adds history: the households' and people's current state stays as the newer export left it.
Writing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.engine import Connection

from db.dialects import spec_for
from db.imports.ledger_checks import parse_yes
from db.imports.ledger_columns import MEASURE_FIELDS
from db.imports.ledger_parse import Household, ParsedLedger, poverty_status
from db.schema import (assistance, case_risk, guarantee_check, household, household_income, household_member,
                       monitoring_case)
from rules.labor import household_labor

IN_CHUNK = 900  # values per IN list: under every engine's bound-parameter limit
HOUSEHOLD_COLUMNS = ("village_code", "head_name", "id_number", "phone", "size", "poverty_status", "exited_year",
                     "labor_capacity", "relocated", "helper_name")
MEMBER_COLUMNS = ("household_id", "name", "relation", "sex", "birth_date", "health", "labor_skill", "schooling",
                  "medical_insured")
INCOME_COLUMNS = ("per_capita_net", "wage", "business", "property", "transfer", "rigid_expenditure")
SOCIAL_KINDS = frozenset({"dibao", "tekun", "temporary_relief"})


@dataclass
class WriteCounts:
    """Rows added and updated per table."""

    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, count: int, updated: bool = False) -> None:
        """Count rows written to a table."""
        target = self.updated if updated else self.added
        target[table] = target.get(table, 0) + count


def write_ledger(connection: Connection, parsed: ParsedLedger, newest: bool,
                 progress: Callable[[float], None] | None = None) -> WriteCounts:
    """Write the parsed export; the caller owns the transaction."""
    tick = progress or (lambda share: None)
    writer = _Writer(connection, parsed, newest)
    steps = (writer.households, writer.members, writer.cases, writer.incomes, writer.checks, writer.measures)
    for number, step in enumerate(steps):
        step()
        tick((number + 1) / len(steps))
    return writer.counts


class _Writer:
    def __init__(self, connection: Connection, parsed: ParsedLedger, newest: bool) -> None:
        self.connection = connection
        self.parsed = parsed
        self.asof: dt.date = parsed.asof
        self.newest = newest
        self.counts = WriteCounts()
        self.batch = spec_for(connection.dialect.name).insert_batch_rows
        self.ids: dict[str, int] = {}  # 户编号 -> household.id

    # helpers -------------------------------------------------------------------------------------
    def next_id(self, table: Table) -> int:
        return int(self.connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar()) + 1

    def rows_in(self, query, column, values: Iterable) -> list:
        values = list(values)
        found: list = []
        for start in range(0, len(values), IN_CHUNK):
            found.extend(self.connection.execute(query.where(column.in_(values[start:start + IN_CHUNK]))).all())
        return found

    def insert(self, table: Table, rows: list[dict]) -> None:
        for start in range(0, len(rows), self.batch):
            self.connection.execute(table.insert(), rows[start:start + self.batch])
        self.counts.add(table.name, len(rows))

    def update_by_id(self, table: Table, rows: list[dict], columns: Iterable[str]) -> None:
        if not rows:
            return
        statement = update(table).where(table.c.id == bindparam("row_id")).values(
            {name: bindparam(f"v_{name}") for name in columns})
        params = [{"row_id": row["id"], **{f"v_{name}": row[name] for name in columns}} for row in rows]
        for start in range(0, len(params), self.batch):
            self.connection.execute(statement, params[start:start + self.batch])
        self.counts.add(table.name, len(rows), updated=True)

    # steps ---------------------------------------------------------------------------------------
    def households(self) -> None:
        existing = {row.external_id: row for row in self.rows_in(
            select(household.c.id, household.c.external_id, *(household.c[n] for n in HOUSEHOLD_COLUMNS)),
            household.c.external_id, self.parsed.households)}
        new_id = self.next_id(household)
        added, changed = [], []
        for key, h in self.parsed.households.items():
            row = _household_row(h)
            old = existing.get(key)
            if old is None:
                added.append({"id": new_id, "external_id": key, **row})
                self.ids[key] = new_id
                new_id += 1
                continue
            self.ids[key] = old.id
            if self.newest and any(getattr(old, name) != row[name] for name in HOUSEHOLD_COLUMNS):
                changed.append({"id": old.id, **row})
        self.insert(household, added)
        self.update_by_id(household, changed, HOUSEHOLD_COLUMNS)

    def members(self) -> None:
        people = {p.id_number: (self.ids[h.external_id], p)
                  for h in self.parsed.households.values() for p in h.persons}
        existing = {row.id_number: row for row in self.rows_in(
            select(household_member.c.id, household_member.c.id_number,
                   *(household_member.c[n] for n in MEMBER_COLUMNS)),
            household_member.c.id_number, people)}
        new_id = self.next_id(household_member)
        added, changed = [], []
        for id_number, (household_id, person) in people.items():
            row = {"household_id": household_id, "name": person.name, "relation": person.relation,
                   "sex": person.sex, "birth_date": person.birth_date, "health": person.health,
                   "labor_skill": person.labor_skill, "schooling": person.schooling,
                   "medical_insured": person.medical_insured}
            old = existing.get(id_number)
            if old is None:
                added.append({"id": new_id, "id_number": id_number, **row})
                new_id += 1
            elif self.newest and any(getattr(old, name) != row[name] for name in MEMBER_COLUMNS):
                changed.append({"id": old.id, **row})
        self.insert(household_member, added)
        self.update_by_id(household_member, changed, MEMBER_COLUMNS)

    def cases(self) -> None:
        with_case = {self.ids[h.external_id]: h for h in self.parsed.households.values()
                     if h.case_type and h.identified}
        existing: dict[int, list] = {}
        for row in self.rows_in(select(monitoring_case), monitoring_case.c.household_id, with_case):
            existing.setdefault(row.household_id, []).append(row)
        risks = {(row.case_id, row.risk_code) for row in self.rows_in(
            select(case_risk), case_risk.c.case_id, [r.id for rows in existing.values() for r in rows])}
        new_id = self.next_id(monitoring_case)
        added, eliminated, risk_rows = [], [], []
        for household_id, h in with_case.items():
            month = (h.identified.year, h.identified.month)
            case = next((r for r in existing.get(household_id, [])
                         if (r.identified_on.year, r.identified_on.month) == month), None)
            if case is None:
                case_id = new_id
                new_id += 1
                added.append({"id": case_id, "household_id": household_id, "case_type": h.case_type,
                              "identified_on": h.identified, "eliminated_on": h.eliminated,
                              "elimination_kind": h.elimination_kind})
            else:
                case_id = case.id
                if case.eliminated_on is None and h.eliminated is not None:
                    eliminated.append({"id": case_id, "eliminated_on": h.eliminated,
                                       "elimination_kind": h.elimination_kind})
            risk_rows += [{"case_id": case_id, "risk_code": code} for code in h.risks
                          if (case_id, code) not in risks]
        self.insert(monitoring_case, added)
        self.update_by_id(monitoring_case, eliminated, ("eliminated_on", "elimination_kind"))
        self.insert(case_risk, risk_rows)

    def incomes(self) -> None:
        by_year: dict[int, dict[int, dict]] = {}  # income year -> household id -> row
        for h in self.parsed.households.values():
            row = _income_row(h)
            if row:
                by_year.setdefault(h.income_year or self.asof.year, {})[self.ids[h.external_id]] = row
        added, changed = [], []
        for year, rows in sorted(by_year.items()):
            existing = {row.household_id: row for row in self.rows_in(
                select(household_income).where(household_income.c.year == year), household_income.c.household_id,
                rows)}
            for household_id, row in rows.items():
                old = existing.get(household_id)
                if old is None:
                    added.append({"household_id": household_id, "year": year, **row})
                elif self.newest and any(getattr(old, name) != row[name] for name in INCOME_COLUMNS):
                    changed.append({"b_household": household_id, "b_year": year,
                                    **{f"v_{n}": row[n] for n in INCOME_COLUMNS}})
        self.insert(household_income, added)
        if changed:
            statement = update(household_income).where(and_(
                household_income.c.household_id == bindparam("b_household"),
                household_income.c.year == bindparam("b_year"))).values(
                {n: bindparam(f"v_{n}") for n in INCOME_COLUMNS})
            self.connection.execute(statement, changed)
            self.counts.add(household_income.name, len(changed), updated=True)

    def checks(self) -> None:
        answers = {(self.ids[h.external_id], item): ok for h in self.parsed.households.values()
                   for item, ok in h.guarantees.items()}
        households = {household_id for household_id, _ in answers}
        query = select(guarantee_check.c.id, guarantee_check.c.household_id, guarantee_check.c.item,
                       guarantee_check.c.checked_on).where(or_(
                           guarantee_check.c.checked_on == self.asof,
                           and_(guarantee_check.c.ok.is_(False), guarantee_check.c.resolved_on.is_(None),
                                guarantee_check.c.checked_on < self.asof)))
        dated, still_open = set(), {}
        for row in self.rows_in(query, guarantee_check.c.household_id, households):
            if row.checked_on == self.asof:
                dated.add((row.household_id, row.item))
            else:
                still_open.setdefault((row.household_id, row.item), []).append(row.id)
        new_id = self.next_id(guarantee_check)
        added, solved = [], []
        issue = self.parsed.issues
        for (household_id, item), ok in answers.items():
            continuing = not ok and (household_id, item) in still_open  # the open row stands
            if (household_id, item) not in dated and not continuing:
                added.append({"id": new_id, "household_id": household_id, "item": item, "ok": ok,
                              "checked_on": self.asof, "issue": None if ok else issue.get(item),
                              "resolved_on": None})
                new_id += 1
            if ok:
                solved += [{"id": check_id, "resolved_on": self.asof}
                           for check_id in still_open.get((household_id, item), [])]
        self.insert(guarantee_check, added)
        self.update_by_id(guarantee_check, solved, ("resolved_on",))

    def measures(self) -> None:
        shown = {self.ids[h.external_id]: h.measures for h in self.parsed.households.values()}
        covered = {MEASURE_FIELDS[name] for name in MEASURE_FIELDS if name in self.parsed.fields}
        if "m_social_security" in self.parsed.fields:  # 综合保障 names 低保, 特困 and 临时救助
            covered |= SOCIAL_KINDS
        running: dict[int, dict[str, list]] = {}
        query = select(assistance.c.id, assistance.c.household_id, assistance.c.kind,
                       assistance.c.started_on).where(or_(assistance.c.ended_on.is_(None),
                                                          assistance.c.ended_on > self.asof))
        for row in self.rows_in(query, assistance.c.household_id, shown):
            if row.started_on <= self.asof:
                running.setdefault(row.household_id, {}).setdefault(row.kind, []).append(row.id)
        new_id = self.next_id(assistance)
        added, ended = [], []
        for household_id, kinds in shown.items():
            now = running.get(household_id, {})
            for kind in sorted(kinds - set(now)):
                added.append({"id": new_id, "household_id": household_id, "kind": kind, "started_on": self.asof,
                              "ended_on": None, "amount": None})
                new_id += 1
            if self.newest:
                for kind in sorted((set(now) & covered) - kinds):
                    ended += [{"id": row_id, "ended_on": self.asof} for row_id in now[kind]]
        self.insert(assistance, added)
        self.update_by_id(assistance, ended, ("ended_on",))


def _household_row(h: Household) -> dict:
    head = next((p for p in h.persons if p.relation == "head"), h.persons[0] if h.persons else None)
    values = h.values
    exited_year = values.get("exited_year", "")
    return {
        "village_code": h.village_code, "head_name": head.name if head else "",
        "id_number": head.id_number if head else None, "phone": values.get("phone") or None,
        "size": h.size if h.size is not None else len(h.persons), "poverty_status": poverty_status(values),
        "exited_year": int(float(exited_year)) if exited_year.replace(".", "").isdigit() else None,
        "labor_capacity": household_labor(p.labor_skill for p in h.persons),
        "relocated": bool(parse_yes(values.get("relocated", ""))), "helper_name": values.get("helper") or None,
    }


def _income_row(h: Household) -> dict | None:
    money = h.money
    net = money.get("per_capita_net")
    size = h.size or len(h.persons)
    if net is None and money.get("net_total") is not None and size:
        net = round(money["net_total"] / size, 2)
    if net is None:
        return None
    return {"per_capita_net": net, "wage": money.get("wage"), "business": money.get("business"),
            "property": money.get("property"), "transfer": money.get("transfer"),
            "rigid_expenditure": money.get("rigid_expenditure")}
