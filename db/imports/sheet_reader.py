"""Read a spreadsheet as people have it, row by row: .xlsx (streamed), .xls, or .csv in UTF-8 or GBK.

Rows come out as (sheet name, the row number the spreadsheet shows, cell values), so every problem
can name the row the user sees. Nothing here knows a column name.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

Row = tuple[str | None, int, tuple]
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312


# A reason this reader gives -> the message key every import's catalogue section has for it
REFUSAL_KEYS = {"unknown_encoding": "bad_encoding", "unreadable": "bad_excel", "unknown_format": "bad_format",
                "xls_reader_missing": "bad_excel"}


class UnreadableFile(ValueError):
    """The file is not a spreadsheet this reader understands; code says why (a catalogue key)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def read_rows(path: Path, sheet_index: int = 0) -> Iterator[Row]:
    """Every row of one sheet (the first by default; a CSV is one sheet), streamed.

    Excel files go through python-calamine (Rust) when it is installed: about 15 times faster than
    openpyxl and it reads .xls too; it holds the sheet's cells in compact native memory (about 330 MB
    for 90,000 rows of 58 columns), so very wide exports of a whole province can still stream
    through openpyxl's read-only mode with DASHBOARD_XLSX_READER=openpyxl.
    """
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls") and _calamine_wanted():
        yield from _calamine_rows(path, sheet_index)
    elif suffix == ".xlsx" or suffix == ".xlsm":
        yield from _xlsx_rows(path, sheet_index)
    elif suffix == ".xls":
        yield from _xls_rows(path, sheet_index)
    elif suffix == ".csv":
        if sheet_index == 0:
            yield from _csv_rows(path)
    else:
        raise UnreadableFile("unknown_format", suffix)


def read_sheets(path: Path) -> Iterator[Iterator[Row]]:
    """The rows of each sheet in turn (a CSV is one sheet), for readers that look for their header
    on any sheet."""
    for index in range(_sheet_count(path)):
        yield read_rows(path, index)


def _sheet_count(path: Path) -> int:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".xls"):
        return 1  # a CSV, or a type read_rows refuses with its reason
    try:
        if _calamine_wanted():
            from python_calamine import CalamineWorkbook

            return len(CalamineWorkbook.from_path(str(path)).sheet_names)
        if suffix == ".xls":
            import xlrd

            return xlrd.open_workbook(str(path), on_demand=True).nsheets
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        try:
            return len(book.sheetnames)
        finally:
            book.close()
    except ModuleNotFoundError as error:
        raise UnreadableFile("xls_reader_missing") from error
    except Exception as error:  # each library raises its own kinds for a damaged or misnamed file
        raise UnreadableFile("unreadable", str(error)) from error


def _calamine_wanted() -> bool:
    if os.environ.get("DASHBOARD_XLSX_READER") == "openpyxl":
        return False
    try:
        import python_calamine  # noqa: F401
    except ModuleNotFoundError:
        return False
    return True


def _calamine_rows(path: Path, sheet_index: int) -> Iterator[Row]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        if sheet_index >= len(book.sheet_names):
            return
        sheet = book.get_sheet_by_index(sheet_index)
    except Exception as error:  # calamine raises its own error types for damaged or misnamed files
        raise UnreadableFile("unreadable", str(error)) from error
    # iter_rows yields from the sheet's first row but from the first used column (python-calamine
    # 0.9; tests/test_ledger_parse.py pins it): pad the columns, count rows from 1 as Excel does.
    pad = (None,) * ((sheet.start or (0, 0))[1])
    for index, values in enumerate(sheet.iter_rows()):
        yield sheet.name, index + 1, pad + tuple(None if value == "" else value for value in values)


def _xlsx_rows(path: Path, sheet_index: int) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or misnamed file
        raise UnreadableFile("unreadable", str(error)) from error
    try:
        if sheet_index >= len(book.worksheets):
            return
        sheet = book.worksheets[sheet_index]
        # min_row=1 so the enumerate count is the row number Excel shows (empty rows still come).
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield sheet.title, number, values
    finally:
        book.close()


def _xls_rows(path: Path, sheet_index: int) -> Iterator[Row]:
    try:
        import xlrd
    except ModuleNotFoundError as error:
        raise UnreadableFile("xls_reader_missing") from error
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as error:
        raise UnreadableFile("unreadable", str(error)) from error
    try:
        if sheet_index >= book.nsheets:
            return
        sheet = book.sheet_by_index(sheet_index)
        for index in range(sheet.nrows):
            cells = []
            for cell in sheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    cells.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype == xlrd.XL_CELL_EMPTY:
                    cells.append(None)
                else:
                    cells.append(cell.value)
            yield sheet.name, index + 1, tuple(cells)
    finally:
        book.release_resources()


def _csv_rows(path: Path) -> Iterator[Row]:
    encoding = _csv_encoding(path)
    number = 0
    with open(path, newline="", encoding=encoding) as handle:
        try:
            for number, values in enumerate(csv.reader(handle), start=1):
                yield None, number, tuple(value if value != "" else None for value in values)
        except UnicodeDecodeError as error:  # the encoding was judged on the first 64 KiB only
            raise UnreadableFile("unknown_encoding", str(number + 1)) from error


def _csv_encoding(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    for encoding in CSV_ENCODINGS:
        try:
            # A multi-byte character cut at the 64 KiB edge is not an encoding error: an incremental
            # decoder keeps a trailing incomplete sequence for later instead of failing on it (cutting
            # a fixed number of bytes off can land inside a character again).
            codecs.getincrementaldecoder(encoding)().decode(head, final=len(head) < 1 << 16)
            return encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("unknown_encoding")


def cell_text(value: object) -> str:
    """A cell as trimmed text: 1.0 -> "1", dates as YYYY-MM-DD, empty -> ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
