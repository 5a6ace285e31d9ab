"""The app's own database role: read every table, append to the audit log, change nothing else.

`python -m db grant-app-role --db ADMIN_URL --role dashboard_app --password ...` runs these
statements as an administrator (or prints them with --print for a DBA). The role may SELECT the
monitoring tables and SELECT + INSERT the audit log (the audit page reads it); it has no UPDATE,
DELETE or TRUNCATE anywhere, so even a compromised app cannot rewrite who saw what. The one
exceptions are the sign-in throttle (failure counts under hashed keys, no monitoring data), which the
app must count up and clear, the signed-in sessions (hashed tokens) with the key that signs their cookie,
and the verification loop: townships append signal_review rows in the app (never update or delete
them) and the same transaction refreshes that signal's row of rollup_signal_state.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import Engine

from db.rollup_schema import rollup_signal_state
from db.schema import audit_log, auth_session, metadata, server_secret, sign_in_throttle, signal_review

SCRATCH = (sign_in_throttle, auth_session, rollup_signal_state)  # tables the app itself keeps up to date
ADD_ONLY = (server_secret, signal_review)  # tables the app adds rows to and never changes

_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,30}")
_HOST = re.compile(r"[A-Za-z0-9.%_\-:]{1,60}")


def _quote(engine: Engine, name: str) -> str:
    return engine.dialect.identifier_preparer.quote(name)


def _string(engine: Engine, value: str) -> str:
    # CREATE ROLE/USER take no bound parameters, so the literal is written here, and run without any
    # parameters (SQLAlchemy would double "%" for the driver's paramstyle).
    if "\0" in value:
        raise ValueError("a NUL character cannot be part of a name or password")
    if engine.dialect.name in ("mysql", "mariadb"):  # backslash escapes in MySQL string literals
        value = value.replace("\\", "\\\\")
    return "'" + value.replace("'", "''") + "'"


def grant_statements(engine: Engine, role: str, password: str, host: str = "%") -> list[str]:
    """The SQL that creates (or updates) the restricted app role on PostgreSQL or MariaDB/MySQL."""
    if not _ROLE.fullmatch(role):
        raise ValueError("role name: lower-case letters, digits and _ only, at most 31 characters")
    if not password:
        raise ValueError("the app role needs a password")
    backend = engine.dialect.name
    own = (audit_log,) + SCRATCH + ADD_ONLY
    tables = [table.name for table in metadata.sorted_tables if table not in own]
    if backend == "postgresql":
        who = _quote(engine, role)
        database = _quote(engine, engine.url.database)
        statements = [
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {_string(engine, role)}) "
            f"THEN CREATE ROLE {who} LOGIN; END IF; END $$",
            f"ALTER ROLE {who} LOGIN PASSWORD {_string(engine, password)}",
            f"GRANT CONNECT ON DATABASE {database} TO {who}",
            f"GRANT USAGE ON SCHEMA public TO {who}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {who}",
        ]
        statements += [f"GRANT SELECT ON {_quote(engine, name)} TO {who}" for name in tables]
        statements += [f"GRANT SELECT, INSERT ON {_quote(engine, audit_log.name)} TO {who}",
                       f"GRANT USAGE ON SEQUENCE {_quote(engine, audit_log.name + '_id_seq')} TO {who}"]
        statements += [f"GRANT SELECT, INSERT, UPDATE, DELETE ON {_quote(engine, table.name)} TO {who}"
                       for table in SCRATCH]
        statements += [f"GRANT SELECT, INSERT ON {_quote(engine, table.name)} TO {who}" for table in ADD_ONLY]
        statements += [f"GRANT USAGE ON SEQUENCE {_quote(engine, table.name + '_id_seq')} TO {who}"
                       for table in ADD_ONLY if "id" in table.c]  # a serial id: its sequence
        return statements
    if backend in ("mysql", "mariadb"):
        if not _HOST.fullmatch(host):
            raise ValueError("host: a host name, address or pattern such as % or 10.1.%")
        who = f"{_string(engine, role)}@{_string(engine, host)}"
        database = _quote(engine, engine.url.database)
        statements = [
            f"CREATE USER IF NOT EXISTS {who} IDENTIFIED BY {_string(engine, password)}",
            f"ALTER USER {who} IDENTIFIED BY {_string(engine, password)}",
            f"REVOKE ALL PRIVILEGES, GRANT OPTION FROM {who}",
        ]
        statements += [f"GRANT SELECT ON {database}.{_quote(engine, name)} TO {who}" for name in tables]
        statements.append(f"GRANT SELECT, INSERT ON {database}.{_quote(engine, audit_log.name)} TO {who}")
        statements += [f"GRANT SELECT, INSERT, UPDATE, DELETE ON {database}.{_quote(engine, table.name)} TO {who}"
                       for table in SCRATCH]
        statements += [f"GRANT SELECT, INSERT ON {database}.{_quote(engine, table.name)} TO {who}"
                       for table in ADD_ONLY]
        return statements
    raise ValueError(f"{backend}: app roles exist on PostgreSQL and MariaDB/MySQL; SQLite guards the "
                     "audit log with triggers instead (python -m db init)")


def grant_app_role(engine: Engine, role: str, password: str, host: str = "%") -> int:
    """Create the schema if needed, then the restricted role; returns the number of statements run."""
    metadata.create_all(engine)
    statements = grant_statements(engine, role, password, host)
    with engine.begin() as connection:
        cursor = connection.connection.cursor()
        for statement in statements:
            # The driver's own cursor with no parameters: a ":" or "%" in a password stays literal.
            cursor.execute(statement)
        cursor.close()
    return len(statements)
