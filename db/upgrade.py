"""Bring an existing database up to the schema: missing tables, nullable columns and indexes.

`create_all` creates missing tables only. Columns added to an existing table since (issue 14:
`household.external_id`) are added with ALTER TABLE ... ADD COLUMN, which all three engines accept
for a nullable column; their indexes (unique ones too) follow through ensure_indexes.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.schema import CreateColumn

from db.schema import area, metadata, signal


def out_of_shape(engine: Engine, tables: Iterable[Table]) -> list[Table]:
    """Those of the (derived) tables missing, or present with other columns than the schema gives
    them (made by an older version, or dropped by hand): rebuilt from scratch, never half-filled."""
    inspector = inspect(engine)
    present = set(inspector.get_table_names())
    return [table for table in tables if table.name not in present
            or {column["name"] for column in inspector.get_columns(table.name)} != set(table.columns.keys())]


def ensure_columns(engine: Engine) -> int:
    """Add the schema's nullable columns missing from tables that already exist; return how many."""
    inspector = inspect(engine)
    present_tables = set(inspector.get_table_names())
    added = 0
    for table in metadata.sorted_tables:
        if table.name not in present_tables:
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present or not column.nullable:
                continue
            definition = CreateColumn(column).compile(dialect=engine.dialect)
            table_name = engine.dialect.identifier_preparer.quote(table.name)
            with engine.begin() as connection:
                connection.execute(text(f"ALTER TABLE {table_name} ADD COLUMN {definition}"))
            added += 1
    return added


def ensure_indexes(engine: Engine) -> int:
    """Create the schema's indexes missing from tables that already existed (create_all skips them)."""
    inspector = inspect(engine)
    added = 0
    for table in metadata.sorted_tables:
        present = {index["name"] for index in inspector.get_indexes(table.name)}
        for index in sorted(table.indexes, key=lambda index: index.name):
            if index.name not in present:
                index.create(engine)
                added += 1
    return added


def signal_areas(engine: Engine) -> int:
    """Signals of unknown people stored before they had an area (issue 15) go to the database's only
    county; with several counties nobody can tell which received them, so they stay unseen. Returns
    how many were given their county."""
    with engine.begin() as connection:
        counties = connection.execute(select(area.c.code).where(area.c.level == "county").limit(2)).scalars().all()
        if len(counties) != 1:
            return 0
        return connection.execute(signal.update().where(signal.c.area_code.is_(None))
                                  .values(area_code=counties[0])).rowcount


def upgrade(engine: Engine) -> tuple[int, int]:
    """Missing tables, then missing columns, then missing indexes; (columns, indexes) added."""
    metadata.create_all(engine)
    columns = ensure_columns(engine)
    signal_areas(engine)
    return columns, ensure_indexes(engine)
