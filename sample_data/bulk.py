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
    """Create the missing tables with their primary keys and checks but no secondary indexes yet, and
    where the load is a COPY no foreign keys either: PostgreSQL checks a row's keys by a trigger per
    row (most of a 10M build's database time), while adding the constraint after the load checks
    them all in one join (create_missing_foreign_keys)."""
    present = set(inspect(engine).get_table_names())
    later = spec_for(engine.dialect.name).bulk_copy
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            if table.name not in present:
                connection.execute(CreateTable(table, include_foreign_key_constraints=[] if later else None))


def create_missing_indexes(engine: Engine) -> None:
    """Create every secondary index the schema declares that the database lacks (after a load)."""
    inspector = inspect(engine)
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            have = {index["name"] for index in inspector.get_indexes(table.name)}
            for index in sorted(table.indexes, key=lambda i: i.name or ""):
                if index.name not in have:
                    index.create(connection)


def create_missing_foreign_keys(engine: Engine) -> None:
    """Add every foreign key the schema declares that the database lacks (after a load): each one is
    checked against the rows already there, so a broken reference still fails the build. SQLite cannot
    add a key to a table, and its tables are always created with theirs."""
    if engine.dialect.name == "sqlite":
        return
    inspector = inspect(engine)
    compiler = engine.dialect.ddl_compiler(engine.dialect, None)
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            have = {(tuple(key["constrained_columns"]), key["referred_table"])
                    for key in inspector.get_foreign_keys(table.name)}
            for key in table.foreign_key_constraints:
                if (tuple(key.column_keys), key.referred_table.name) not in have:
                    # Spelled here rather than by AddConstraint, which marks the schema's shared key
                    # object as never again part of a CREATE TABLE: a later SQLite build in the same
                    # process then made tables without keys (CI failed on that).
                    table_name = compiler.preparer.format_table(table)
                    connection.exec_driver_sql(f"ALTER TABLE {table_name} ADD {compiler.process(key)}")
