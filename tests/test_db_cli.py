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
