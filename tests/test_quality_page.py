"""数据质量: the checks' SQL on every engine, and the page through AppTest on the sample county."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import literal, select

from db.engine import make_engine
from labels import label_of, t
from queries.gateway import clear_caches, engine_for
from db.quality_sql import id_fails
from queries.quality import CHECKS, check_list, quality_checks
from queries.scope import Scope
from tests.conftest import APP_ASOF, copy_sample

COUNTY = "429999000000"
ASOF = date.fromisoformat(APP_ASOF)
GOOD_ID = "11010519491231002X"


@pytest.mark.parametrize("value, fails", [
    (GOOD_ID, False), (GOOD_ID.lower(), False), ("110105194912310021", True), (GOOD_ID + "11", False),
    (GOOD_ID + "1122", False), (GOOD_ID + "1", True), ("1101051949123100", True), ("11010519491231A02X", True),
])
def test_check_digit_in_sql_agrees_on_every_engine(engine_db_url, value, fails):
    with engine_for(engine_db_url).connect() as connection:
        assert bool(connection.execute(select(id_fails(literal(value)))).scalar()) is fails


def test_checks_on_the_sample_find_its_village_without_boundary(engine_db_url):
    clear_caches()
    scope = Scope(((COUNTY, "county"),), household_detail=True)
    figures = quality_checks(engine_db_url, scope, COUNTY, "county", "township", ASOF)
    assert int(figures["village_no_boundary"].sum()) == 1
    for check in CHECKS[1:]:
        assert int(figures[check].sum()) == 0, check
    villages = check_list(engine_db_url, scope, "village_no_boundary", COUNTY, "county", ASOF)
    assert len(villages) == 1


@pytest.fixture
def planted(sample_db_url, tmp_path, monkeypatch):
    """A copy of the sample with one household of each kind of problem; the app reads it."""
    target = tmp_path / "planted.db"
    copy_sample(sample_db_url, target)
    connection = sqlite3.connect(target)
    first = connection.execute("SELECT MIN(id) FROM household WHERE id IN (SELECT household_id FROM monitoring_case"
                               " WHERE eliminated_on IS NULL)").fetchone()[0]
    connection.execute("DELETE FROM case_risk WHERE case_id IN (SELECT id FROM monitoring_case WHERE household_id = ?)",
                       (first,))
    connection.execute("UPDATE household SET id_number = '110105194912310021', size = size + 1 WHERE id = ?",
                       (first,))
    connection.commit()
    connection.close()
    url = f"sqlite:///{target}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    clear_caches()
    yield url, first
    engine_for(url).dispose()
    clear_caches()


def _open(page_params: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP, on_page

    test = AppTest.from_file(APP, default_timeout=60)
    for name, value in {"asof": APP_ASOF, **(page_params or {})}.items():
        test.query_params[name] = value
    return on_page(test, "quality").run()


def test_quality_page_counts_each_planted_problem_and_lists_it_masked(planted):
    url, household_id = planted
    test = _open()
    assert not test.exception
    table = test.dataframe[0].value
    total = table.iloc[-1]
    assert total["name"] == t("quality.total")
    for check in ("bad_id_number", "open_case_no_risk", "size_mismatch"):
        assert total[check] == "1", check
    assert total["village_no_boundary"] == "1"
    test.selectbox(key="quality_list_check").set_value("bad_id_number").run()
    listed = test.dataframe[1].value
    assert len(listed) == 1
    assert listed.iloc[0]["id_number"] == "110105********0021"  # a county leader sees it masked


def test_a_check_without_its_inputs_says_no_data_not_zero(sample_db_url, tmp_path, monkeypatch):
    target = tmp_path / "nomembers.db"
    copy_sample(sample_db_url, target)
    connection = sqlite3.connect(target)
    connection.execute("DELETE FROM household_member")
    connection.commit()
    connection.close()
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{target}")
    clear_caches()
    test = _open()
    assert not test.exception
    table = test.dataframe[0].value
    assert set(table["size_mismatch"]) == {t("quality.no_data")}
    engine_for(f"sqlite:///{target}").dispose()


def test_import_history_lists_batches_with_their_problems(sample_db_url, tmp_path, monkeypatch):
    from db.imports.ledger import import_ledger

    target = tmp_path / "history.db"
    copy_sample(sample_db_url, target)
    bad = tmp_path / "bad.csv"
    bad.write_text("导出时间：2026年11月20日\n乡,村,户编号,姓名,证件号码\n无此乡,无此村,H1,张三,110105194912310021\n",
                   encoding="utf-8")
    engine = make_engine(f"sqlite:///{target}")
    summary = import_ledger(engine, bad, imported_by="tester")
    engine.dispose()
    assert summary.status == "refused"
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{target}")
    clear_caches()
    test = _open()
    assert not test.exception
    history = test.dataframe[2].value
    assert list(history["file_name"]) == ["bad.csv"]
    assert history.iloc[0]["status"] == label_of("import_status", "refused")
    problems = test.dataframe[3].value
    assert set(problems["row"]) >= {"3"}
    assert all("110105194912310021" not in message for message in problems["message"])  # masked
    engine_for(f"sqlite:///{target}").dispose()


def _copy_with(sample_db_url, tmp_path, monkeypatch, *statements: str) -> str:
    target = tmp_path / "changed.db"
    copy_sample(sample_db_url, target)
    connection = sqlite3.connect(target)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()
    url = f"sqlite:///{target}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    clear_caches()
    return url


def _app(page: str):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP, on_page

    test = AppTest.from_file(APP, default_timeout=60)
    test.query_params["asof"] = APP_ASOF
    return on_page(test, page).run()


@pytest.mark.parametrize("page", ["drill", "overview"])
def test_without_income_rows_the_under_line_tile_says_no_data(sample_db_url, tmp_path, monkeypatch, page):
    url = _copy_with(sample_db_url, tmp_path, monkeypatch, "DELETE FROM household_income")
    test = _app(page)
    assert not test.exception
    tile = next(m for m in test.metric if m.label == t("drill.metric_under_line" if page == "drill"
                                                       else "overview.tile_under_line"))
    assert tile.value == t("quality.no_data")
    engine_for(url).dispose()


def test_rates_use_the_area_lists_household_count_and_the_page_says_so(sample_db_url, tmp_path, monkeypatch):
    from queries.drill import figures_by_area

    scope = Scope(((COUNTY, "county"),), household_detail=True)
    clear_caches()
    before = figures_by_area(sample_db_url, scope, COUNTY, "county", "township", ASOF)
    url = _copy_with(sample_db_url, tmp_path, monkeypatch, "UPDATE area SET household_count = 2 * household_count"
                     " WHERE level = 'village'")
    after = figures_by_area(url, scope, COUNTY, "county", "township", ASOF)
    assert ((after["open_rate"] - before["open_rate"] / 2).abs() < 0.011).all()
    test = _app("drill")
    assert t("quality.base_note", base=label_of("rate_base", "area_list")) in [c.value for c in test.caption]
    engine_for(url).dispose()
    (tmp_path / "unlisted").mkdir()
    url = _copy_with(sample_db_url, tmp_path / "unlisted", monkeypatch, "UPDATE area SET household_count = NULL")
    test = _app("drill")
    assert t("quality.base_note", base=label_of("rate_base", "records")) in [c.value for c in test.caption]
    engine_for(url).dispose()
