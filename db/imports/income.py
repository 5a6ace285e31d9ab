"""`python -m db import-income FILE`: published rural per-capita disposable income series by year.

Two kinds of series feed 两高于 (issue 20, rule 1), both from the statistics bureau's yearly
communiqués (统计公报), and both load from one kind of table (年份, 收入, 来源 [, 区划代码]):

- an area's own series (the county's, a township's), rows that carry a 统计用区划代码 or come with
  `--area CODE`: they go to `area_income`;
- a benchmark that is no area of the database, by default the national rural series: rows without a
  code go to `income_benchmark` under `--series` (default national_rural), and must name their source,
  because a reader checks such a figure against the communiqué.

A year is only published after it ends, so a row for the current year or later is refused, as are
unknown areas, duplicate years and amounts that are not positive numbers. Re-import replaces a
year's figure (a revised communiqué) and reports the revision; a jump of more than a third from one
year to the next is reported, not refused. Any error writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Connection, Engine

from db.imports.batch import ImportSummary, Problem
from db.imports.runner import Plan, run_import
from db.imports.table import Table, read_table
from db.schema import NATIONAL_RURAL_SERIES, area, area_income, income_benchmark
from labels import t

KIND = "income"
YEAR, AMOUNT, SOURCE, CODE, SERIES = "year", "amount", "source", "code", "series"
# Header spellings seen in communiqué extracts and county statistics yearbooks (format names, not UI text).
HEADER_ALIASES: dict[str, str] = {
    "年份": YEAR, "年度": YEAR, "年": YEAR, "year": YEAR,
    "农村居民人均可支配收入": AMOUNT, "农村居民人均可支配收入(元)": AMOUNT, "人均可支配收入": AMOUNT,
    "人均可支配收入(元)": AMOUNT, "收入": AMOUNT, "金额": AMOUNT, "数值": AMOUNT, "amount": AMOUNT,
    "来源": SOURCE, "数据来源": SOURCE, "资料来源": SOURCE, "source": SOURCE,
    "统计用区划代码": CODE, "区划代码": CODE, "行政区划代码": CODE, "地区代码": CODE, "area_code": CODE,
    "序列": SERIES, "series": SERIES,
}
REQUIRED = (YEAR, AMOUNT)
DEFAULT_SERIES = NATIONAL_RURAL_SERIES
FIRST_YEAR = 1978  # the bureau's rural household survey series starts here
HIGHEST_AMOUNT = 1_000_000.0  # 元 per person and year: anything above is a unit mistake (万元, 分)
JUMP = 1 / 3  # year-on-year change reported as suspicious (rural income has not moved by a third in a year)
SOURCE_LIMIT = 200
SERIES_LIMIT = 40


@dataclass(frozen=True)
class IncomeRow:
    """One checked figure: for an area (area_code) or for a benchmark series (series)."""

    row: int
    year: int
    amount: float
    source: str | None
    area_code: str | None
    series: str | None

    @property
    def key(self) -> tuple[str, str, int]:
        """Which series and year the figure is, whichever table it goes to."""
        return ("area", self.area_code, self.year) if self.area_code else ("series", self.series, self.year)


@dataclass(frozen=True)
class IncomeOptions:
    """Where rows without a code go: an area (`area`) or a benchmark series (`series`)."""

    area: str | None = None
    series: str = DEFAULT_SERIES
    today: date | None = None  # the date that decides which years have ended (default: today)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").replace("，", "").replace(" ", ""))
    except ValueError:
        return None


def _parse_row(number: int, cells: dict[str, str], table: Table, options: IncomeOptions, areas: set[str],
               last_year: int, problems: list[Problem]) -> IncomeRow | None:
    columns = table.columns
    bad = len(problems)
    year_text = cells[YEAR].removesuffix("年")
    year = int(year_text) if year_text.isdigit() and year_text.isascii() else None
    if year is None or not FIRST_YEAR <= year <= 2100:
        problems.append(Problem.error("bad_year", t("income_import.bad_year", first=FIRST_YEAR), row=number,
                                      column=columns[YEAR], value=cells[YEAR]))
    elif year > last_year:
        problems.append(Problem.error("unfinished_year", t("income_import.unfinished_year", last=last_year),
                                      row=number, column=columns[YEAR], value=cells[YEAR]))
    amount = _number(cells[AMOUNT])
    if amount is None or not 0 < amount <= HIGHEST_AMOUNT:
        problems.append(Problem.error("bad_amount", t("income_import.bad_amount"), row=number,
                                      column=columns[AMOUNT], value=cells[AMOUNT]))
    code = cells.get(CODE, "").replace(" ", "") or options.area
    series = None if code else (cells.get(SERIES) or options.series)
    source = cells.get(SOURCE) or None
    if code and code not in areas:
        problems.append(Problem.error("unknown_area", t("income_import.unknown_area"), row=number,
                                      column=columns.get(CODE), value=code))
    if series and len(series) > SERIES_LIMIT:
        problems.append(Problem.error("series_too_long", t("income_import.series_too_long", limit=SERIES_LIMIT),
                                      row=number, column=columns.get(SERIES), value=series))
    if series and not source:
        problems.append(Problem.error("missing_source", t("income_import.missing_source"), row=number,
                                      column=columns.get(SOURCE)))
    if source and len(source) > SOURCE_LIMIT:
        problems.append(Problem.error("source_too_long", t("income_import.source_too_long", limit=SOURCE_LIMIT),
                                      row=number, column=columns[SOURCE], value=source))
    if len(problems) > bad:
        return None
    return IncomeRow(number, year, float(amount), source, code or None, series)


def _stored(connection: Connection) -> dict[tuple[str, str, int], float]:
    figures = {("area", code, int(year)): float(amount) for code, year, amount in connection.execute(
        select(area_income.c.area_code, area_income.c.year, area_income.c.rural_per_capita))}
    figures.update({("series", name, int(year)): float(amount) for name, year, amount in connection.execute(
        select(income_benchmark.c.series, income_benchmark.c.year, income_benchmark.c.amount))})
    return figures


def check_income(table: Table, options: IncomeOptions, areas: set[str],
                 stored: dict[tuple[str, str, int], float]) -> tuple[list[IncomeRow], list[Problem]]:
    """Checked rows and every problem; stored holds the figures already in the database."""
    problems: list[Problem] = []
    if options.area and options.area not in areas:
        problems.append(Problem.error("unknown_area", t("income_import.unknown_option_area", code=options.area)))
        return [], problems
    last_year = (options.today or date.today()).year - 1
    rows: dict[tuple[str, str, int], IncomeRow] = {}
    for number, cells in table.rows:
        parsed = _parse_row(number, cells, table, options, areas, last_year, problems)
        if parsed is None:
            continue
        if parsed.key in rows:
            problems.append(Problem.error("duplicate_year", t("income_import.duplicate_year",
                                                             first=rows[parsed.key].row),
                                          row=number, column=table.columns[YEAR], value=str(parsed.year)))
            continue
        rows[parsed.key] = parsed
    if not rows and not problems:
        problems.append(Problem.error("no_rows", t("income_import.no_rows")))
    for key, parsed in rows.items():
        before = stored.get(key)
        if before is not None and before != parsed.amount:
            problems.append(Problem.warning("revised", t("income_import.revised", year=parsed.year,
                                                         before=f"{before:,.0f}", after=f"{parsed.amount:,.0f}"),
                                            row=parsed.row, column=table.columns[AMOUNT], value=str(parsed.amount)))
    merged = {**stored, **{key: row.amount for key, row in rows.items()}}
    for (kind, name, year), parsed in rows.items():
        for first_year, second_year in ((year - 1, year), (year, year + 1)):
            first, second = merged.get((kind, name, first_year)), merged.get((kind, name, second_year))
            if first and second and abs(second / first - 1) > JUMP:
                problems.append(Problem.warning("jump", t("income_import.jump", first=first_year, second=second_year,
                                                          change=f"{100 * (second / first - 1):+.0f}"),
                                                row=parsed.row, column=table.columns[AMOUNT], value=str(parsed.amount)))
                break
    ordered = sorted(rows.values(), key=lambda row: (row.key[0], row.key[1], row.year))
    return ordered, problems


def write_income(connection: Connection, rows: list[IncomeRow],
                 stored: dict[tuple[str, str, int], float]) -> dict[str, int]:
    """Insert new years and replace revised ones; counts of added/updated/unchanged."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        before = stored.get(row.key)
        if row.area_code:
            where = and_(area_income.c.area_code == row.area_code, area_income.c.year == row.year)
            values = {"rural_per_capita": row.amount, "source": row.source}
            target, keys = area_income, {"area_code": row.area_code, "year": row.year}
        else:
            where = and_(income_benchmark.c.series == row.series, income_benchmark.c.year == row.year)
            values = {"amount": row.amount, "source": row.source}
            target, keys = income_benchmark, {"series": row.series, "year": row.year}
        if before is None:
            connection.execute(insert(target).values(**keys, **values))
            counts["added"] += 1
        else:
            connection.execute(update(target).where(where).values(**values))
            counts["updated" if before != row.amount else "unchanged"] += 1
    return counts


def import_income(engine: Engine, path: Path, options: IncomeOptions = IncomeOptions(), *, check: bool = False,
                  imported_by: str | None = None) -> ImportSummary:
    """Check the series and (unless check) write it in one transaction; record the attempt."""

    def plan(connection: Connection, table: Table) -> Plan:
        stored = _stored(connection)
        areas = set(connection.execute(select(area.c.code)).scalars())
        rows, problems = check_income(table, options, areas, stored)
        rejected = len({problem.row for problem in problems if problem.is_error and problem.row is not None})
        return Plan(problems, len(table.rows), rejected, lambda write: write_income(write, rows, stored))

    return run_import(engine, KIND, path, lambda source: read_table(source, HEADER_ALIASES, REQUIRED), plan,
                      check=check, imported_by=imported_by)
