"""`import-tasks`: a matrix from CSV or Excel, all or nothing, re-importable without duplicates."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import make_engine
from db.schema import metadata
from db.task_import import ImportRejected, import_tasks
from tests.conftest import read_table
from tests.conftest import copy_sample
from tests.test_task_matrix import SEED_MATRIX, stored_matrix

SEED_CSV = Path(__file__).resolve().parent.parent / "sample_data" / "seed000_matrix.csv"
HEADER = ["序号", "重点工作", "牵头单位", "责任单位"]
TABLES = ("unit", "task", "task_unit")


def _fresh(url: str):
    engine = make_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    return engine


@pytest.fixture
def engine(tmp_path):
    engine = _fresh(f"sqlite:///{tmp_path / 'tasks.db'}")
    yield engine
    engine.dispose()


def _csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([HEADER] + rows)
    return path


def _snapshot(url: str) -> dict[str, list]:
    return {name: sorted(map(tuple, read_table(url, name).astype(str).values.tolist())) for name in TABLES}


def _expected() -> dict:
    return {seq: (title, sorted(lead), sorted(resp)) for seq, (title, lead, resp) in SEED_MATRIX.items()}


def test_seed_csv_imports_into_an_empty_database(engine):
    summary = import_tasks(engine, SEED_CSV)
    url = engine.url.render_as_string()
    assert stored_matrix(url) == _expected()
    assert len(summary.added) == 16 and summary.links == 84 and len(summary.new_units) == 26
    units = read_table(url, "unit").set_index("name")
    assert units.at["扶贫办", "alias"] == "乡村振兴办" and units.at["扶贫办", "code"] == "fpb"
    assert read_table(url, "task")["code"].tolist() == [f"T{n:02d}" for n in range(1, 17)]


def test_reimport_updates_in_place_and_replaces_the_units_of_each_task(engine, tmp_path):
    import_tasks(engine, SEED_CSV)
    url = engine.url.render_as_string()
    with engine.begin() as connection:  # a progress report must survive a re-import
        connection.execute(text("INSERT INTO task_progress (id, task_code, unit_code, reported_on, percent, status) "
                                "VALUES (1, 'T02', 'xq', '2024-01-25', 40, 'on_track')"))
    changed = _csv(tmp_path / "changed.csv", [["2", "巩固拓展义务教育有保障（修订）", "学区", "财政局"]])
    summary = import_tasks(engine, changed)
    assert summary.updated == ["T02"] and summary.added == [] and summary.new_units == []
    matrix = stored_matrix(url)
    assert matrix[2] == ("巩固拓展义务教育有保障（修订）", ["学区"], ["财政局"])  # 人社中心 dropped
    assert {seq: row for seq, row in matrix.items() if seq != 2} == {s: r for s, r in _expected().items() if s != 2}
    assert len(read_table(url, "task")) == 16 and len(read_table(url, "task_progress")) == 1
    import_tasks(engine, SEED_CSV)
    assert stored_matrix(url) == _expected() and len(read_table(url, "task_unit")) == 84


def test_a_bad_row_writes_nothing_and_every_bad_row_is_named(engine, tmp_path):
    import_tasks(engine, SEED_CSV)
    url = engine.url.render_as_string()
    before = _snapshot(url)
    bad = _csv(tmp_path / "bad.csv", [
        ["1", "新标题", "新单位甲", "财政局"],        # row 2: fine, would add a unit and change a title
        ["二", "某项工作", "学区", ""],               # row 3: 序号 not a number
        ["17", "某项工作", "", "财政局"],             # row 4: no lead unit
        ["18", "某项工作", "学区(乡村振兴办", ""],     # row 5: unbalanced parenthesis
        ["1", "重复", "学区", ""],                    # row 6: 序号 1 again
        ["19", "", "学区", ""],                       # row 7: no title
    ])
    with pytest.raises(ImportRejected) as rejected:
        import_tasks(engine, bad)
    messages = rejected.value.messages
    assert "5 行无法读取" in messages[0] and "未做任何修改" in messages[0]
    assert [m.split("：")[0] for m in messages[1:]] == [f"第 {n} 行" for n in (3, 4, 5, 6, 7)]
    assert "牵头单位" in messages[2] and "重点工作" in messages[5]
    assert _snapshot(url) == before


def test_a_failure_while_writing_rolls_everything_back(engine, tmp_path, monkeypatch):
    import_tasks(engine, SEED_CSV)
    url = engine.url.render_as_string()
    before = _snapshot(url)
    from db import task_import

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    renamed = _csv(tmp_path / "two.csv", [["5", "新标题", "新单位乙", ""], ["16", "x", "学区", ""]])
    monkeypatch.setattr(task_import, "update", broken)
    with pytest.raises(RuntimeError):
        import_tasks(engine, renamed)  # the new unit was inserted before the failing update
    assert _snapshot(url) == before


def test_excel_with_a_title_line_blank_rows_and_other_header_names(engine, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["重点工作责任分工"])                      # row 1: the sheet's title
    sheet.append(["序 号", "重点任务", "牵头部门", "配合单位"])  # row 2: header, other spellings
    sheet.append([1, "保持主要帮扶政策总体稳定", "乡村振兴办", "新设单位（新设办）、学区"])
    sheet.append([None, None, None, None])                 # row 4: blank
    sheet.append([2.0, "巩固拓展义务教育有保障", "学区", "财政局 新设办"])
    path = tmp_path / "matrix.xlsx"
    book.save(path)
    summary = import_tasks(engine, path)
    url = engine.url.render_as_string()
    matrix = stored_matrix(url)
    assert matrix[1] == ("保持主要帮扶政策总体稳定", ["扶贫办"], sorted(["新设单位", "学区"]))
    assert matrix[2] == ("巩固拓展义务教育有保障", ["学区"], sorted(["新设单位", "财政局"]))
    assert sorted(summary.new_units) == sorted(["扶贫办", "新设单位", "学区", "财政局"])
    units = read_table(url, "unit").set_index("name")
    assert units.at["新设单位", "alias"] == "新设办" and units.at["新设单位", "code"].startswith("u_")

    sheet.append([3, "某项工作", "学区(", ""])  # row 6 in the spreadsheet
    book.save(path)
    with pytest.raises(ImportRejected) as rejected:
        import_tasks(engine, path)
    assert rejected.value.messages[1].startswith("第 6 行")


def test_a_lone_alias_means_the_stored_unit_that_carries_it(engine, tmp_path):
    import_tasks(engine, SEED_CSV)
    with engine.begin() as connection:  # a county whose 扶贫办 goes by another alias
        connection.execute(text("UPDATE unit SET alias = '振兴局' WHERE code = 'fpb'"))
    import_tasks(engine, _csv(tmp_path / "alias.csv", [["9", "实施农村人口就业提升行动", "人社中心", "振兴局"]]))
    assert stored_matrix(engine.url.render_as_string())[9] == ("实施农村人口就业提升行动", ["人社中心"], ["扶贫办"])


def test_gbk_csv_from_chinese_excel_is_read(engine, tmp_path):
    path = _csv(tmp_path / "gbk.csv", [["1", "保持主要帮扶政策总体稳定", "扶贫办", "学区"]], encoding="gbk")
    import_tasks(engine, path)
    assert stored_matrix(engine.url.render_as_string())[1][0] == "保持主要帮扶政策总体稳定"


@pytest.mark.parametrize("content, suffix, expected", [
    ("标题,其他\n1,2\n", ".csv", "找不到表头"),
    ("序号,重点工作,牵头单位\n", ".csv", "没有任务行"),
    ("x", ".txt", "不支持的文件类型"),
    ("not a zip", ".xlsx", "无法读取 Excel"),
])
def test_unreadable_files_get_a_chinese_message(engine, tmp_path, content, suffix, expected):
    path = tmp_path / f"file{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        import_tasks(engine, path)
    assert expected in rejected.value.messages[0]


def test_tasks_belong_to_the_top_area_or_the_one_named(sample_db_url, tmp_path):
    copy = tmp_path / "sample.db"
    copy_sample(sample_db_url, copy)
    engine = make_engine(f"sqlite:///{copy}")
    path = _csv(tmp_path / "one.csv", [["17", "新增任务", "学区", ""]])
    import_tasks(engine, path)
    tasks = read_table(f"sqlite:///{copy}", "task").set_index("code")
    assert tasks.at["T17", "area_code"] == "429999000000"
    with pytest.raises(ImportRejected, match="429999999999"):
        import_tasks(engine, path, area_code="429999999999")
    engine.dispose()


@pytest.mark.engines
@pytest.mark.parametrize("engine_name", ["postgresql", "mariadb"])
def test_all_or_nothing_on_server_engines(server_database, engine_name, tmp_path):
    url = server_database(engine_name, "taskimport")
    engine = _fresh(url)
    try:
        import_tasks(engine, SEED_CSV)
        assert stored_matrix(url) == _expected()
        before = _snapshot(url)
        with pytest.raises(ImportRejected):
            import_tasks(engine, _csv(tmp_path / "bad.csv", [["1", "改", "新单位丙", ""], ["x", "y", "学区", ""]]))
        assert _snapshot(url) == before
        import_tasks(engine, SEED_CSV)
        assert _snapshot(url) == before  # re-importing the same file changes nothing
    finally:
        engine.dispose()
