"""`python -m db import-areas`: a banner's 统计用区划代码 list, as GBK CSV and as .xlsx with a title row."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from db.__main__ import main
from db.engine import make_engine
from db.schema import area, import_batch, import_problem
from labels import label_of

TITLE = "示例旗2024年统计用区划代码和城乡划分代码"
# (code, 城乡分类代码, name, 户数): a banner (旗) with a street, a town and a 苏木, 社区 and 嘎查.
BANNER = [
    ("150999000000", "", "示例旗", ""),
    ("150999001000", "", "新城街道", "1800"),
    ("150999001001", "111", "新城社区", "1800"),
    ("150999100000", "", "乌兰镇", "2100"),
    ("150999100001", "121", "乌兰社区", "600"),
    ("150999100200", "220", "巴彦嘎查", "800"),
    ("150999100201", "220", "乌力吉嘎查", "700"),
    ("150999200000", "", "宝力格苏木", "900"),
    ("150999200200", "220", "宝力格嘎查", "500"),
    ("150999200201", "220", "哈日嘎查", "400"),
]
# code -> (level, parent, kind, household_count), as the code says: never from the names.
EXPECTED = {
    "150999000000": ("county", None, None, None),
    "150999001000": ("township", "150999000000", "street", 1800),
    "150999001001": ("village", "150999001000", "community", 1800),
    "150999100000": ("township", "150999000000", "town", 2100),
    "150999100001": ("village", "150999100000", "community", 600),
    "150999100200": ("village", "150999100000", "village", 800),
    "150999100201": ("village", "150999100000", "village", 700),
    "150999200000": ("township", "150999000000", "township", 900),
    "150999200200": ("village", "150999200000", "village", 500),
    "150999200201": ("village", "150999200000", "village", 400),
}


def write_csv(path, rows, header=("统计用区划代码", "城乡分类代码", "名称", "户数"), encoding="gbk"):
    """A CSV as the bureau's list is usually saved by Excel in China: GBK, a title line above the header."""
    lines = [TITLE, ",".join(header)] + [",".join(row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path, rows, header=("区划代码", "城乡分类", "单位名称", "户数")):
    """An .xlsx with a title row, variant headers, codes stored as numbers (as Excel does on paste)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "区划"
    sheet.append([TITLE])
    sheet.append(list(header))
    for code, urban, name, households in rows:
        sheet.append([int(code) if code.isdigit() else code, urban, name, int(households) if households else None])
    book.save(path)
    return path


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def db_url(request, tmp_path, server_database) -> str:
    """An empty database (no tables: the import creates them), on each reachable engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'areas.db'}"
    return server_database(request.param, "areas")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'areas.db'}"


def areas_in(url: str) -> dict[str, tuple]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(area.c.code, area.c.name, area.c.level, area.c.parent_code,
                                         area.c.kind, area.c.household_count)).all()
    engine.dispose()
    return {code: (name, level, parent, kind, households) for code, name, level, parent, kind, households in rows}


def batches_in(url: str) -> list[dict]:
    engine = make_engine(url)
    with engine.connect() as connection:
        batches = [dict(row) for row in connection.execute(select(import_batch).order_by(import_batch.c.id)).mappings()]
        for batch in batches:
            batch["problems"] = [dict(row) for row in connection.execute(
                select(import_problem).where(import_problem.c.batch_id == batch["id"])
                .order_by(import_problem.c.id)).mappings()]
    engine.dispose()
    return batches


def test_gbk_csv_of_a_banner_gives_exact_levels_parents_and_kinds(db_url, tmp_path, capsys):
    source = write_csv(tmp_path / "区划代码.csv", BANNER)
    assert main(["import-areas", str(source), "--db", db_url]) == 0
    assert "导入完成" in capsys.readouterr().out
    stored = areas_in(db_url)
    assert {code: row[1:] for code, row in stored.items()} == EXPECTED
    assert stored["150999200200"][0] == "宝力格嘎查"
    [batch] = batches_in(db_url)
    assert (batch["kind"], batch["status"], batch["rows_read"], batch["rows_written"]) == ("areas", "done", 10, 10)


def test_xlsx_with_title_row_and_variant_headers_loads_the_same_and_reimport_changes_nothing(sqlite_url, tmp_path, capsys):
    source = write_xlsx(tmp_path / "区划代码.xlsx", BANNER)
    assert main(["import-areas", str(source), "--db", sqlite_url]) == 0
    first = areas_in(sqlite_url)
    assert {code: row[1:] for code, row in first.items()} == EXPECTED
    capsys.readouterr()
    assert main(["import-areas", str(source), "--db", sqlite_url]) == 0
    assert "新增 0，更新 0，未变 10" in capsys.readouterr().out
    assert areas_in(sqlite_url) == first


def test_a_later_list_renames_and_adds_and_reports_a_missing_area_without_deleting_it(db_url, tmp_path, capsys):
    main(["import-areas", str(write_csv(tmp_path / "2023.csv", BANNER)), "--db", db_url])
    later = [row for row in BANNER if row[0] != "150999200201"]  # 哈日嘎查 left out
    later = [("150999100200", "220", "巴彦乌拉嘎查", "800") if row[0] == "150999100200" else row for row in later]
    later.append(("150999200202", "220", "新建嘎查", "120"))
    capsys.readouterr()
    assert main(["import-areas", str(write_csv(tmp_path / "2024.csv", later, encoding="utf-8")), "--db", db_url]) == 0
    output = capsys.readouterr().out
    assert "新增 1，更新 1" in output and "哈日嘎查" in output
    stored = areas_in(db_url)
    assert stored["150999100200"][0] == "巴彦乌拉嘎查"
    assert stored["150999200202"][1:3] == ("village", "150999200000")
    assert "150999200201" in stored  # reported, never deleted
    warning = [p for p in batches_in(db_url)[-1]["problems"] if p["code"] == "area_missing"]
    assert [(p["level"], p["value"]) for p in warning] == [("warning", "150999200201")]


def test_a_file_with_planted_errors_is_refused_writes_nothing_and_names_each_row(db_url, tmp_path, capsys):
    main(["import-areas", str(write_csv(tmp_path / "good.csv", BANNER)), "--db", db_url])
    before = areas_in(db_url)
    bad = list(BANNER) + [
        ("15099910020", "220", "短代码嘎查", ""),        # row 13: 11 digits
        ("15099910020X", "220", "字母嘎查", ""),        # row 14: not digits
        ("150999100201", "220", "重复嘎查", ""),        # row 15: duplicate of row 9
        ("150999300200", "220", "无主嘎查", ""),        # row 16: its township 150999300000 is nowhere
        ("150999100202", "220", "好嘎查", "很多"),      # row 17: 户数 not a number
    ] + [("150999100203", "220", "改名嘎查", "")]      # row 18: fine, but must not be written
    capsys.readouterr()
    assert main(["import-areas", str(write_csv(tmp_path / "bad.csv", bad)), "--db", db_url]) == 2
    output = capsys.readouterr().out
    assert "导入被拒绝" in output and "第 13 行" in output
    assert areas_in(db_url) == before
    batch = batches_in(db_url)[-1]
    assert (batch["status"], batch["rows_read"], batch["rows_written"], batch["rows_rejected"]) == ("refused", 16, 0, 5)
    errors = sorted((p["row"], p["code"], p["column"], p["value"]) for p in batch["problems"] if p["level"] == "error")
    assert errors == [(13, "bad_code", "统计用区划代码", "15099910020"),
                      (14, "bad_code", "统计用区划代码", "15099910020X"),
                      (15, "duplicate_code", "统计用区划代码", "150999100201"),
                      (16, "missing_parent", "统计用区划代码", "150999300200"),
                      (17, "bad_household_count", "户数", "很多")]


def test_check_only_lists_problems_and_writes_nothing(sqlite_url, tmp_path, capsys):
    source = write_csv(tmp_path / "list.csv", BANNER)
    assert main(["import-areas", str(source), "--check", "--db", sqlite_url]) == 0
    assert "检查完成" in capsys.readouterr().out
    assert areas_in(sqlite_url) == {}
    assert [b["status"] for b in batches_in(sqlite_url)] == ["checked"]


def test_a_file_without_a_header_is_refused_and_recorded(sqlite_url, tmp_path, capsys):
    source = tmp_path / "notes.csv"
    source.write_text("随便写的一行\n另一行\n", encoding="utf-8")
    assert main(["import-areas", str(source), "--db", sqlite_url]) == 2
    assert "找不到表头" in capsys.readouterr().out
    [batch] = batches_in(sqlite_url)
    assert batch["status"] == "refused" and batch["problems"][0]["code"] == "no_header"


def test_a_city_list_roots_at_the_city_and_needs_no_county_root(sqlite_url, tmp_path):
    rows = [("150900000000", "", "示例市", ""), ("150999000000", "", "示例旗", ""),
            ("150999100000", "", "乌兰镇", ""), ("150999100200", "220", "巴彦嘎查", ""),
            ("150999400000", "", "示例农场", ""), ("150999400001", "", "场部社区", "")]  # 政企合一: digit 4
    assert main(["import-areas", str(write_csv(tmp_path / "city.csv", rows)), "--db", sqlite_url]) == 0
    stored = areas_in(sqlite_url)
    assert stored["150900000000"][1:3] == ("city", None)
    assert stored["150999000000"][1:3] == ("county", "150900000000")
    assert stored["150999400000"][1:4] == ("township", "150999000000", "other")
    assert label_of("township_kind", "other") == "乡级单位"  # what the drill table shows for it


def test_the_list_may_sit_on_a_later_sheet_behind_a_cover_sheet(sqlite_url, tmp_path):
    """One reader for every import (db/imports/sheet_reader.py): it looks for the header on each sheet."""
    source = write_xlsx(tmp_path / "区划代码.xlsx", BANNER)
    from openpyxl import load_workbook

    book = load_workbook(source)
    cover = book.create_sheet("说明", 0)
    cover.append(["本表由统计局提供，仅供内部使用"])
    book.save(source)
    assert main(["import-areas", str(source), "--db", sqlite_url]) == 0
    assert {code: row[1:] for code, row in areas_in(sqlite_url).items()} == EXPECTED


def test_a_csv_in_utf8_for_64_kib_and_then_gbk_is_refused_with_the_reason(sqlite_url, tmp_path, capsys):
    """The encoding is judged on the head of the file; a later undecodable row is a refusal, not a crash."""
    source = tmp_path / "区划代码.csv"
    rows = "".join(f"150999{100 + n // 1000:03d}{n % 1000:03d},220,V{n},1\r\n" for n in range(3000))
    source.write_bytes(("统计用区划代码,城乡分类代码,名称,户数\r\n" + rows).encode("utf-8")
                       + "150999999999,220,哈日嘎查,1\r\n".encode("gbk"))
    assert main(["import-areas", str(source), "--db", sqlite_url]) == 2
    assert "编码" in capsys.readouterr().out
    [batch] = batches_in(sqlite_url)
    assert batch["status"] == "refused" and batch["problems"][0]["code"] == "bad_encoding"


@pytest.mark.parametrize("shift", range(6))
def test_a_utf8_csv_reads_wherever_the_64_kib_edge_cuts_a_character(tmp_path, shift):
    """The encoding is judged on the first 64 KiB; the edge may fall inside a 3-byte character, and
    moving it back by a fixed count may fall inside one again (a sample export once hit exactly that)."""
    from db.imports.sheet_reader import read_sheets

    source = tmp_path / "名册.csv"
    header = "代码,名称\r\n" + "x" * shift + ",\r\n"
    rows = "".join(f"{n},嘎查村名称{n % 10}\r\n" for n in range(6000))  # far past 64 KiB, mostly 3-byte characters
    source.write_bytes((header + rows).encode("utf-8-sig"))
    read = [row for sheet in read_sheets(source) for row in sheet]
    assert len(read) == 6002 and read[-1][2] == ("5999", "嘎查村名称9")
