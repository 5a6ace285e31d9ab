"""The slides: 16:9, a title slide, then one slide per section with figures, text, table, chart."""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from brief.cells import display_rows
from brief.compare import comparison_text, day_text
from brief.fonts import SLIDE_FONT
from brief.model import Pack, Section, Table
from components.labels import t

WIDE, TALL = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in: PowerPoint's own 16:9
MARGIN = Inches(0.4)
DARK, GREY, RED, GREEN = RGBColor(0x1F, 0x2D, 0x3D), RGBColor(0x5D, 0x6D, 0x7E), RGBColor(0xC0, 0x39, 0x2B), \
    RGBColor(0x1E, 0x84, 0x49)
MAX_TABLE_COLUMNS = 7
SLIDE_ROWS = 7  # rows under the header that fit below the commentary; the PDF and XLSX carry all


def _style(run, size: float, bold: bool = False, color: RGBColor = DARK) -> None:
    """Size, weight, colour and the font for both Latin and East Asian text of one run."""
    font = run.font
    font.size, font.bold = Pt(size), bold
    font.color.rgb = color
    font.name = SLIDE_FONT  # writes a:latin
    properties = run._r.get_or_add_rPr()
    latin = properties.find(qn("a:latin"))
    east_asian = properties.find(qn("a:ea"))
    if east_asian is None:
        east_asian = properties.makeelement(qn("a:ea"), {})
        latin.addnext(east_asian)  # the schema wants a:ea right after a:latin
    east_asian.set("typeface", SLIDE_FONT)


def _text(slide, left, top, width, height, lines: list[tuple[str, float, bool, RGBColor]]) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for index, (text, size, bold, color) in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(4)
        _style(_run(paragraph, text), size, bold, color)


def _run(paragraph, text: str):
    run = paragraph.add_run()
    run.text = text
    return run


def _title_slide(deck, pack: Pack) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    lines = [(t("brief_doc.title", area=pack.area_name), 36, True, DARK),
             (t("brief_doc.subtitle", date=day_text(pack.asof, with_year=True),
                period=comparison_text(pack.compare, pack.compare_date)), 20, False, GREY),
             (t("brief_doc.contents", sections=t("brief_say.list_sep").join(s.title for s in pack.sections)),
              16, False, GREY),
             (t("brief_doc.generated", time=pack.generated_at.strftime("%Y-%m-%d %H:%M")), 12, False, GREY),
             (t("brief_doc.privacy"), 12, False, GREY)]
    if pack.is_sample:
        lines.append((t("brief_doc.sample"), 12, False, RED))
    _text(slide, Inches(1), Inches(2.2), WIDE - Inches(2), Inches(4), lines)


def _figures(slide, section: Section) -> None:
    figures = section.figures[:6]
    if not figures:
        return
    gap = Inches(0.15)
    width = int((WIDE - 2 * MARGIN - gap * (len(figures) - 1)) / len(figures))
    for index, figure in enumerate(figures):
        left = MARGIN + index * (width + gap)
        box = slide.shapes.add_shape(1, left, Inches(1.0), width, Inches(0.95))  # 1: rectangle
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor(0xF4, 0xF6, 0xF7)
        box.line.color.rgb = RGBColor(0xD5, 0xDB, 0xDB)
        frame = box.text_frame
        frame.word_wrap = True
        head = frame.paragraphs[0]
        _style(_run(head, figure.text()), 22, True, DARK)
        if figure.delta_text():
            color = RED if (figure.delta or 0) > 0 else GREEN if (figure.delta or 0) < 0 else GREY
            _style(_run(head, "  " + figure.delta_text()), 13, False, color)
        _style(_run(frame.add_paragraph(), figure.label), 11, False, GREY)


def _table(slide, table: Table, left, top, width, max_height) -> None:
    frame = table.frame.iloc[:SLIDE_ROWS, :MAX_TABLE_COLUMNS]
    numeric = [frame[c].dtype.kind in "iuf" for c in frame.columns]
    rows = display_rows(frame)
    row_height = Inches(0.27)
    height = min(max_height, row_height * len(rows))
    shape = slide.shapes.add_table(len(rows), len(rows[0]), left, top, width, height).table
    weights = [max(4, max(len(r[i]) for r in rows)) for i in range(len(rows[0]))]
    for index, weight in enumerate(weights):
        shape.columns[index].width = Emu(int(width * weight / sum(weights)))
    for r, values in enumerate(rows):
        shape.rows[r].height = row_height
        for c, value in enumerate(values):
            cell = shape.cell(r, c)
            cell.margin_left = cell.margin_right = Inches(0.05)
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            paragraph = cell.text_frame.paragraphs[0]
            if numeric[c]:
                paragraph.alignment = PP_ALIGN.RIGHT
            _style(_run(paragraph, value), 9, r == 0, RGBColor(0xFF, 0xFF, 0xFF) if r == 0 else DARK)
    more = len(table.frame) - len(frame)
    if more > 0:
        _text(slide, left, top + height, width, Inches(0.3), [(t("brief_doc.more_rows", n=more), 9, False, GREY)])


def _section_slide(deck, section: Section, pack: Pack) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, MARGIN, Inches(0.25), WIDE - 2 * MARGIN, Inches(0.7), [(section.title, 28, True, DARK)])
    _figures(slide, section)
    half = int((WIDE - 2 * MARGIN - Inches(0.3)) / 2)
    right = MARGIN + half + Inches(0.3)
    _text(slide, MARGIN, Inches(2.1), half, Inches(2.3), [("• " + s, 12, False, DARK) for s in section.commentary])
    image = next((pack.image_for(chart) for chart in section.charts if pack.image_for(chart)), None)
    tables = list(section.tables)
    if tables:
        _table(slide, tables.pop(0), MARGIN, Inches(4.5), half, Inches(2.3))
    if image is not None:
        slide.shapes.add_picture(io.BytesIO(image), right, Inches(2.1), width=half)
    elif tables:
        _table(slide, tables.pop(0), right, Inches(2.1), half, Inches(4.5))
    if section.tables:
        _text(slide, MARGIN, TALL - Inches(0.32), WIDE - 2 * MARGIN, Inches(0.3),
              [(t("brief_doc.source_line", source=section.tables[0].source), 8, False, GREY)])


def write_pptx(pack: Pack) -> bytes:
    """The deck as bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDE, TALL
    _title_slide(deck, pack)
    for section in pack.sections:
        _section_slide(deck, section, pack)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
