"""Parse and check a national-system export (one row per person) into households, naming bad rows.

Reads the sheet as a stream, finds the header row below the title rows, keeps the columns of
ledger_columns.COLUMN_VARIANTS and reports the rest as ignored (one warning). Household-level
columns repeat on every person row; the first filled cell of a household counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from db.imports.batch import Problem
from db.imports.ledger_checks import (BadValue, id_number_ok, nearest, parse_day, parse_money, parse_month,
                                      parse_yes, title_date)
from db.imports.ledger_columns import (CASE_TYPES, COLUMN_VARIANTS, ELIMINATION_KINDS, EXITED_HOUSEHOLD_WORD,
                                       GUARANTEE_FIELDS, HEALTH, LABOR_SKILLS, MEASURE_FIELDS, MONEY_FIELDS,
                                       RELATIONS, REQUIRED_FIELDS, RISK_CODES, RISK_FIELDS, SEXES,
                                       NOT_RECEIVED_WORDS, POLICY_FIELDS, SOCIAL_SECURITY_KINDS, header_fields)
from db.imports.sheet_reader import Row, cell_text
from labels import t

HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class AreaIndex:
    """The area tree as names: (township name, village name) -> village code, for matching."""

    villages: dict[tuple[str, str], str]
    townships: dict[str, list[str]]  # township name -> its village names
    within: Callable[[str], bool] | None = None  # the importer's own areas (an upload's scope), None: all

    def match(self, township: str, village: str) -> str | None:
        """The village code, or None when the pair is unknown."""
        return self.villages.get((township, village))


@dataclass
class Person:
    """One person row, checked."""

    row: int
    name: str
    id_number: str
    relation: str | None
    sex: str | None
    birth_date: dt.date | None
    health: str | None
    labor_skill: str | None
    schooling: str | None
    medical_insured: bool | None


@dataclass
class Household:
    """One 户编号: its people and the household-level facts of the export."""

    external_id: str
    first_row: int
    village_code: str | None = None
    persons: list[Person] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)  # household-level cells, first filled wins
    rows: dict[str, int] = field(default_factory=dict)  # the row each value came from
    size: int | None = None
    case_type: str | None = None
    identified: dt.date | None = None
    eliminated: dt.date | None = None
    elimination_kind: str | None = None
    risks: list[str] = field(default_factory=list)
    money: dict[str, float | None] = field(default_factory=dict)
    income_year: int | None = None  # None: the export's own year
    guarantees: dict[str, bool] = field(default_factory=dict)  # item -> ok
    measures: set[str] = field(default_factory=set)


@dataclass
class ParsedLedger:
    """What a file holds: its households, its date, its problems, and the columns it has."""

    sheet: str | None
    asof: dt.date | None
    households: dict[str, Household]
    problems: list[Problem]
    fields: set[str]
    rows_read: int = 0
    rejected_rows: set[int] = field(default_factory=set)
    issues: dict[str, str] = field(default_factory=dict)  # 三保障 item -> the header naming its problem


PERSON_FIELDS = ("name", "id_number", "relation", "sex", "birth_date", "health", "labor_skill", "schooling",
                 "medical_insured", "id_type", "person_no")
HOUSEHOLD_FIELDS = tuple(f for f in COLUMN_VARIANTS if f not in PERSON_FIELDS + ("household_no",))


def parse_ledger(rows: Iterator[Row], areas: AreaIndex, asof: dt.date | None,
                 tick: Callable[[int], None] | None = None) -> ParsedLedger:
    """Read, check and group the rows of one export; problems name the spreadsheet's rows."""
    problems: list[Problem] = []
    titles: list[str] = []
    columns: dict[int, str] = {}
    header: tuple = ()
    sheet = None
    for sheet, number, values in rows:
        found = header_fields(list(values))
        if sum(f in found.values() for f in REQUIRED_FIELDS) >= 3:
            columns, header = found, values
            break
        titles.append(" ".join(cell_text(v) for v in values if v is not None))
        if number >= HEADER_SEARCH_ROWS:
            break
    parsed = ParsedLedger(sheet, None, {}, problems, set(columns.values()))
    if not columns:
        problems.append(Problem.error("no_header", t("ledger.no_header", rows=HEADER_SEARCH_ROWS), sheet=sheet))
        return parsed
    missing = [COLUMN_VARIANTS[f][0] for f in REQUIRED_FIELDS if f not in parsed.fields]
    for name in missing:
        problems.append(Problem.error("missing_column", t("ledger.missing_column", column=name), sheet=sheet,
                                      column=name))
    ignored = [cell_text(v) for i, v in enumerate(header) if i not in columns and cell_text(v)]
    if ignored:
        problems.append(Problem.warning("ignored_columns", t("ledger.ignored_columns", count=len(ignored),
                                        names="、".join(ignored)), sheet=sheet))
    stated = title_date(titles)
    parsed.asof = asof or stated
    if asof and stated and asof != stated:
        problems.append(Problem.warning("asof_differs", t("ledger.asof_differs", given=asof, stated=stated),
                                        sheet=sheet))
    if parsed.asof is None:
        problems.append(Problem.error("no_asof", t("ledger.no_asof"), sheet=sheet))
    if missing:
        return parsed
    header_name = {f: cell_text(header[i]) for i, f in columns.items()}
    parsed.issues = {item: header_name[name] for name, (item, problem) in GUARANTEE_FIELDS.items()
                     if name in header_name and problem}
    checker = _RowChecker(parsed, areas, header_name)
    for sheet_name, number, values in rows:
        cells = {f: cell_text(values[i]) if i < len(values) else "" for i, f in columns.items()}
        if not any(cells.values()):
            continue
        parsed.rows_read += 1
        checker.row(number, cells)
        if tick and parsed.rows_read % 1000 == 0:
            tick(parsed.rows_read)
    checker.finish()
    return parsed


class _RowChecker:
    """Checks rows one by one and groups them by household; holds the cross-row state."""

    def __init__(self, parsed: ParsedLedger, areas: AreaIndex, header_name: dict[str, str]) -> None:
        self.parsed = parsed
        self.areas = areas
        self.header = header_name
        self.owner: dict[str, tuple[str, int]] = {}  # id number -> (户编号, row)
        self.village_cache: dict[tuple[str, str], str | None] = {}

    def problem(self, code: str, row: int, field_name: str | None, value: object, **values: object) -> None:
        """Record an error at a row and column."""
        self.parsed.problems.append(Problem.error(
            code, t(f"ledger.{code}", value=value, **values), sheet=self.parsed.sheet, row=row,
            column=self.header.get(field_name) if field_name else None, value=value))
        self.parsed.rejected_rows.add(row)

    def warn(self, code: str, row: int | None, field_name: str | None, value: object, **values: object) -> None:
        """Record a warning."""
        self.parsed.problems.append(Problem.warning(
            code, t(f"ledger.{code}", value=value, **values), sheet=self.parsed.sheet, row=row,
            column=self.header.get(field_name) if field_name else None, value=value))

    def row(self, number: int, cells: dict[str, str]) -> None:
        """Check one person row and add it to its household."""
        key = cells.get("household_no", "")
        if not key:
            self.problem("missing_value", number, "household_no", "", column=self.header["household_no"])
            return
        village_code = self.village(number, cells)  # every row: each bad one is named
        household = self.parsed.households.get(key)
        if household is None:
            household = self.parsed.households[key] = Household(key, number, village_code)
        for name in HOUSEHOLD_FIELDS:
            value = cells.get(name, "")
            if value and name not in household.values:
                household.values[name] = value
                household.rows[name] = number
        person = self.person(number, cells, key)
        if person:
            household.persons.append(person)

    def village(self, number: int, cells: dict[str, str]) -> str | None:
        township, village = cells.get("township", ""), cells.get("village", "")
        pair = (township, village)
        if pair not in self.village_cache:
            self.village_cache[pair] = self.areas.match(township, village)
            if self.village_cache[pair] is None:
                self._unknown_place(number, township, village)
        elif self.village_cache[pair] is None:
            self._unknown_place(number, township, village)
        return self._outside(number, self.village_cache[pair], village)

    def _outside(self, number: int, code: str | None, village: str) -> str | None:
        """The village code, or None (and an error) when it lies outside the importer's areas."""
        if code is not None and self.areas.within is not None and not self.areas.within(code):
            self.problem("outside_scope", number, "village", village)
            return None
        return code

    def _unknown_place(self, number: int, township: str, village: str) -> None:
        if township not in self.areas.townships:
            hint = "、".join(nearest(township, list(self.areas.townships))) or t("ledger.no_suggestion")
            self.problem("unknown_township", number, "township", township, suggest=hint)
        else:
            hint = "、".join(nearest(village, self.areas.townships[township])) or t("ledger.no_suggestion")
            self.problem("unknown_village", number, "village", village, township=township, suggest=hint)

    def person(self, number: int, cells: dict[str, str], key: str) -> Person | None:
        id_number = cells.get("id_number", "").upper()
        if not cells.get("name"):
            self.problem("missing_value", number, "name", "", column=self.header["name"])
        if not id_number_ok(id_number):
            self.problem("bad_id_number", number, "id_number", id_number)
        else:
            seen = self.owner.get(id_number)
            if seen and seen[0] != key:
                self.problem("id_in_two_households", number, "id_number", id_number, other=seen[0], at=seen[1])
            elif seen:
                self.problem("duplicate_person", number, "id_number", id_number, at=seen[1])
            else:
                self.owner[id_number] = (key, number)
        try:
            birth = parse_day(cells.get("birth_date"))
        except BadValue:
            self.problem("bad_date", number, "birth_date", cells.get("birth_date"))
            birth = None
        return Person(number, cells.get("name", ""), id_number,
                      self.coded(number, cells, "relation", RELATIONS),
                      self.coded(number, cells, "sex", SEXES), birth,
                      self.coded(number, cells, "health", HEALTH),
                      self.coded(number, cells, "labor_skill", LABOR_SKILLS),
                      cells.get("schooling") or None, parse_yes(cells.get("medical_insured", "")))

    def coded(self, number: int, cells: dict[str, str], name: str, table: dict[str, str]) -> str | None:
        value = cells.get(name, "")
        if not value:
            return None
        code = table.get(value)
        if code is None:
            self.warn("unknown_value", number, name, value, column=self.header.get(name, name))
        return code

    def finish(self) -> None:
        """Household-level checks once every row is in: dates, codes, money, 人数."""
        asof = self.parsed.asof
        for household in self.parsed.households.values():
            self.household(household, asof)

    def household(self, h: Household, asof: dt.date | None) -> None:
        values, rows = h.values, h.rows
        size = values.get("size")
        if size:
            try:
                h.size = int(float(size))
            except ValueError:
                self.problem("bad_number", rows["size"], "size", size)
        if h.size is not None and h.size != len(h.persons):
            self.warn("size_mismatch", h.first_row, "size", h.size, household=h.external_id, rows=len(h.persons))
        case_word = values.get("case_type") or values.get("household_type", "")
        h.case_type = CASE_TYPES.get(case_word)
        if values.get("case_type") and h.case_type is None:
            self.problem("unknown_case_type", rows["case_type"], "case_type", values["case_type"])
        h.identified = self.month(h, "identified")
        h.eliminated = self.month(h, "eliminated")
        flag = parse_yes(values.get("eliminated_flag", ""))
        if h.case_type and h.identified is None and "identified" not in rows:
            self.problem("missing_identified", h.first_row, "identified", "")
        if h.identified and asof and h.identified > asof:
            self.problem("after_asof", rows["identified"], "identified", values["identified"], asof=asof)
        if h.eliminated and asof and h.eliminated > asof:
            self.problem("after_asof", rows["eliminated"], "eliminated", values["eliminated"], asof=asof)
        if h.identified and h.eliminated and h.eliminated < h.identified:
            self.problem("eliminated_before_identified", rows["eliminated"], "eliminated", values["eliminated"],
                         identified=values["identified"])
        if flag is False:
            h.eliminated = None  # a date left over from an earlier round does not eliminate the case
        elif flag and h.eliminated is None and h.case_type:
            self.problem("eliminated_without_date", rows["eliminated_flag"], "eliminated_flag",
                         values["eliminated_flag"])
        kind = values.get("elimination_kind", "")
        h.elimination_kind = ELIMINATION_KINDS.get(kind) if h.eliminated else None
        if kind and h.eliminated and h.elimination_kind is None:
            self.warn("unknown_value", rows["elimination_kind"], "elimination_kind", kind,
                      column=self.header["elimination_kind"])
        for name in RISK_FIELDS:
            word = values.get(name, "")
            code = RISK_CODES.get(word)
            if word and code is None:
                self.warn("unknown_risk", rows[name], name, word)
            if code and code not in h.risks:
                h.risks.append(code)
        year = values.get("income_year", "").strip()
        if year:
            if year.isascii() and year.isdigit() and len(year) == 4 and 2000 <= int(year) <= (
                    self.parsed.asof.year if self.parsed.asof else 9999):
                h.income_year = int(year)
            else:
                self.problem("bad_income_year", rows["income_year"], "income_year", year)
        for name in MONEY_FIELDS:
            if name in values:
                try:
                    h.money[name] = parse_money(values[name])
                except BadValue:
                    self.problem("bad_money", rows[name], name, values[name])
        for name, (item, problem_answer) in GUARANTEE_FIELDS.items():
            answer = parse_yes(values.get(name, ""))
            if answer is not None:
                h.guarantees[item] = h.guarantees.get(item, True) and answer != problem_answer
        for name, kind in MEASURE_FIELDS.items():
            value = values.get(name, "")
            if name in POLICY_FIELDS and any(word in value for word in NOT_RECEIVED_WORDS):
                continue
            if value and parse_yes(value) is not False:
                if name == "m_social_security":
                    kind = next((k for word, k in SOCIAL_SECURITY_KINDS if word in value), kind)
                h.measures.add(kind)

    def month(self, h: Household, name: str) -> dt.date | None:
        value = h.values.get(name)
        try:
            return parse_month(value)
        except BadValue:
            self.problem("bad_date", h.rows[name], name, value)
            return None


def poverty_status(values: dict[str, str]) -> str:
    """exited when 户类型 names an exited household or a 脱贫年度 is given, else general."""
    exited = EXITED_HOUSEHOLD_WORD in values.get("household_type", "") or bool(values.get("exited_year"))
    return "exited" if exited else "general"
