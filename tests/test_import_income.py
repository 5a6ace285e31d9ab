"""`python -m db import-income`: the national rural income series and an area's own, as counties have them."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from db.__main__ import main
from db.engine import make_engine
from db.schema import NATIONAL_RURAL_SERIES, area, area_income, import_batch, import_problem, income_benchmark
from queries.scope import Scope
from queries.trend_income import income_benchmarks
from tests.conftest import copy_sample

SOURCE_2024 = "国家统计局《2024年国民经济和社会发展统计公报》"
# The national rural per-capita disposable income as the communiqués give it (元).
NATIONAL = [("2022", "20133", "国家统计局《2022年国民经济和社会发展统计公报》"),
            ("2023", "21691", "国家统计局《2023年国民经济和社会发展统计公报》"),
            ("2024", "23119", SOURCE_2024)]
BANNER = "150999000000"


def write_csv(path, rows, header=("年份", "农村居民人均可支配收入（元）", "数据来源"), encoding="gbk"):
    """A CSV as Excel saves it in China: GBK, a title line above the header."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerows([["全国农村居民人均可支配收入"], header, *rows])  # "23,120" is quoted, as Excel does
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def stored(url: str) -> tuple[dict, dict]:
    engine = make_engine(url)
    with engine.connect() as connection:
        series = {(name, year): (amount, source) for name, year, amount, source in connection.execute(
            select(income_benchmark.c.series, income_benchmark.c.year, income_benchmark.c.amount,
                   income_benchmark.c.source))}
        local = {(code, year): (amount, source) for code, year, amount, source in connection.execute(
            select(area_income.c.area_code, area_income.c.year, area_income.c.rural_per_capita, area_income.c.source))}
    engine.dispose()
    return series, local


def last_batch(url: str) -> tuple[dict, list[dict]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        batch = connection.execute(select(import_batch).order_by(import_batch.c.id.desc()).limit(1)).mappings().one()
        problems = [dict(row) for row in connection.execute(
            select(import_problem).where(import_problem.c.batch_id == batch["id"]).order_by(import_problem.c.id))
            .mappings()]
    engine.dispose()
    return dict(batch), problems


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def banner_url(request, tmp_path, server_database, capsys) -> str:
    """A database holding one banner (the income rows of an area need the area), on each engine."""
    url = (f"sqlite:///{tmp_path / 'income.db'}" if request.param == "sqlite"
           else server_database(request.param, "income"))
    areas = tmp_path / "areas.csv"
    areas.write_text("统计用区划代码,名称\n150999000000,示例旗\n150999100000,乌兰镇\n", encoding="utf-8")
    assert main(["import-areas", str(areas), "--db", url]) == 0
    capsys.readouterr()
    return url


def test_the_national_series_loads_with_its_source_and_a_revision_is_reported(banner_url, tmp_path, capsys):
    assert main(["import-income", str(write_csv(tmp_path / "全国.csv", NATIONAL)), "--db", banner_url]) == 0
    assert "新增 3" in capsys.readouterr().out
    series, local = stored(banner_url)
    assert series[(NATIONAL_RURAL_SERIES, 2024)] == (23119.0, SOURCE_2024)
    assert len(series) == 3 and not local
    revised = [("2024", "23,120", SOURCE_2024)]
    assert main(["import-income", str(write_csv(tmp_path / "修订.csv", revised)), "--db", banner_url]) == 0
    out = capsys.readouterr().out
    assert "更新 1" in out and "2024 年数值由 23,119 改为 23,120" in out
    assert stored(banner_url)[0][(NATIONAL_RURAL_SERIES, 2024)][0] == 23120.0
    batch, problems = last_batch(banner_url)
    assert (batch["kind"], batch["status"]) == ("income", "done")
    assert [p["code"] for p in problems] == ["revised"]


def test_an_areas_own_series_goes_to_area_income_by_code_column_or_option(banner_url, tmp_path, capsys):
    with_codes = write_csv(tmp_path / "本旗.csv", [("150999000000", "2023", "18500", "示例旗统计公报"),
                                                  ("150999100000", "2023", "17900", "")],
                           header=("统计用区划代码", "年度", "人均可支配收入", "来源"), encoding="utf-8")
    assert main(["import-income", str(with_codes), "--db", banner_url]) == 0
    by_option = write_csv(tmp_path / "本旗2024.csv", [("2024", "19600", "示例旗2024年统计公报")])
    assert main(["import-income", str(by_option), "--area", BANNER, "--db", banner_url]) == 0
    series, local = stored(banner_url)
    assert not series
    assert local == {(BANNER, 2023): (18500.0, "示例旗统计公报"), ("150999100000", 2023): (17900.0, None),
                     (BANNER, 2024): (19600.0, "示例旗2024年统计公报")}


def test_a_file_with_planted_errors_is_refused_writes_nothing_and_names_each_row(banner_url, tmp_path, capsys):
    unfinished = str(date.today().year)
    rows = [("2023", "21691", "公报"),          # row 3: fine
            ("二〇二二", "20133", "公报"),        # row 4: year not digits
            (unfinished, "24000", "公报"),       # row 5: the year has not ended
            ("2021", "-5", "公报"),              # row 6: amount not positive
            ("2020", "17131", ""),               # row 7: a benchmark without its source
            ("2023", "21700", "公报")]           # row 8: the same year twice
    assert main(["import-income", str(write_csv(tmp_path / "错误.csv", rows)), "--db", banner_url]) == 2
    out = capsys.readouterr().out
    assert "导入被拒绝" in out
    assert stored(banner_url) == ({}, {})
    batch, problems = last_batch(banner_url)
    assert batch["status"] == "refused"
    assert sorted((p["row"], p["code"]) for p in problems) == [
        (4, "bad_year"), (5, "unfinished_year"), (6, "bad_amount"), (7, "missing_source"), (8, "duplicate_year")]


def test_unknown_areas_are_refused_and_a_jump_of_a_third_is_only_reported(banner_url, tmp_path, capsys):
    unknown = write_csv(tmp_path / "未知.csv", [("150999999000", "2023", "18000", "")],
                        header=("区划代码", "年份", "收入", "来源"), encoding="utf-8")
    assert main(["import-income", str(unknown), "--db", banner_url]) == 2
    assert main(["import-income", str(unknown), "--area", "999999000000", "--db", banner_url]) == 2
    assert "--area 指定的区划 999999000000 不在数据库中" in capsys.readouterr().out
    jump = write_csv(tmp_path / "万元.csv", [("2022", "20133", "公报"), ("2023", "2.1691", "公报，单位万元")])
    assert main(["import-income", str(jump), "--db", banner_url]) == 0
    assert "2022 年到 2023 年变化 -100%" in capsys.readouterr().out


def test_check_only_writes_nothing_and_the_sample_file_itself_loads(sqlite_url_with_areas, capsys):
    from sample_data.assets_indicators import NATIONAL_INCOME_CSV

    url = sqlite_url_with_areas
    assert main(["import-income", str(NATIONAL_INCOME_CSV), "--check", "--db", url]) == 0
    assert "检查完成" in capsys.readouterr().out and stored(url) == ({}, {})
    assert main(["import-income", str(NATIONAL_INCOME_CSV), "--db", url]) == 0
    assert len(stored(url)[0]) >= 5


@pytest.fixture
def sqlite_url_with_areas(tmp_path, capsys) -> str:
    url = f"sqlite:///{tmp_path / 'income.db'}"
    assert main(["init", "--db", url]) == 0
    capsys.readouterr()
    return url


def test_a_loaded_national_year_reaches_the_two_highers_comparison(sample_db_url, tmp_path, capsys):
    target = tmp_path / "sample.db"
    copy_sample(sample_db_url, target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    with engine.connect() as connection:
        county = connection.execute(select(area.c.code).where(area.c.level == "county")).scalar_one()
        local_years = set(connection.execute(select(area_income.c.year).where(area_income.c.area_code == county))
                          .scalars())
        national_years = set(connection.execute(select(income_benchmark.c.year)).scalars())
    engine.dispose()
    year = max(national_years) + 1  # the first year the sample has no national figure for
    assert year in local_years and year < date.today().year
    figure = write_csv(tmp_path / "全国新.csv", [(str(year), "24456", "国家统计局公报（测试）")])
    assert main(["import-income", str(figure), "--db", url]) == 0
    whole = Scope(roots=((county, "county"),), personal_detail=False, household_detail=True)
    frame = income_benchmarks(url, whole, (county,), year - 1, year).set_index("year")
    assert frame.at[year, "national"] == 24456.0 and frame.at[year - 1, "national"] > 0
    assert frame.at[year, "national_source"] == "国家统计局公报（测试）"
