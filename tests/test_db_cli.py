"""`python -m db init`: creates the schema and upgrades an existing database's indexes."""

from __future__ import annotations

from sqlalchemy import inspect, text

from db.__main__ import main
from db.engine import make_engine
from db.schema import CONTRACT_TABLES, metadata


def test_init_creates_every_contract_table_and_index(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["init", "--db", url]) == 0
    inspector = inspect(make_engine(url))
    assert set(CONTRACT_TABLES) <= set(inspector.get_table_names())
    for table in metadata.sorted_tables:
        names = {index["name"] for index in inspector.get_indexes(table.name)}
        assert {index.name for index in table.indexes} <= names, table.name
    assert "schema ready" in capsys.readouterr().out


def test_init_adds_indexes_missing_from_an_existing_database(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    main(["init", "--db", url])
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO monitoring_line (year, amount) VALUES (2025, 7300)"))
        connection.execute(text("DROP INDEX ix_guarantee_check_open"))
    capsys.readouterr()
    main(["init", "--db", url])
    assert "1 indexes added" in capsys.readouterr().out
    assert "ix_guarantee_check_open" in {i["name"] for i in inspect(engine).get_indexes("guarantee_check")}
    with engine.connect() as connection:  # nothing lost
        assert connection.execute(text("SELECT amount FROM monitoring_line")).scalar() == 7300


def test_import_tasks_loads_the_seed_matrix_and_says_what_it_did(tmp_path, capsys):
    from pathlib import Path

    url = f"sqlite:///{tmp_path / 'tasks.db'}"
    main(["init", "--db", url])
    matrix = Path(__file__).resolve().parent.parent / "sample_data" / "seed000_matrix.csv"
    assert main(["import-tasks", str(matrix), "--db", url]) == 0
    assert "已导入 16 项任务（新增 16，更新 0）" in capsys.readouterr().out
    assert main(["import-tasks", str(matrix), "--db", url]) == 0  # again: an update, not duplicates
    assert "（新增 0，更新 16）" in capsys.readouterr().out
    with make_engine(url).connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM task")).scalar() == 16
        assert connection.execute(text("SELECT COUNT(*) FROM task_unit")).scalar() == 84


def test_import_tasks_with_a_bad_row_exits_1_names_the_row_and_writes_nothing(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'tasks.db'}"
    main(["init", "--db", url])
    bad = tmp_path / "bad.csv"
    bad.write_text("序号,重点工作,牵头单位,责任单位\n1,保持主要帮扶政策总体稳定,扶贫办,学区\n2,巩固拓展义务教育有保障,,财政局\n",
                   encoding="utf-8")
    capsys.readouterr()
    assert main(["import-tasks", str(bad), "--db", url]) == 1
    err = capsys.readouterr().err
    assert "第 3 行：缺少牵头单位" in err and "数据库未做任何修改" in err
    with make_engine(url).connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM task")).scalar() == 0
        assert connection.execute(text("SELECT COUNT(*) FROM unit")).scalar() == 0


def test_import_tasks_missing_file_is_a_message_not_a_traceback(tmp_path, capsys):
    assert main(["import-tasks", str(tmp_path / "nope.csv"), "--db", f"sqlite:///{tmp_path / 'x.db'}"]) == 1
    assert "找不到文件" in capsys.readouterr().err


def test_init_adds_the_household_columns_of_issue_14_to_an_older_database(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'older.db'}"
    main(["init", "--db", url])
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ux_household_external_id"))
        connection.execute(text("ALTER TABLE household DROP COLUMN external_id"))
    capsys.readouterr()
    assert main(["init", "--db", url]) == 0
    assert "1 columns added, 1 indexes added" in capsys.readouterr().out
    assert "external_id" in {column["name"] for column in inspect(engine).get_columns("household")}


def test_check_says_what_the_app_lacks(sample_db_url, tmp_path, monkeypatch, capsys):
    from db.__main__ import main as db_cli

    assert db_cli(["check", "--db", sample_db_url]) == 0 and "ok" in capsys.readouterr().out
    monkeypatch.setattr("geo.offline_map.VENDOR_DIR", tmp_path)  # `make assets` never ran
    assert db_cli(["check", "--db", f"sqlite:///{tmp_path / 'none.db'}"]) == 1
    said = capsys.readouterr().err
    assert "missing_file" in said and "make assets" in said
