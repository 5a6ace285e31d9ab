"""The Excel workbook: a 说明 sheet (area, dates, sources, commentary), then one sheet per table."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from brief.cells import safe_cell
from brief.compare import comparison_text
from brief.model import Pack
from labels import t

SHEET_NAME_LIMIT = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")


def _sheet_name(title: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", title)[:SHEET_NAME_LIMIT] or "sheet"
    name, number = base, 2
    while name.lower() in used:
        suffix = f"_{number}"
        name, number = base[:SHEET_NAME_LIMIT - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


def _write_row(sheet, values: list, bold: bool = False) -> None:
    sheet.append([safe_cell(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula, whatever the text
        if bold:
            cell.font = Font(bold=True)


def _notes(book: Workbook, pack: Pack, sheets: list[tuple[str, str, str]]) -> None:
    sheet = book.active
    sheet.title = t("brief_doc.notes_sheet")
    _write_row(sheet, [pack.title()], bold=True)
    _write_row(sheet, [t("brief_doc.field"), t("brief_doc.value")], bold=True)
    rows = [(t("brief_doc.area"), pack.area_name), (t("brief_doc.area_code"), pack.area_code),
            (t("brief_doc.asof"), pack.asof),
            (t("brief_doc.compare"), comparison_text(pack.compare, pack.compare_date)),
            (t("brief_doc.generated_at"), pack.generated_at),
            (t("brief_doc.sections"), t("brief_say.list_sep").join(s.title for s in pack.sections)),
            (t("brief_doc.privacy"), "")]
    if pack.is_sample:
        rows.append((t("brief_doc.sample"), ""))
    for row in rows:
        _write_row(sheet, list(row))
    sheet.cell(row=5, column=2).number_format = "yyyy-mm-dd"
    sheet.append([])
    _write_row(sheet, [t("brief_doc.sheet"), t("brief_doc.table"), t("brief_doc.source")], bold=True)
    for row in sheets:
        _write_row(sheet, list(row))
    sheet.append([])
    _write_row(sheet, [t("brief_doc.commentary")], bold=True)
    for section in pack.sections:
        for sentence in section.commentary:
            _write_row(sheet, [section.title, sentence])
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 24, 90
    sheet.column_dimensions["C"].width = 80
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_xlsx(pack: Pack) -> bytes:
    """The workbook as bytes: numbers stay numbers, text never runs as a formula."""
    book = Workbook()
    used = {t("brief_doc.notes_sheet").lower()}
    listed = []
    tables = [(section, table) for section in pack.sections for table in section.tables]
    for section, table in tables:
        name = _sheet_name(f"{section.title}-{table.title}", used)
        listed.append((name, t("brief_doc.sheet_table", section=section.title, table=table.title), table.source))
        sheet = book.create_sheet(name)
        _write_row(sheet, [str(column) for column in table.frame.columns], bold=True)
        for record in table.frame.itertuples(index=False):
            _write_row(sheet, list(record))
        for index, column in enumerate(table.frame.columns, 1):
            longest = max([len(str(column))] + [len(str(v)) for v in table.frame[column].head(200)])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, 4 + 1.8 * longest)
            first = table.frame[column].iloc[0] if len(table.frame) else None
            if hasattr(first, "isoformat"):
                for cell in sheet[get_column_letter(index)][1:]:
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
    _notes(book, pack, listed)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
