"""Every difference between database engines, in one small table per engine.

Nothing else in the project branches on the dialect name; it asks this module instead.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EngineSpec:
    """What differs between engines, as plain values."""

    name: str
    insert_batch_rows: int  # rows per executemany batch when loading
    analyze_sql: str | None  # refresh planner statistics after a bulk load
    connect_args: dict
    bulk_copy: bool = False  # load with COPY ... FROM STDIN (psycopg 3) instead of executemany
    # One table's planner statistics ({table}: its quoted name), after a rollup rebuild: PostgreSQL's
    # autovacuum may be off or late, and a rollup analyzed while empty is planned as empty.
    analyze_table_sql: str | None = None


_SPECS = {
    # SQLite binds at most 32766 variables a statement; executemany is one statement per row anyway.
    "sqlite": EngineSpec("sqlite", 20_000, "ANALYZE", {"timeout": 30}, analyze_table_sql="ANALYZE {table}"),
    "postgresql": EngineSpec("postgresql", 5_000, "ANALYZE", {"connect_timeout": 5}, bulk_copy=True,
                             analyze_table_sql="ANALYZE {table}"),
    "mysql": EngineSpec("mysql", 5_000, None, {"connect_timeout": 5, "charset": "utf8mb4"},
                        analyze_table_sql="ANALYZE TABLE {table}"),
    "mariadb": EngineSpec("mariadb", 5_000, None, {"connect_timeout": 5, "charset": "utf8mb4"},
                          analyze_table_sql="ANALYZE TABLE {table}"),
}


def spec_for(dialect_name: str) -> EngineSpec:
    """The spec for a SQLAlchemy dialect name (sqlite, postgresql, mysql, mariadb)."""
    try:
        return _SPECS[dialect_name]
    except KeyError:
        raise ValueError(f"unsupported database engine: {dialect_name}") from None
