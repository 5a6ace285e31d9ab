"""The Word pack: the same sections as the PDF (figures, commentary, charts, tables), editable in Word.

County offices write in Word: a pack they can cut from. Fonts are named, not embedded (Noto CJK, as
on the slides); the 督办通报 has its own layout in brief/notice_docx.py.
"""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Mm, Pt

from brief.cells import display_rows
from brief.compare import comparison_text, day_text
from brief.fonts import SLIDE_FONT
from brief.model import Pack, Section, Table
from brief.notice_docx import set_east_asian_font
from labels import t

DOCX_TABLE_ROWS = 40  # longer tables are in the workbook, as in the PDF


def _table(document, table: Table) -> None:
    document.add_heading(table.title, level=3)
    document.add_paragraph(t("brief_doc.source_line", source=table.source))
    frame = table.frame.head(DOCX_TABLE_ROWS)
    if frame.empty:
        document.add_paragraph(t("brief.empty_table"))
        return
    rows = display_rows(frame)
    grid = document.add_table(rows=len(rows), cols=len(rows[0]))
    grid.style = "Table Grid"
    for values, row in zip(rows, grid.rows):
        for value, cell in zip(values, row.cells):
            cell.text = value
    more = len(table.frame) - len(frame)
    if more > 0:
        document.add_paragraph(t("brief_doc.more_rows", n=more))


def _section(document, section: Section, pack: Pack) -> None:
    document.add_page_break()
    document.add_heading(section.title, level=1)
    for figure in section.figures:
        delta = f"（{figure.delta_text()}）" if figure.delta_text() else ""
        document.add_paragraph(f"{figure.label}：{figure.text()}{delta}", style="List Bullet")
    document.add_heading(t("brief_doc.commentary"), level=2)
    for sentence in section.commentary:
        document.add_paragraph(sentence)
    for chart in section.charts:
        image = pack.image_for(chart)
        if image is not None:
            document.add_picture(io.BytesIO(image), width=Mm(150))
    for table in section.tables:
        _table(document, table)


def write_docx(pack: Pack) -> bytes:
    """The pack as .docx bytes."""
    document = Document()
    for style in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet"):
        set_east_asian_font(document.styles[style], SLIDE_FONT)
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(pack.title(), level=0)
    document.add_paragraph(t("brief_doc.subtitle", date=day_text(pack.asof, with_year=True),
                             period=comparison_text(pack.compare, pack.compare_date)))
    document.add_paragraph(t("brief_doc.contents",
                             sections=t("brief_say.list_sep").join(s.title for s in pack.sections)))
    document.add_paragraph(t("brief_doc.generated", time=pack.generated_at.strftime("%Y-%m-%d %H:%M")))
    document.add_paragraph(t("brief_doc.privacy"))
    if pack.is_sample:
        document.add_paragraph(t("brief_doc.sample"))
    for section in pack.sections:
        _section(document, section, pack)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
