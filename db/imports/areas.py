"""`python -m db import-areas FILE`: the statistics bureau's list of 统计用区划代码 (CSV or .xlsx).

Levels, parents and kinds follow from the 12-digit code (county 6 + township 3 + village 3), never
from names: a banner (旗) with 苏木 and 嘎查 loads like a county with 乡 and 村. Parents are derived;
the file's top level (the highest level it holds) may stand without parents, every other area needs
its parent in the file or already in the database: a partial list is refused, not patched with made-up
areas. Re-import updates names and adds areas; an area of the database under the file's top areas
but missing from the file is reported as a warning and never deleted. Any error writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from db.area_store import existing_area_names, write_areas
from db.imports.batch import ImportSummary, Problem
from db.imports.runner import Plan, run_import
from db.imports.table import Table, read_table
from labels import label_of, t

KIND = "areas"
CODE, NAME, URBAN_RURAL, HOUSEHOLDS = "code", "name", "urban_rural", "household_count"
# Header spellings seen in the bureau's lists and in county copies of them (format names, not UI text).
HEADER_ALIASES: dict[str, str] = {
    "统计用区划代码": CODE, "区划代码": CODE, "代码": CODE, "行政区划代码": CODE, "统计用区划代码(12位)": CODE,
    "名称": NAME, "单位名称": NAME, "区划名称": NAME, "统计用区划名称": NAME, "行政区划名称": NAME,
    "城乡分类代码": URBAN_RURAL, "城乡分类": URBAN_RURAL,
    "户数": HOUSEHOLDS, "总户数": HOUSEHOLDS, "农户数": HOUSEHOLDS, "户籍户数": HOUSEHOLDS,
}
REQUIRED = (CODE, NAME)
LEVELS = ("province", "city", "county", "township", "village")
URBAN_RURAL_CODES = frozenset({"111", "112", "121", "122", "123", "210", "220"})
NAME_LIMIT = 100


def level_of(code: str) -> str:
    """The level a 12-digit code stands for, from its trailing zeros."""
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    if code[6:] == "0" * 6:
        return "county"
    if code[9:] == "000":
        return "township"
    return "village"


def parent_of(code: str) -> str | None:
    """The code of the area one level up (None for a province)."""
    level = level_of(code)
    keep = {"province": 0, "city": 2, "county": 4, "township": 6, "village": 9}[level]
    return code[:keep].ljust(12, "0") if keep else None


def prefix_of(code: str) -> str:
    """The leading digits every area under this one shares."""
    return code[:{"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}[level_of(code)]]


def kind_of(code: str) -> str | None:
    """街道/镇/乡 for a township (its first digit), 社区/村 for a village (001–199 / 200+)."""
    level = level_of(code)
    if level == "township":
        return {"0": "street", "1": "town", "2": "township", "3": "township"}.get(code[6], "other")
    if level == "village":
        return "community" if int(code[9:]) < 200 else "village"
    return None


@dataclass(frozen=True)
class AreaRow:
    """One checked area of the file, ready for writing."""

    row: int
    code: str
    name: str
    level: str
    parent_code: str | None
    kind: str | None
    urban_rural: str | None
    household_count: int | None


def _parse_row(number: int, cells: dict[str, str], columns: dict[str, str],
               problems: list[Problem]) -> AreaRow | None:
    code, name = cells[CODE].replace(" ", ""), cells[NAME]
    bad = len(problems)
    if not (code.isdigit() and len(code) == 12 and code.isascii()):
        problems.append(Problem.error("bad_code", t("area_import.bad_code"), row=number,
                                      column=columns[CODE], value=cells[CODE]))
    if not name:
        problems.append(Problem.error("missing_name", t("area_import.missing_name"), row=number,
                                      column=columns[NAME], value=name))
    elif len(name) > NAME_LIMIT:
        problems.append(Problem.error("name_too_long", t("area_import.name_too_long", limit=NAME_LIMIT),
                                      row=number, column=columns[NAME], value=name))
    urban = cells.get(URBAN_RURAL) or None
    if urban and urban not in URBAN_RURAL_CODES:
        problems.append(Problem.warning("unknown_urban_rural", t("area_import.unknown_urban_rural"),
                                        row=number, column=columns[URBAN_RURAL], value=urban))
        urban = None
    households = None
    if cells.get(HOUSEHOLDS):
        text = cells[HOUSEHOLDS].replace(",", "")
        if text.isdigit():
            households = int(text)
        else:
            problems.append(Problem.error("bad_household_count", t("area_import.bad_household_count"),
                                          row=number, column=columns[HOUSEHOLDS], value=cells[HOUSEHOLDS]))
    if len(problems) > bad:
        return None
    return AreaRow(number, code, name, level_of(code), parent_of(code), kind_of(code), urban, households)


def check_areas(table: Table, existing: dict[str, str]) -> tuple[list[AreaRow], list[Problem]]:
    """Checked rows and every problem; existing maps the database's area codes to names."""
    problems: list[Problem] = []
    rows: dict[str, AreaRow] = {}
    for number, cells in table.rows:
        parsed = _parse_row(number, cells, table.columns, problems)
        if parsed is None:
            continue
        if parsed.code in rows:
            problems.append(Problem.error("duplicate_code", t("area_import.duplicate_code", first=rows[parsed.code].row),
                                          row=number, column=table.columns[CODE], value=parsed.code))
            continue
        rows[parsed.code] = parsed
    if not rows:
        problems.append(Problem.error("no_rows", t("area_import.no_rows")))
        return [], problems
    top = min(LEVELS.index(r.level) for r in rows.values())
    for code, parsed in list(rows.items()):
        if parsed.parent_code in rows or parsed.parent_code in existing:
            continue
        if LEVELS.index(parsed.level) == top:  # the file's top areas: roots unless their parent is known
            rows[code] = replace(parsed, parent_code=None)
            continue
        key = "area_import.village_without_township" if parsed.level == "village" else "area_import.missing_parent"
        problems.append(Problem.error("missing_parent", t(key, parent=parsed.parent_code,
                                                          level=label_of("level", parsed.level)),
                                      row=parsed.row, column=table.columns[CODE], value=parsed.code))
    roots = [r.code for r in rows.values() if LEVELS.index(r.level) == top]
    for code in sorted(existing):
        if code not in rows and any(code.startswith(prefix_of(root)) for root in roots) and code not in roots:
            problems.append(Problem.warning("area_missing", t("area_import.area_missing", code=code, name=existing[code]),
                                            value=code))
    ordered = sorted(rows.values(), key=lambda r: (LEVELS.index(r.level), r.code))  # parents first
    return ordered, problems


def import_areas(engine: Engine, path: Path, *, check: bool = False, imported_by: str | None = None
                 ) -> ImportSummary:
    """Check the list and (unless check) write it in one transaction; record the attempt."""

    def plan(connection: Connection, table: Table) -> Plan:
        rows, problems = check_areas(table, existing_area_names(connection))
        missing = sum(1 for problem in problems if problem.code == "area_missing")
        rejected = len({problem.row for problem in problems if problem.is_error and problem.row is not None})

        def write(write_connection: Connection) -> dict[str, int]:
            return write_areas(write_connection, rows, with_households=HOUSEHOLDS in table.columns)

        return Plan(problems, len(table.rows), rejected, write, counts={"missing": missing})

    return run_import(engine, KIND, path, lambda source: read_table(source, HEADER_ALIASES, REQUIRED), plan,
                      check=check, imported_by=imported_by)
