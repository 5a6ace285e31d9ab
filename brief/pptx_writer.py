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
from labels import t

WIDE, TALL = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in: PowerPoint's own 16:9
MARGIN = Inches(0.4)
DARK, GREY, RED, GREEN = RGBColor(0x1F, 0x2D, 0x3D), RGBColor(0x5D, 0x6D, 0x7E), RGBColor(0xC0, 0x39, 0x2B), \
    RGBColor(0x1E, 0x84, 0x49)


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
    lines = [(pack.title(), 36, True, DARK),
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


ROW_HEIGHT = Inches(0.27)
BODY_TOP, BODY_BOTTOM = Inches(2.1), TALL - Inches(0.45)  # under the key figures; above the source line
CONTINUED_TOP = Inches(1.0)  # a continuation slide: title, then the table
# A conservative reading of how much text a box holds: CJK glyphs are one em wide, digits half.
EM_PER_INCH_AT_12PT = 6.0


def _text_height(sentences: list[str], width: int, size: float) -> int:
    """The height the bullets need at a font size: lines by glyph widths, 1.2 line spacing, 4 pt after."""
    ems_per_line = max(1.0, (width / 914400) * EM_PER_INCH_AT_12PT * 12 / size - 1)
    lines = 0
    for sentence in sentences:
        ems = sum(0.55 if ord(char) < 0x2E80 else 1.0 for char in "• " + sentence)
        lines += max(1, -(-int(ems * 100) // int(ems_per_line * 100)))
    return int(Pt(size * 1.2) * lines + Pt(4) * len(sentences) + Inches(0.15))


def _commentary(slide, sentences: list[str], left, top, width, limit) -> int:
    """The bullets at the largest size (12 down to 9 pt) that fits above `limit`; returns their bottom."""
    for size in (12, 11, 10, 9):
        height = _text_height(sentences, width, size)
        if top + height <= limit:
            break
    _text(slide, left, top, width, height, [("• " + s, size, False, DARK) for s in sentences])
    return top + height


def _table_rows(slide, header: list[str], rows: list[list[str]], numeric: list[bool], left, top, width) -> int:
    """One PowerPoint table of a header and rows; returns its bottom."""
    body = [header] + rows
    shape = slide.shapes.add_table(len(body), len(header), left, top, width, ROW_HEIGHT * len(body)).table
    weights = [max(4, max(len(r[i]) for r in body)) for i in range(len(header))]
    for index, weight in enumerate(weights):
        shape.columns[index].width = Emu(int(width * weight / sum(weights)))
    for r, values in enumerate(body):
        shape.rows[r].height = ROW_HEIGHT
        for c, value in enumerate(values):
            cell = shape.cell(r, c)
            cell.margin_left = cell.margin_right = Inches(0.05)
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            paragraph = cell.text_frame.paragraphs[0]
            if numeric[c]:
                paragraph.alignment = PP_ALIGN.RIGHT
            _style(_run(paragraph, value), 9, r == 0, RGBColor(0xFF, 0xFF, 0xFF) if r == 0 else DARK)
    return top + ROW_HEIGHT * len(body)


def _rows_fitting(top, bottom) -> int:
    """How many rows under a header fit between top and bottom (the table title takes 0.35 in)."""
    return max(0, int((bottom - top - Inches(0.35)) // ROW_HEIGHT) - 1)


def _source(slide, table: Table) -> None:
    _text(slide, MARGIN, TALL - Inches(0.4), WIDE - 2 * MARGIN, Inches(0.3),
          [(t("brief_doc.source_line", source=table.source), 8, False, GREY)])


def _place_table(deck, slide, section: Section, table: Table, spaces: list[tuple[int, int]]) -> None:
    """Every row and column of the table: in the first free space (top, width) of the slide where it all
    fits, else on slides of its own that continue one another (header repeated, title marked 续)."""
    header, *rows = display_rows(table.frame)
    numeric = [table.frame[c].dtype.kind in "iuf" for c in table.frame.columns]
    width = WIDE - 2 * MARGIN
    for top, room in spaces:
        if rows and len(rows) <= _rows_fitting(top, BODY_BOTTOM):
            _text(slide, MARGIN, top, room, Inches(0.35), [(table.title, 12, True, DARK)])
            _table_rows(slide, header, rows, numeric, MARGIN, top + Inches(0.35), room)
            _source(slide, table)
            return
    per_slide = _rows_fitting(CONTINUED_TOP, BODY_BOTTOM)
    for start in range(0, max(len(rows), 1), per_slide):
        page = deck.slides.add_slide(deck.slide_layouts[6])
        heading = section.title if start == 0 else t("brief_doc.continued", title=section.title)
        _text(page, MARGIN, Inches(0.25), width, Inches(0.6), [(heading, 24, True, DARK)])
        _text(page, MARGIN, CONTINUED_TOP - Inches(0.05), width, Inches(0.35), [(table.title, 12, True, DARK)])
        _table_rows(page, header, rows[start:start + per_slide], numeric, MARGIN, CONTINUED_TOP + Inches(0.3), width)
        _source(page, table)


def _section_slide(deck, section: Section, pack: Pack) -> None:
    """Key figures; the commentary (left) and the chart (right); then the main table, all of it."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, MARGIN, Inches(0.25), WIDE - 2 * MARGIN, Inches(0.7), [(section.title, 28, True, DARK)])
    _figures(slide, section)
    half = int((WIDE - 2 * MARGIN - Inches(0.3)) / 2)
    right = MARGIN + half + Inches(0.3)
    image = next((pack.image_for(chart) for chart in section.charts if pack.image_for(chart)), None)
    bottom = _commentary(slide, section.commentary, MARGIN, BODY_TOP, half if image is not None else WIDE - 2 * MARGIN,
                         BODY_BOTTOM - Inches(1.5))
    gap = Inches(0.15)
    spaces = [(bottom + gap, WIDE - 2 * MARGIN)]
    if image is not None:
        picture = slide.shapes.add_picture(io.BytesIO(image), right, BODY_TOP, width=half)
        if picture.top + picture.height > BODY_BOTTOM:  # a tall chart: shrink it to the slide
            scale = (BODY_BOTTOM - picture.top) / picture.height
            picture.width, picture.height = int(picture.width * scale), int(picture.height * scale)
        # Full width under both, or the left column under the commentary.
        spaces = [(max(bottom, picture.top + picture.height) + gap, WIDE - 2 * MARGIN), (bottom + gap, half)]
    tables = list(section.tables[:1] if image is not None else section.tables[:2])
    for table in tables:
        _place_table(deck, slide, section, table, spaces)
        spaces = []  # a second table goes on slides of its own


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
