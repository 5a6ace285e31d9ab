"""The PDF: A4 portrait with an embedded (subset) CJK TrueType font; same content as the slides."""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.fonts import FontFace

from brief.cells import display_rows
from brief.compare import comparison_text, day_text
from brief.fonts import pdf_fonts
from brief.model import Pack, Section, Table
from labels import t

FAMILY = "cjk"
PDF_TABLE_ROWS = 40  # longer tables are in the workbook
DARK, GREY, RED, GREEN = (31, 45, 61), (93, 109, 126), (192, 57, 43), (30, 132, 73)


class _Document(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 8, t("brief_doc.page", page=self.page_no()), align="C")


def _paragraph(pdf: FPDF, text: str, size: float, color=DARK, height: float | None = None) -> None:
    pdf.set_font(FAMILY, size=size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, height or size * 0.55, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _figures(pdf: FPDF, section: Section) -> None:
    figures = section.figures[:6]
    if not figures:
        return
    width = (pdf.epw - 3 * (len(figures) - 1)) / len(figures)
    top = pdf.get_y()
    for index, figure in enumerate(figures):
        left = pdf.l_margin + index * (width + 3)
        pdf.set_fill_color(244, 246, 247)
        pdf.set_draw_color(213, 219, 219)
        pdf.rect(left, top, width, 18, style="DF")
        # The label first: after a run in the Latin fallback font fpdf2 may keep its size for the next CJK run.
        pdf.set_xy(left + 2, top + 10)
        pdf.set_font(FAMILY, size=8)
        pdf.set_text_color(*GREY)
        pdf.cell(width - 4, 6, figure.label)
        pdf.set_xy(left + 2, top + 2)
        pdf.set_font(FAMILY, size=13)
        pdf.set_text_color(*DARK)
        pdf.cell(width - 4, 7, figure.text())
        if figure.delta_text():
            delta = figure.delta or 0
            pdf.set_text_color(*(RED if delta > 0 else GREEN if delta < 0 else GREY))
            pdf.set_font(FAMILY, size=8)
            pdf.set_xy(left + 2, top + 2)
            pdf.cell(width - 4, 7, figure.delta_text(), align="R")
    pdf.set_xy(pdf.l_margin, top + 22)


def _draw_table(pdf: FPDF, table: Table) -> None:
    _paragraph(pdf, table.title, 11, DARK, 7)
    # The source goes under the title, so it can never be left alone at the top of the next page.
    _paragraph(pdf, t("brief_doc.source_line", source=table.source), 7, GREY, 4)
    frame = table.frame.head(PDF_TABLE_ROWS)
    if frame.empty:
        _paragraph(pdf, t("brief.empty_table"), 9, GREY)
        return
    rows = display_rows(frame)
    weights = [max(3, max(len(r[i]) for r in rows)) for i in range(len(rows[0]))]
    pdf.set_font(FAMILY, size=8)
    pdf.set_text_color(*DARK)
    numeric = [frame[c].dtype.kind in "iuf" for c in frame.columns]
    with pdf.table(col_widths=weights, text_align=["RIGHT" if n else "LEFT" for n in numeric], line_height=5,
                   headings_style=FontFace(emphasis=None, fill_color=(46, 64, 87), color=(255, 255, 255)),
                   first_row_as_headings=True) as grid:
        for values in rows:
            row = grid.row()
            for value in values:
                row.cell(value)
    more = len(table.frame) - len(frame)
    if more > 0:
        _paragraph(pdf, t("brief_doc.more_rows", n=more), 8, GREY)
    pdf.ln(3)


def _table(pdf: FPDF, table: Table) -> None:
    """A titled table kept together: when it would break across pages and the page is already in use,
    it starts on the next page, so no heading is left at a page's foot."""
    with pdf.offset_rendering() as trial:
        _draw_table(trial, table)
    if trial.page_break_triggered and pdf.get_y() > pdf.t_margin + 10:
        pdf.add_page()
    _draw_table(pdf, table)


def _section(pdf: FPDF, section: Section, pack: Pack) -> None:
    pdf.add_page()
    _paragraph(pdf, section.title, 18, DARK, 10)
    pdf.ln(2)
    _figures(pdf, section)
    _paragraph(pdf, t("brief_doc.commentary"), 11, DARK, 7)
    for sentence in section.commentary:
        _paragraph(pdf, "•\u00a0" + sentence, 10, DARK, 6)  # no break after the bullet
    pdf.ln(2)
    for chart in section.charts:
        image = pack.image_for(chart)
        if image is not None:
            width = pdf.epw * 0.8
            if pdf.get_y() + width * 0.62 > pdf.page_break_trigger:
                pdf.add_page()
            pdf.image(io.BytesIO(image), x=pdf.l_margin + pdf.epw * 0.1, w=width)
            pdf.ln(2)
    for table in section.tables:
        _table(pdf, table)


def write_pdf(pack: Pack) -> bytes:
    """The PDF as bytes (FontMissing when no CJK TrueType font is installed)."""
    pdf = _Document(orientation="portrait", format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    cjk, latin = pdf_fonts()
    pdf.add_font(FAMILY, fname=str(cjk))
    pdf.add_font("latin", fname=str(latin))
    pdf.set_fallback_fonts(["latin"], exact_match=False)
    pdf.set_title(pack.title())
    pdf.add_page()
    pdf.ln(50)
    _paragraph(pdf, pack.title(), 22, DARK, 12)
    pdf.ln(4)
    _paragraph(pdf, t("brief_doc.subtitle", date=day_text(pack.asof, with_year=True),
                      period=comparison_text(pack.compare, pack.compare_date)), 12, GREY, 8)
    _paragraph(pdf, t("brief_doc.contents", sections=t("brief_say.list_sep").join(s.title for s in pack.sections)),
               11, GREY, 7)
    _paragraph(pdf, t("brief_doc.generated", time=pack.generated_at.strftime("%Y-%m-%d %H:%M")), 10, GREY, 7)
    _paragraph(pdf, t("brief_doc.privacy"), 10, GREY, 7)
    if pack.is_sample:
        _paragraph(pdf, t("brief_doc.sample"), 10, RED, 7)
    for section in pack.sections:
        _section(pdf, section, pack)
    return bytes(pdf.output())
