"""Reading tables as people have them (CSV in UTF-8 or GBK, .xlsx, .xls; bytes read by
`sheet_reader`, the one reader of every import), with title rows above the header.

`read_table` finds the header row (the first row, among the top ones, that names every required
column in one of its accepted spellings), maps the file's columns to canonical names and yields the
rows below it with the row number the spreadsheet shows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from db.imports import sheet_reader
from db.imports.batch import Problem
from db.imports.sheet_reader import REFUSAL_KEYS, cell_text
from labels import t

HEADER_SEARCH_ROWS = 20


class UnreadableFile(ValueError):
    """The file cannot be read as a table at all; the problem says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class Table:
    """The rows under a file's header, keyed by canonical column names."""

    sheet: str | None
    header_row: int
    columns: dict[str, str]  # canonical name -> the header as the file spells it
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, values)
    ignored: list[str] = field(default_factory=list)  # headers the reader does not know


def header_key(value: object) -> str:
    """A header cell without any whitespace (also full-width) and with ASCII brackets."""
    text = "".join(cell_text(value).split())
    return text.replace("（", "(").replace("）", ")")


def _refusal(path: Path, error: sheet_reader.UnreadableFile) -> UnreadableFile:
    code = REFUSAL_KEYS[error.code]
    message = (t("ledger.xls_reader_missing") if error.code == "xls_reader_missing" else
               t(f"imports.{code}", name=path.name, suffix=error.detail or path.name, detail=error.detail[:200]))
    return UnreadableFile(Problem.error(code, message))


def read_table(path: Path, aliases: Mapping[str, str], required: tuple[str, ...]) -> Table:
    """The first sheet with a header naming every required column; UnreadableFile if none has one."""
    if not path.is_file():
        raise UnreadableFile(Problem.error("no_file", t("imports.no_file", path=str(path))))
    lookup = {header_key(spelling): canonical for spelling, canonical in aliases.items()}
    try:
        for rows in sheet_reader.read_sheets(path):
            table = _table_below_header(rows, lookup, required)
            if table is not None:
                return table
    except sheet_reader.UnreadableFile as error:
        raise _refusal(path, error) from error
    names = "、".join(dict.fromkeys(spelling for spelling, canonical in aliases.items() if canonical in required))
    raise UnreadableFile(Problem.error("no_header", t("imports.no_header", rows=HEADER_SEARCH_ROWS, names=names)))


def _table_below_header(rows: Iterator[sheet_reader.Row], lookup: Mapping[str, str],
                        required: tuple[str, ...]) -> Table | None:
    """The sheet's rows under the first of its top rows that names every required column, or None."""
    for sheet, number, row in rows:
        if number > HEADER_SEARCH_ROWS:
            return None
        mapped = {position: lookup.get(header_key(cell)) for position, cell in enumerate(row)}
        if set(required) <= {canonical for canonical in mapped.values() if canonical}:
            break
    else:
        return None
    positions: dict[str, int] = {}
    for position, canonical in mapped.items():
        if canonical and canonical not in positions:  # the first of two spellings wins
            positions[canonical] = position
    table = Table(sheet, number, {c: cell_text(row[p]) for c, p in positions.items()},
                  ignored=[cell_text(c) for p, c in enumerate(row) if cell_text(c) and p not in positions.values()])
    for _, number, values in rows:
        cells = {c: cell_text(values[p]) if p < len(values) else "" for c, p in positions.items()}
        if any(cells.values()):
            table.rows.append((number, cells))
    return table
