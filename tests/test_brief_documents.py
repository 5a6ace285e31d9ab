"""Briefing packs, the documents: open the PPTX, PDF, XLSX and DOCX, check them against the database,
the viewer's scope and personal data, and render them to PNG to look at (Chinese, not boxes)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation
from pptx.oxml.ns import qn
from pypdf import PdfReader
from sqlalchemy import create_engine, text

from brief.__main__ import main as brief_cli
from brief.build import build_files
from brief.fonts import SLIDE_FONT
from brief.model import BriefRequest
from brief.sections import section_keys
from labels import retired_words, t
from queries.scope import Scope
from tests.conftest import read_table
from tests.conftest import copy_sample

COUNTY = "429999000000"
SCOPE = Scope(roots=((COUNTY, "county"),), household_detail=True)
ASOF = date(2026, 11, 20)
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def pptx_text(data: bytes) -> list[str]:
    """All text of each slide (text frames and table cells)."""
    slides = []
    for slide in Presentation(io.BytesIO(data)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        slides.append("\n".join(parts))
    return slides


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def xlsx_values(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


@pytest.fixture(scope="module")
def county_pack(sample_db_url):
    return build_files(BriefRequest(sample_db_url, SCOPE, COUNTY, ASOF, "week", section_keys()))


@pytest.fixture(scope="module")
def township_pack(sample_db_url):
    areas = read_table(sample_db_url, "area")
    township = areas[areas["level"] == "township"].sort_values("code").iloc[1]
    scope = Scope(roots=((township["code"], "township"),), household_detail=True)  # a township user's own scope
    built = build_files(BriefRequest(sample_db_url, scope, township["code"], ASOF, "month", section_keys()),
                        charts=False)
    return township, built


def _open_cases(url: str, day: date) -> int:
    cases = read_table(url, "monitoring_case")
    identified, eliminated = pd.to_datetime(cases["identified_on"]), pd.to_datetime(cases["eliminated_on"])
    return int(((identified <= pd.Timestamp(day)) & (eliminated.isna() | (eliminated > pd.Timestamp(day)))).sum())


def _section_slides(slides: list[str]) -> list[str]:
    """Each section's first slide: the one whose title appears first (later ones continue its tables)."""
    firsts: dict[str, str] = {}
    for slide in slides[1:]:
        firsts.setdefault(slide.splitlines()[0], slide)
    return list(firsts.values())


def test_pptx_is_16_9_with_a_title_slide_and_one_slide_per_section(county_pack, sample_db_url):
    deck = Presentation(io.BytesIO(county_pack.files["pptx"]))
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)
    slides = _section_slides(pptx_text(county_pack.files["pptx"]))
    assert len(slides) == len(section_keys())
    title = pptx_text(county_pack.files["pptx"])[0]
    assert "示例县" in title and "2026年11月20日" in title and t("brief_compare.week") in title
    for slide, key in zip(slides, section_keys()):
        assert slide.splitlines()[0] == t(f"brief_section.{key}")
    assert f"未消除风险{_open_cases(sample_db_url, ASOF):,}户" in slides[0]
    assert not [word for word in retired_words() if word in "\n".join(slides)]
    tables = [shape for slide in deck.slides for shape in slide.shapes if shape.has_table]
    assert len(tables) >= len(section_keys())  # real tables, not pictures of tables
    pictures = [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) == len(section_keys())  # one chart per section (tasks: overdue by unit)


def test_every_pptx_run_names_the_east_asian_font(county_pack):
    deck = Presentation(io.BytesIO(county_pack.files["pptx"]))
    runs = [run for slide in deck.slides for shape in slide.shapes for frame in
            ([shape.text_frame] if shape.has_text_frame else
             [cell.text_frame for row in shape.table.rows for cell in row.cells] if shape.has_table else [])
            for paragraph in frame.paragraphs for run in paragraph.runs]
    assert len(runs) > 100
    for run in runs:
        east_asian = run._r.get_or_add_rPr().find(qn("a:ea"))
        assert east_asian is not None and east_asian.get("typeface") == SLIDE_FONT


def test_pdf_is_a4_with_an_embedded_cjk_font_and_the_numbers(county_pack, sample_db_url):
    reader = PdfReader(io.BytesIO(county_pack.files["pdf"]))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)
    content = pdf_text(county_pack.files["pdf"])
    for key in section_keys():
        assert t(f"brief_section.{key}") in content
    assert f"未消除风险{_open_cases(sample_db_url, ASOF):,}户" in content
    assert not [word for word in retired_words() if word in content]
    fonts = {str(font["/BaseFont"]) for page in reader.pages
             for font in (page["/Resources"].get("/Font") or {}).values()
             for font in [font.get_object()]}
    assert any("DroidSansFallback" in name for name in fonts)
    raw = county_pack.files["pdf"]
    assert b"/FontFile2" in raw  # the TrueType font program is embedded, not just named


def test_xlsx_has_notes_and_one_sheet_per_table_with_numbers_as_numbers(county_pack, sample_db_url):
    book = load_workbook(io.BytesIO(county_pack.files["xlsx"]))
    notes = book[t("brief_doc.notes_sheet")]
    values = [cell for row in notes.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "示例县" in values and COUNTY in values
    assert any(getattr(v, "date", lambda: None)() == ASOF for v in values if hasattr(v, "date"))
    tables = sum(len(s.tables) for s in county_pack.pack.sections)
    assert len(book.sheetnames) == 1 + tables
    overview = book[book.sheetnames[1]]
    header = [cell.value for cell in overview[1]]
    column = header.index(t("brief_col.households"))
    households = [row[column] for row in overview.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(value, int) for value in households)
    assert sum(households) == len(read_table(sample_db_url, "household"))


def docx_text(data: bytes) -> str:
    """All text of a Word file: paragraphs, then every table cell."""
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_no_retired_word_in_the_xlsx_and_docx_packs_or_the_notice(county_pack, sample_db_url):
    # Issue 20: the retired words appear nowhere in the UI or the packs, Word and Excel included.
    from brief.notice import build_notice
    from brief.notice_docx import write_notice_docx

    workbook = "\n".join([*xlsx_values(county_pack.files["xlsx"]),
                          *(str(v) for rows in xlsx_values(county_pack.files["xlsx"]).values()
                            for row in rows for v in row if v is not None)])
    word = docx_text(county_pack.files["docx"])
    notice = docx_text(write_notice_docx(build_notice(sample_db_url, SCOPE, COUNTY, ASOF)))
    for name, text in (("xlsx", workbook), ("docx", word), ("notice", notice)):
        assert len(text) > 200, name  # the document has its content, so the check below can fail
        assert not [word for word in retired_words() if word in text], name


def test_township_pack_holds_only_that_township(township_pack, sample_db_url):
    township, built = township_pack
    areas = read_table(sample_db_url, "area")
    others = areas[(areas["level"] == "township") & (areas["code"] != township["code"])]["name"]
    outside_villages = areas[(areas["level"] == "village") & (areas["parent_code"] != township["code"])]["name"]
    own_villages = set(areas.loc[areas["parent_code"] == township["code"], "name"])
    documents = {"pptx": "\n".join(pptx_text(built.files["pptx"])), "pdf": pdf_text(built.files["pdf"]),
                 "xlsx": "\n".join(str(v) for rows in xlsx_values(built.files["xlsx"]).values()
                                   for row in rows for v in row if v is not None)}
    for kind, content in documents.items():
        assert township["name"] in content, kind
        assert not [name for name in others if name in content], kind
        assert not [name for name in set(outside_villages) - own_villages if name in content], kind
        assert "示例县" not in content, kind


def test_no_personal_data_in_any_document(county_pack, township_pack, sample_db_url):
    households = read_table(sample_db_url, "household")
    names = set(households["head_name"]) | set(households["helper_name"].dropna())
    numbers = set(households["id_number"].dropna()) | set(households["phone"].dropna())
    for built in (county_pack, township_pack[1]):
        cells = [str(v) for rows in xlsx_values(built.files["xlsx"]).values() for row in rows for v in row
                 if v is not None]
        content = "\n".join(pptx_text(built.files["pptx"])) + pdf_text(built.files["pdf"]) + "\n".join(cells)
        assert "*" not in content  # no masked value of any kind (张*三, 138****1234)
        assert not [secret for secret in numbers if secret in content]
        # A two-character name also occurs inside ordinary words (周新 in 较上周新增): long names
        # anywhere, every name as a whole cell.
        assert not [name for name in names if len(name) >= 3 and name in content]
        assert not names & set(cells)


def test_formula_like_names_are_neutralised_and_numbers_stay_numbers(sample_db_url, tmp_path):
    copy = tmp_path / "inject.db"
    copy_sample(sample_db_url, copy)
    url = f"sqlite:///{copy}"
    evil = {"=HYPERLINK(\"http://evil.example\",\"点我\")": 0, "+1+1": 1, "-2+3": 2, "@SUM(A1)": 3}
    engine = create_engine(url)
    with engine.begin() as connection:
        codes = connection.execute(text("SELECT code FROM area WHERE level='township' ORDER BY code")).scalars().all()
        for name, index in evil.items():
            connection.execute(text("UPDATE area SET name=:n WHERE code=:c"), {"n": name, "c": codes[index]})
    engine.dispose()
    built = build_files(BriefRequest(url, SCOPE, COUNTY, ASOF, "week", ("overview", "risk")), charts=False)
    book = load_workbook(io.BytesIO(built.files["xlsx"]))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    for name in evil:
        assert "'" + name in texts and name not in texts
    assert not [cell for cell in cells if cell.data_type == "f"]
    numbers = [cell.value for cell in cells if cell.data_type == "n" and cell.value is not None]
    assert numbers and all(isinstance(value, (int, float)) for value in numbers)


def test_without_a_browser_the_pack_is_built_without_charts_and_says_so(sample_db_url, monkeypatch):
    from brief import render
    from brief.build import PACKS

    PACKS.clear()  # a pack built with charts a moment ago would be reused
    monkeypatch.setattr(render, "browser_path", lambda: None)
    built = build_files(BriefRequest(sample_db_url, SCOPE, COUNTY, ASOF, "week", ("overview",)))
    assert built.pack.chart_problem == t("brief.no_browser") and not built.pack.images
    deck = Presentation(io.BytesIO(built.files["pptx"]))
    assert not [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]
    assert [shape for slide in deck.slides for shape in slide.shapes if shape.has_table]
    assert t("brief_section.overview") in pdf_text(built.files["pdf"])


def test_a_browser_that_dies_costs_the_deadline_not_the_page(sample_db_url, monkeypatch, tmp_path):
    import time

    from brief import render
    from brief.build import PACKS

    PACKS.clear()
    dying = tmp_path / "chromium"
    dying.write_text("#!/bin/sh\nexit 1\n")
    dying.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(dying))
    monkeypatch.setattr(render, "RENDER_SECONDS", 2)
    monkeypatch.setattr(render, "START_SECONDS", 2)
    render._stop_server()  # a browser another test started would otherwise serve this one
    started = time.perf_counter()
    built = build_files(BriefRequest(sample_db_url, SCOPE, COUNTY, ASOF, "week", ("overview",)))
    assert time.perf_counter() - started < 30
    assert built.pack.chart_problem == t("brief.chart_timeout", seconds=4) and not built.pack.images
    assert t("brief_section.overview") in pdf_text(built.files["pdf"])
    monkeypatch.undo()  # the real browser and the real deadlines
    assert render.render_png(built.pack.sections[0].charts[0].figure)[:4] == b"\x89PNG"  # a fresh start works


def test_chart_page_loads_nothing_from_the_network():
    from kaleido import PageGenerator

    from brief.render import kaleido_options

    options = kaleido_options()
    assert options["mathjax"] is False and options["proxy_server"].startswith("http://127.0.0.1")
    page = PageGenerator(mathjax=False).generate_index()
    assert "http://" not in page and "https://" not in page and "file://" in page


def test_cli_writes_four_files_and_refuses_bad_input(sample_db_url, tmp_path, capsys):
    assert brief_cli(["--db", sample_db_url, "--area", COUNTY, "--asof", "2026-11-20", "--out", str(tmp_path),
                      "--compare", "year", "--sections", "overview,assets", "--no-charts"]) == 0
    written = sorted(path.suffix for path in tmp_path.iterdir())
    assert written == [".docx", ".pdf", ".pptx", ".xlsx"]  # no tasks section: no 督办通报
    slides = pptx_text((tmp_path / f"brief_{COUNTY}_2026-11-20.pptx").read_bytes())
    assert [s.splitlines()[0] for s in _section_slides(slides)] == [t("brief_section.overview"),
                                                                     t("brief_section.assets")]
    for argv, message in ((["--area", "123456789012"], t("brief_cli.unknown_area", value="123456789012")),
                          (["--area", COUNTY, "--asof", "2026-02-30"], t("brief_cli.bad_date", value="2026-02-30"))):
        assert brief_cli(["--db", sample_db_url, "--out", str(tmp_path), *argv]) == 2
        assert message in capsys.readouterr().err
    assert brief_cli(["--db", sample_db_url, "--area", COUNTY, "--out", str(tmp_path), "--sections", "x"]) == 2


@pytest.mark.skipif(not shutil.which("pdftoppm") or not shutil.which("soffice"),
                    reason="poppler-utils / libreoffice-impress missing: run make system-deps")
def test_pdf_and_pptx_render_to_png_with_chinese_fonts(county_pack, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(county_pack.files["pdf"])
    subprocess.run(["pdftoppm", "-r", "70", "-f", "2", "-l", "3", "-png", str(pdf), str(SCREENSHOTS / "brief_pdf")],
                   check=True, timeout=120)
    pptx = tmp_path / "pack.pptx"
    pptx.write_bytes(county_pack.files["pptx"])
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "slides"), str(pptx)], check=True, timeout=300, capture_output=True)
    slides_pdf = tmp_path / "slides" / "pack.pdf"
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(slides_pdf), str(SCREENSHOTS / "brief_pptx")],
                   check=True, timeout=120)
    assert len(list(SCREENSHOTS.glob("brief_pptx-*.png"))) >= 1 + len(section_keys())
    # LibreOffice drew the slides with a CJK font, and the words came through as text.
    fonts = subprocess.run(["pdffonts", str(slides_pdf)], check=True, capture_output=True, text=True).stdout
    assert "NotoSansCJK" in fonts.replace(" ", "")
    assert t("brief_section.overview") in pdf_text(slides_pdf.read_bytes())


def test_pdf_has_no_blank_page_no_orphaned_heading_and_plain_sources(county_pack):
    """Every page carries content; a table's title shares its page with the table; sources name
    registers in plain words, never tables or code paths."""
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(county_pack.files["pdf"])).pages]
    footer = re.compile(r"^\s*第\s*\d+\s*页\s*$")
    for number, text in enumerate(pages, start=1):
        lines = [line for line in text.splitlines() if line.strip() and not footer.match(line)]
        assert sum(len(line) for line in lines) > 80, f"page {number} is (nearly) blank: {lines}"
        for table in (table for section in county_pack.pack.sections for table in section.tables):
            if lines and lines[-1].strip() == table.title:
                raise AssertionError(f"page {number} ends with the heading {table.title!r}")
    whole = "\n".join(pages)
    for jargon in ("monitoring_case", "guarantee_check", "task_progress", "rules/", ".py"):
        assert jargon not in whole
    assert all(not re.search(r"[a-z_]+_[a-z_]+", table.source)
               for section in county_pack.pack.sections for table in section.tables)


def test_pptx_tables_keep_every_row_and_column_and_nothing_overlaps(county_pack):
    """The township table shows all 14 townships and every column (continuing on the next slide when
    needed); no text box, table or chart covers another."""
    deck = Presentation(io.BytesIO(county_pack.files["pptx"]))
    children = next(table for table in county_pack.pack.sections[0].tables)
    header = [str(column) for column in children.frame.columns]
    shown = [shape.table for slide in deck.slides for shape in slide.shapes
             if shape.has_table and [c.text for c in shape.table.rows[0].cells] == header]
    assert shown, "the township table is on no slide"
    names = [row.cells[0].text for table in shown for row in list(table.rows)[1:]]
    assert names == [str(v) for v in children.frame.iloc[:, 0]]
    for slide in deck.slides:
        boxes = [(s.left, s.top, s.left + s.width, s.top + s.height) for s in slide.shapes
                 if (s.has_text_frame and s.text_frame.text.strip()) or s.has_table or s.shape_type == 13]
        for shape in slide.shapes:  # nothing runs off the slide
            assert shape.top + shape.height <= deck.slide_height and shape.left + shape.width <= deck.slide_width
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                overlap = min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
                assert not overlap, (slide.shapes[0].text_frame.text, a, b)
