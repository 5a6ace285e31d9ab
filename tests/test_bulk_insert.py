"""The SQLite bulk path (the driver's executemany) stores exactly what SQLAlchemy's insert stores; a
PostgreSQL COPY load adds its foreign keys after the rows and still refuses a broken reference."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, MetaData, String, Table, create_engine, inspect
from sqlalchemy.exc import IntegrityError

from db.engine import make_engine
from db.schema import household_member, metadata
from sample_data.bulk import _driver_insert, create_missing_foreign_keys, create_tables_without_indexes, insert_rows

meta = MetaData()
sample = Table("sample", meta, Column("id", Integer, primary_key=True), Column("day", Date),
               Column("at", DateTime), Column("ok", Boolean), Column("amount", Float), Column("name", String(20)))
defaulted = Table("defaulted", meta, Column("id", Integer, primary_key=True),
                  Column("flag", Boolean, nullable=False, default=False), Column("name", String(20)))

ROWS = [{"id": 1, "day": dt.date(2026, 2, 28), "at": dt.datetime(2026, 11, 20, 8, 5, 1), "ok": True,
         "amount": 5000.0, "name": "张三"},
        {"id": 2, "day": None, "at": dt.datetime(2026, 1, 1), "ok": False, "amount": None, "name": None}]


def _stored(path) -> list[tuple]:
    with sqlite3.connect(path) as raw:
        return raw.execute("SELECT id, day, typeof(day), at, ok, typeof(ok), amount, typeof(amount), name "
                           "FROM sample ORDER BY id").fetchall()


def test_the_driver_path_stores_what_sqlalchemy_stores(tmp_path):
    fast, plain = create_engine(f"sqlite:///{tmp_path / 'fast.db'}"), create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    for engine in (fast, plain):
        meta.create_all(engine)
    with fast.begin() as connection:
        insert_rows(connection, sample, ROWS)
    with plain.begin() as connection:
        connection.execute(sample.insert(), ROWS)
    assert _stored(tmp_path / "fast.db") == _stored(tmp_path / "plain.db")
    assert _stored(tmp_path / "fast.db")[0][3] == "2026-11-20 08:05:01.000000"  # SQLAlchemy's DateTime text


def test_a_python_default_falls_back_to_sqlalchemy(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'd.db'}")
    meta.create_all(engine)
    with engine.begin() as connection:
        assert not _driver_insert(connection, defaulted, [{"id": 1, "name": "甲"}])  # flag is filled by Python
        insert_rows(connection, defaulted, [{"id": 1, "name": "甲"}])
        assert connection.exec_driver_sql("SELECT id, flag, name FROM defaulted").all() == [(1, 0, "甲")]


def _foreign_keys(engine) -> set[tuple]:
    inspector = inspect(engine)
    return {(table, tuple(key["constrained_columns"]), key["referred_table"])
            for table in inspector.get_table_names() for key in inspector.get_foreign_keys(table)}


def test_a_copy_load_ends_with_every_foreign_key(server_database):
    """PostgreSQL loads without foreign keys and adds them after: the schema's keys are all there."""
    engine = make_engine(server_database("postgresql", "bulk_keys"))
    create_tables_without_indexes(engine)
    assert not _foreign_keys(engine)  # COPY runs without the per-row key triggers
    create_missing_foreign_keys(engine)
    declared = {(table.name, tuple(key.column_keys), key.referred_table.name)
                for table in metadata.sorted_tables for key in table.foreign_key_constraints}
    assert _foreign_keys(engine) == declared
    engine.dispose()


def test_adding_keys_leaves_the_schema_whole_for_the_next_build(server_database, tmp_path):
    """Adding PostgreSQL's keys after a load must not strip them from a later build in the same
    process: CI once made SQLite tables without keys, then failed trying to ALTER them in."""
    engine = make_engine(server_database("postgresql", "bulk_then_sqlite"))
    create_tables_without_indexes(engine)
    create_missing_foreign_keys(engine)
    engine.dispose()
    local = make_engine(f"sqlite:///{tmp_path / 'after.db'}")
    metadata.create_all(local)
    declared = {(table.name, tuple(key.column_keys), key.referred_table.name)
                for table in metadata.sorted_tables for key in table.foreign_key_constraints}
    assert _foreign_keys(local) == declared
    create_missing_foreign_keys(local)  # nothing to add, nothing attempted
    local.dispose()


def test_a_broken_reference_still_fails_the_load(server_database):
    engine = make_engine(server_database("postgresql", "bulk_broken"))
    create_tables_without_indexes(engine)
    with engine.begin() as connection:  # a member of a household that was never written
        insert_rows(connection, household_member, [{"id": 1, "household_id": 99, "name": "甲", "relation": "户主",
                                                   "id_number": "999999199001010011"}])
    with pytest.raises(IntegrityError):
        create_missing_foreign_keys(engine)
    engine.dispose()
