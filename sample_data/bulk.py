"""Bulk loading: COPY where the engine has it, batched executemany elsewhere, indexes after the load."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.schema import CreateTable, Table

from db.dialects import spec_for
from db.schema import metadata


def insert_rows(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Write rows (dicts with the same keys) to table in one COPY or one executemany."""
    if not rows:
        return
    if connection.dialect.name == "sqlite" and _driver_insert(connection, table, rows):
        return
    if not spec_for(connection.dialect.name).bulk_copy:
        connection.execute(table.insert(), rows)
        return
    from psycopg import sql  # only PostgreSQL runs this branch

    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in columns))
    # The DBAPI connection is the one SQLAlchemy holds, so COPY runs inside the same transaction.
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _driver_insert(connection: Connection, table: Table, rows: list[dict]) -> bool:
    """The statement compiled once and the rows handed to the driver's executemany as tuples, each
    value converted by its column type as SQLAlchemy would: SQLAlchemy's own per-row parameter
    building was a third of a SQLite build. False (nothing written) when the statement needs values
    the rows do not give (a column default computed in Python)."""
    columns = list(rows[0])
    compiled = table.insert().compile(dialect=connection.dialect, column_keys=columns)
    if not compiled.positional or list(compiled.positiontup) != columns:
        return False
    dialect = connection.dialect
    pairs = [(name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in columns]
    connection.exec_driver_sql(str(compiled), [
        tuple(row[name] if to is None or row[name] is None else to(row[name]) for name, to in pairs)
        for row in rows])
    return True


def create_tables_without_indexes(engine: Engine) -> None:
    """Create the missing tables with their keys and constraints but no secondary indexes yet."""
    present = set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            if table.name not in present:
                connection.execute(CreateTable(table))


def create_missing_indexes(engine: Engine) -> None:
    """Create every secondary index the schema declares that the database lacks (after a load)."""
    inspector = inspect(engine)
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            have = {index["name"] for index in inspector.get_indexes(table.name)}
            for index in sorted(table.indexes, key=lambda i: i.name or ""):
                if index.name not in have:
                    index.create(connection)
