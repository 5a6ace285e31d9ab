"""`python -m db import-tasks FILE`: load a responsibility matrix (CSV or Excel) in one transaction.

Re-importing is an upsert keyed by 序号: task code T01, T02, ... (T{序号:02d}); a task already in
the database gets the file's title (and 工作内容, when the file has it) and exactly the file's
lead/responsible units, while its milestones and progress reports stay. Tasks the file does not
list are left alone. Units are matched by name, then by alias (扶贫办 carries 乡村振兴办); a unit
the database lacks is created. If any row is unreadable nothing at all is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from labels import t
from db.imports.sheet_reader import REFUSAL_KEYS, UnreadableFile, read_rows
from db.schema import area, task, task_unit, unit
from db.task_matrix import (COLUMN_DETAIL, COLUMN_LEAD, COLUMN_RESPONSIBLE, COLUMN_SEQ, COLUMN_TITLE,
                            ParsedMatrix, parse_matrix, unit_alias, unit_code, unit_kind)

# Header spellings seen in county documents, mapped to the parser's columns. These are names of
# a data format (like CSV column names), not UI text, so they live here and not in the catalogue.
HEADER_ALIASES: dict[str, str] = {
    "序号": COLUMN_SEQ, "编号": COLUMN_SEQ, "序列号": COLUMN_SEQ,
    "重点工作": COLUMN_TITLE, "重点任务": COLUMN_TITLE, "工作任务": COLUMN_TITLE, "任务": COLUMN_TITLE,
    "任务名称": COLUMN_TITLE,
    "牵头单位": COLUMN_LEAD, "牵头部门": COLUMN_LEAD,
    "责任单位": COLUMN_RESPONSIBLE, "责任部门": COLUMN_RESPONSIBLE, "配合单位": COLUMN_RESPONSIBLE,
    "工作内容": COLUMN_DETAIL, "具体内容": COLUMN_DETAIL, "任务内容": COLUMN_DETAIL,
}
REQUIRED = (COLUMN_SEQ, COLUMN_TITLE, COLUMN_LEAD)
HEADER_SEARCH_ROWS = 10  # a sheet often has a title line (重点工作责任分工) above its header


class ImportRejected(ValueError):
    """The file could not be imported; messages say why in Chinese (row numbers included)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class ImportSummary:
    """What an import wrote."""

    added: list[str] = field(default_factory=list)  # task codes
    updated: list[str] = field(default_factory=list)
    links: int = 0
    new_units: list[str] = field(default_factory=list)  # unit names

    def message(self) -> str:
        """One Chinese line for the command line."""
        return t("task_import.done", tasks=len(self.added) + len(self.updated), added=len(self.added),
                 updated=len(self.updated), links=self.links, units=len(self.new_units),
                 names="、".join(self.new_units) or t("tasks.none"))


def task_code(seq: int) -> str:
    """The stable code of the task with a sequence number (序号 3 -> T03)."""
    return f"T{seq:02d}"


def _header(value: object) -> str | None:
    text = "".join(str(value or "").split())  # drop spaces, also full-width ones, inside headers
    return HEADER_ALIASES.get(text)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 序号 1 as 1.0
    return str(value).strip()


def table_rows(grid: list[list[object]]) -> tuple[list[dict], list[int]]:
    """Rows under the header line as dicts keyed by the parser's columns, with their 1-based row numbers."""
    for index, line in enumerate(grid[:HEADER_SEARCH_ROWS]):
        columns = [_header(value) for value in line]
        if all(name in columns for name in REQUIRED):
            break
    else:
        raise ImportRejected([t("task_import.no_header", rows=HEADER_SEARCH_ROWS)])
    rows, numbers = [], []
    for offset, line in enumerate(grid[index + 1:], start=index + 2):
        values = {name: _cell(value) for name, value in zip(columns, line) if name is not None}
        if any(values.values()):  # blank lines between blocks are common in hand-made sheets
            rows.append(values)
            numbers.append(offset)
    if not rows:
        raise ImportRejected([t("task_import.no_rows")])
    return rows, numbers


def read_grid(path: Path) -> list[list[object]]:
    """The cells of the first sheet of a .csv (UTF-8 or GBK), .xlsx or .xls file as lists of values."""
    if not path.is_file():
        raise ImportRejected([t("task_import.no_file", path=path)])
    try:
        return [list(values) for _, _, values in read_rows(path)]
    except UnreadableFile as error:
        key = REFUSAL_KEYS[error.code]
        raise ImportRejected([t(f"task_import.{key}", path=path, suffix=error.detail or path.name,
                                detail=error.detail[:200])]) from error


def import_tasks(engine: Engine, path: Path, area_code: str | None = None) -> ImportSummary:
    """Read a matrix file and upsert its tasks, links and missing units; all or nothing."""
    rows, numbers = table_rows(read_grid(path))
    with engine.begin() as connection:  # one transaction: a failure anywhere writes nothing
        return write_matrix(connection, rows, numbers, area_code)


def write_matrix(connection: Connection, rows: list[dict], numbers: list[int],
                 area_code: str | None) -> ImportSummary:
    """Parse rows against the units already stored and write them; raises ImportRejected on a bad row."""
    stored = connection.execute(select(unit.c.code, unit.c.name, unit.c.alias)).all()
    code_of = {name: code for code, name, _ in stored}
    stored_aliases = {alias: name for _, name, alias in stored if alias}
    parsed = parse_matrix(rows, row_numbers=numbers, known_aliases=stored_aliases)
    if parsed.errors:
        raise ImportRejected([t("task_import.rejected", count=len(parsed.errors))]
                             + [t("task_import.row_problem", row=row, message=message)
                                for row, message in parsed.errors])
    area_code = _task_area(connection, area_code)
    summary = ImportSummary()
    _create_units(connection, parsed, code_of, stored_aliases, summary)
    existing = set(connection.execute(select(task.c.code)).scalars())
    for item in parsed.tasks:
        code = task_code(item.seq)
        values = {"seq": item.seq, "title": item.title, "area_code": area_code}
        if item.detail:
            values["detail"] = item.detail
        if code in existing:
            connection.execute(update(task).where(task.c.code == code).values(**values))
            summary.updated.append(code)
        else:
            connection.execute(insert(task).values(code=code, **values))
            summary.added.append(code)
        connection.execute(delete(task_unit).where(task_unit.c.task_code == code))
        links = [{"task_code": code, "unit_code": code_of[name], "role": role}
                 for role, names in (("lead", item.lead), ("responsible", item.responsible)) for name in names]
        if links:
            connection.execute(insert(task_unit), links)
        summary.links += len(links)
    return summary


def _create_units(connection: Connection, parsed: ParsedMatrix, code_of: dict[str, str],
                  stored_aliases: dict[str, str], summary: ImportSummary) -> None:
    """Insert units the database lacks; record every name's code in code_of."""
    used_codes = set(code_of.values())
    written_alias = {name: alias for alias, name in parsed.aliases.items()}
    for name in parsed.unit_names():
        if name in code_of:
            continue
        code = unit_code(name)
        if code in used_codes:  # a known code already taken by a differently named unit
            code = unit_code(f"{name}#{len(used_codes)}")
        alias = written_alias.get(name) or unit_alias(name)
        if alias in stored_aliases:  # the alias already names a stored unit: do not claim it twice
            alias = None
        connection.execute(insert(unit).values(code=code, name=name, kind=unit_kind(name), alias=alias))
        code_of[name] = code
        used_codes.add(code)
        summary.new_units.append(name)


def _task_area(connection: Connection, area_code: str | None) -> str | None:
    """The area the tasks belong to: the one asked for, else the top area (county) of the database."""
    if area_code is not None:
        if connection.execute(select(area.c.code).where(area.c.code == area_code)).first() is None:
            raise ImportRejected([t("task_import.unknown_area", value=area_code)])
        return area_code
    parent = area.alias("parent")
    top = connection.execute(
        select(area.c.code).select_from(area.outerjoin(parent, parent.c.code == area.c.parent_code))
        .where(parent.c.code.is_(None)).order_by(area.c.code)).scalars().all()
    return top[0] if len(top) == 1 else None  # several top areas: the matrix is tied to none
