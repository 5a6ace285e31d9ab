"""The 督办通报 as a Word document in the shape of a Chinese official notice (GB/T 9704-2012).

GB/T 9704 asks for A4, margins of 37/35/28/26 mm, the title in 小标宋 at 2号 (22 pt), the body in
仿宋 at 3号 (16 pt), about 22 lines of 28 characters, headings 一、 in 黑体. Those typefaces are not
on the machine; the document names the installed Noto fonts instead (Noto Serif CJK SC for the title
and body, Noto Sans CJK SC for the headings), so it shows the same wherever fonts-noto-cjk is
installed, and nothing depends on a font the machine cannot show. Nothing is embedded.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from brief.notice import Notice
from labels import t

TITLE_FONT = "Noto Serif CJK SC"  # stands in for 方正小标宋简体
BODY_FONT = "Noto Serif CJK SC"  # stands in for 仿宋_GB2312
HEADING_FONT = "Noto Sans CJK SC"  # stands in for 黑体
TITLE_PT, BODY_PT = 22, 16  # 2号, 3号
LINE_PT = 28.5  # fixed line spacing: 22 lines on the type area


def set_east_asian_font(styled, name: str) -> None:
    """Name a font for Latin and East Asian text alike (python-docx sets only the Latin one)."""
    styled.font.name = name
    fonts = styled.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), name)


def _font(run, name: str, size: float, bold: bool = False) -> None:
    set_east_asian_font(run, name)
    run.font.size = Pt(size)
    run.font.bold = bold


def _paragraph(document, text: str, font: str = BODY_FONT, size: float = BODY_PT, bold: bool = False,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT if size <= BODY_PT else size * 1.5)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)  # two characters
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _date(day) -> str:
    return t("notice.date", year=day.year, month=day.month, day=day.day)


def _section(document, heading: str, intro: str | None, lines: list[str], none: str) -> None:
    _paragraph(document, heading, font=HEADING_FONT)
    if not lines:
        _paragraph(document, none)
        return
    if intro:
        _paragraph(document, intro)
    for line in lines:
        _paragraph(document, line)


def _change(change: int) -> str:
    if change > 0:
        return t("notice.change_up", count=change)
    if change < 0:
        return t("notice.change_down", count=-change)
    return t("notice.change_same")


def write_notice_docx(notice: Notice) -> bytes:
    """The notice as .docx bytes."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    set_east_asian_font(document.styles["Normal"], BODY_FONT)
    document.styles["Normal"].font.size = Pt(BODY_PT)
    year, week, _ = notice.asof.isocalendar()
    _paragraph(document, t("notice.number", year=year, week=week), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, t("notice.title", area=notice.area_name), font=TITLE_FONT, size=TITLE_PT, bold=True,
               align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, "", indent=False)
    asof = _date(notice.asof)
    _paragraph(document, t("notice.intro", date=asof))
    _paragraph(document, t("notice.h_overall"), font=HEADING_FONT)
    _paragraph(document, t("notice.overall", tasks=notice.task_count, units=notice.unit_count, cells=notice.cells,
                           done=notice.cells_done, tasks_done=notice.tasks_done,
                           average=f"{notice.average_percent:.1f}"))
    _section(document, t("notice.h_behind"), None,
             [t("notice.behind_line", n=n, name=unit.name, tasks=unit.behind_tasks, overdue=unit.overdue_milestones,
                change=_change(unit.behind_change)) for n, unit in enumerate(notice.behind, 1)],
             t("notice.behind_none"))
    _section(document, t("notice.h_red"), t("notice.red_intro", since=_date(notice.since)),
             [t("notice.red_line", n=n, title=title) for n, title in enumerate(notice.turned_red, 1)],
             t("notice.red_none"))
    _section(document, t("notice.h_late"), t("notice.late_intro", deadline=_date(notice.deadline), date=asof),
             [t("notice.late_line", n=n, name=unit.name, tasks=unit.tasks, days=unit.days_late)
              for n, unit in enumerate(notice.late, 1)], t("notice.late_none"))
    _section(document, t("notice.h_praise"), t("notice.praise_intro"),
             [t("notice.praise_line", n=n, name=unit.name, before=f"{unit.percent_before:.1f}",
                now=f"{unit.percent_now:.1f}") for n, unit in enumerate(notice.improved, 1)],
             t("notice.praise_none"))
    _paragraph(document, t("notice.h_require"), font=HEADING_FONT)
    _paragraph(document, t("notice.require"))
    _paragraph(document, "", indent=False)
    _paragraph(document, t("notice.issuer", area=notice.area_name), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, asof, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
