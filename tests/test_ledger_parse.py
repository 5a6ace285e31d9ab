"""Reading an export as counties have it: header below titles, column variants, dates, encodings, the CLI."""

from __future__ import annotations

import datetime as dt

import pytest

from db.imports.ledger_checks import BadValue, id_number_ok, parse_money, parse_month, title_date
from db.imports.ledger_parse import AreaIndex, parse_ledger
from db.imports.sheet_reader import read_rows
from rules.labor import household_labor

AREAS = AreaIndex({("青石镇", "桃园村"): "429999101201", ("青石镇", "柳岸村"): "429999101202"},
                  {"青石镇": ["桃园村", "柳岸村"]})
HEAD = "11010519491231002X"
CHILD = "110105201005060015"


def _write(path, lines: list[str], encoding: str = "utf-8") -> None:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)


@pytest.mark.parametrize("value, expected", [
    ("202401", dt.date(2024, 1, 1)), ("2024-03", dt.date(2024, 3, 1)), ("2024年3月", dt.date(2024, 3, 1)),
    ("2024-03-15", dt.date(2024, 3, 15)), ("20240315", dt.date(2024, 3, 15)), (202405.0, dt.date(2024, 5, 1)),
    ("", None),
])
def test_months_and_dates_parse(value, expected):
    assert parse_month(value) == expected


@pytest.mark.parametrize("value", ["202613", "2024-02-30", "abc", "20241", "189901"])
def test_impossible_months_are_refused(value):
    with pytest.raises(BadValue):
        parse_month(value)


def test_id_numbers_check_digit_and_disability_certificates():
    assert id_number_ok(HEAD) and id_number_ok(HEAD.lower()) and id_number_ok(CHILD)
    assert id_number_ok(HEAD + "21") and id_number_ok(HEAD + "2101")  # 残疾人证: 20 and 22 characters
    assert not id_number_ok(HEAD[:17] + "1") and not id_number_ok(HEAD + "2") and not id_number_ok(HEAD[:15])


def test_money_and_title_dates():
    assert parse_money("1,234.5") == 1234.5 and parse_money("800元") == 800.0 and parse_money("") is None
    with pytest.raises(BadValue):
        parse_money("八千")
    assert title_date(["监测对象信息", "导出时间：2026年11月20日 10:31"]) == dt.date(2026, 11, 20)
    assert title_date(["截至2026-10-31"]) == dt.date(2026, 10, 31)
    assert title_date(["监测对象信息"]) is None


def test_older_column_names_gbk_and_the_header_below_two_titles(tmp_path):
    path = tmp_path / "old.csv"
    _write(path, [
        "（自定义）监测对象信息", "导出时间：2024年06月30日",
        "县(市、区、旗),乡(镇),行政村,户编号,姓名,证件号码,家庭人口数,与户主关系,劳动技能,监测对象类别,风险识别时间,"
        "风险是否消除,风险消除时间,致贫原因1,家庭人均纯收入(元),民族",
        f"示例县,青石镇,桃园村,H001,张三,{HEAD},2,户主,弱劳动力或半劳动力,边缘易致贫户,202401,是,202405,因病,8000,汉族",
        f"示例县,青石镇,桃园村,H001,张小,{CHILD},2,之子,无劳动力,边缘易致贫户,202401,是,202405,因病,8000,汉族",
    ], encoding="gbk")
    parsed = parse_ledger(read_rows(path), AREAS, None)
    assert [p.code for p in parsed.problems if p.is_error] == []
    assert parsed.asof == dt.date(2024, 6, 30)
    household = parsed.households["H001"]
    assert household.village_code == "429999101201" and len(household.persons) == 2
    assert (household.case_type, household.identified, household.eliminated) == (
        "marginal", dt.date(2024, 1, 1), dt.date(2024, 5, 1))
    assert household.risks == ["illness"] and household.money["per_capita_net"] == 8000.0
    assert household_labor(p.labor_skill for p in household.persons) == "weak"
    ignored = [p for p in parsed.problems if p.code == "ignored_columns"]
    assert len(ignored) == 1 and "民族" in ignored[0].message


def test_without_a_stated_date_asof_is_required_and_size_mismatch_warns(tmp_path):
    path = tmp_path / "nodate.csv"
    _write(path, ["乡,村,户编号,姓名,证件号码,人数", f"青石镇,桃园村,H1,张三,{HEAD},3"])
    parsed = parse_ledger(read_rows(path), AREAS, None)
    assert [p.code for p in parsed.problems if p.is_error] == ["no_asof"]
    parsed = parse_ledger(read_rows(path), AREAS, dt.date(2024, 6, 30))
    assert [p.code for p in parsed.problems if p.is_error] == []
    mismatch = [p for p in parsed.problems if p.code == "size_mismatch"]
    assert mismatch and mismatch[0].row == 2 and mismatch[0].level == "warning"


def test_unknown_village_suggests_the_nearest_names(tmp_path):
    path = tmp_path / "typo.csv"
    _write(path, ["乡,村,户编号,姓名,证件号码", f"青石镇,桃源村,H1,张三,{HEAD}"])
    parsed = parse_ledger(read_rows(path), AREAS, dt.date(2024, 6, 30))
    problem = next(p for p in parsed.problems if p.code == "unknown_village")
    assert problem.row == 2 and problem.column == "村" and problem.value == "桃源村"
    assert "桃园村" in problem.message


def test_labour_rule():
    assert household_labor(["none", "skilled"]) == "normal"
    assert household_labor(["weak", "lost", "none"]) == "weak"
    assert household_labor(["lost", "none"]) == "none"
    assert household_labor([None, None]) is None


def test_cli_refuses_a_bad_file_with_exit_2_and_check_writes_nothing(tmp_path, capsys, sample_db_url):
    from db.__main__ import main
    from tests.conftest import copy_sample

    target = tmp_path / "cli.db"
    copy_sample(sample_db_url, target)
    url = f"sqlite:///{target}"
    bad = tmp_path / "bad.csv"
    _write(bad, ["导出时间：2026-11-20", "乡,村,户编号,姓名,证件号码,识别监测时间,监测对象类别",
                 f"青石镇,无此村,H1,张三,{HEAD[:17]}1,202613,边缘易致贫户"])
    assert main(["import-ledger", str(bad), "--db", url]) == 2
    out = capsys.readouterr().out
    assert "第 3 行" in out and "202613" in out and "无此村" in out
    assert main(["import-ledger", str(bad), "--db", url, "--check"]) == 2
    import sqlite3

    connection = sqlite3.connect(target)
    assert connection.execute("SELECT COUNT(*) FROM household WHERE external_id IS NOT NULL").fetchone()[0] == 0
    assert [row[0] for row in connection.execute("SELECT status FROM import_batch ORDER BY id")] == ["refused", "checked"]
    connection.close()


def test_both_excel_readers_give_the_same_rows_with_excel_row_numbers(tmp_path, monkeypatch):
    from openpyxl import Workbook

    path = tmp_path / "two.xlsx"
    book = Workbook()
    sheet = book.active
    sheet["C2"] = "导出时间：2024年06月30日"  # the used range starts at row 2, column C
    sheet.append([None, None, "乡", "村", "户编号", "姓名", "证件号码", "人数"])
    sheet.append([None, None, "青石镇", "桃园村", "H1", "张三", HEAD, 1])
    book.save(path)
    fast = list(read_rows(path))
    monkeypatch.setenv("DASHBOARD_XLSX_READER", "openpyxl")
    slow = list(read_rows(path))
    from db.imports.sheet_reader import cell_text

    def texts(rows):
        return [(number, [cell_text(v) for v in values if cell_text(v)]) for _, number, values in rows
                if any(cell_text(v) for v in values)]

    assert texts(fast) == texts(slow)
    assert texts(fast)[-1] == (4, ["青石镇", "桃园村", "H1", "张三", HEAD, "1"])
    parsed = parse_ledger(read_rows(path), AREAS, None)
    assert parsed.asof == dt.date(2024, 6, 30) and parsed.households["H1"].persons[0].row == 4


@pytest.mark.parametrize("dibao, tekun, expected", [
    ("享受农村低保", "未享受", {"dibao"}), ("是", "否", {"dibao"}), ("不享受", "分散供养", {"tekun"}),
    ("无", "", set()), ("", "是", {"tekun"}),
])
def test_the_civil_affairs_policy_columns_give_dibao_and_tekun(tmp_path, dibao, tekun, expected):
    """享受低保政策情况 / 享受特困供养政策情况 (issue 20): the household's 民政 categories, both sides of
    every value: a word of refusal (未享受, 不享受, 无, 否) adds nothing."""
    path = tmp_path / "policy.csv"
    _write(path, [
        "县,乡,村,户编号,姓名,证件号码,人数,与户主关系,享受低保政策情况,享受特困供养政策情况",
        f"示例县,青石镇,桃园村,H001,张三,{HEAD},1,户主,{dibao},{tekun}",
    ])
    parsed = parse_ledger(read_rows(path), AREAS, dt.date(2026, 11, 20))
    assert [p.code for p in parsed.problems if p.is_error] == []
    assert {"dibao_policy", "tekun_policy"} <= parsed.fields
    assert parsed.households["H001"].measures == expected
