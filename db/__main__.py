"""Command line: `python -m db init --db URL`, `python -m db import-tasks FILE --db URL`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from db.engine import configured_url, make_engine, safe_url
from sqlalchemy import inspect

from db.schema import metadata


def ensure_indexes(engine) -> int:
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


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m db", description="Monitoring database tools")
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="create every table and index (idempotent)")
    init.add_argument("--db", default=None, help="SQLAlchemy URL (default: $DASHBOARD_DB_URL or data/monitoring.db)")
    init.add_argument("--drop", action="store_true", help="drop existing tables first")
    commands.add_parser("hash-password", help="print a password hash for the users file (asks for the password)")
    grant = commands.add_parser("grant-app-role", help="create the app's database role: read all, append audit")
    grant.add_argument("--db", default=None, help="an administrator's SQLAlchemy URL (PostgreSQL or MariaDB)")
    grant.add_argument("--role", default="dashboard_app", help="the role (user) the app connects as")
    grant.add_argument("--password", default=None, help="its password (default: asked for)")
    grant.add_argument("--host", default="%", help="MariaDB/MySQL: hosts it may connect from")
    grant.add_argument("--print", action="store_true", help="print the SQL instead of running it")
    tasks = commands.add_parser("import-tasks", help="load a responsibility matrix (.csv or .xlsx); all or nothing")
    tasks.add_argument("file", type=Path, help="matrix with columns 序号, 重点工作, 牵头单位, 责任单位 [, 工作内容]")
    tasks.add_argument("--db", default=None, help="SQLAlchemy URL (default: $DASHBOARD_DB_URL or data/monitoring.db)")
    tasks.add_argument("--area", default=None, help="area code the tasks belong to (default: the top area)")
    args = parser.parse_args(argv)
    if args.command in ("hash-password", "grant-app-role"):
        return _access_command(args)

    url = args.db or configured_url()
    if args.command == "init":
        engine = make_engine(url)
        if args.drop:
            metadata.drop_all(engine)
        metadata.create_all(engine)
        added = ensure_indexes(engine)
        print(f"schema ready: {safe_url(url)} ({len(metadata.tables)} tables, {added} indexes added)")
    elif args.command == "import-tasks":
        return _import_tasks(url, args.file, args.area)
    return 0


def _import_tasks(url: str, path: Path, area_code: str | None) -> int:
    """Import a matrix; print every problem (in Chinese, with row numbers) and return 1 if any."""
    from db.task_import import ImportRejected, import_tasks

    engine = make_engine(url)
    try:
        summary = import_tasks(engine, path, area_code)
    except ImportRejected as rejected:
        for message in rejected.messages:
            print(message, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(summary.message())
    return 0


def _access_command(args: argparse.Namespace) -> int:
    import getpass

    from components.auth_users import hash_password
    from db.app_role import grant_app_role, grant_statements

    if args.command == "hash-password":
        # From a pipe (scripts) read one line; at a terminal ask twice without echo.
        password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("password: ")
        if sys.stdin.isatty() and getpass.getpass("again: ") != password:
            print("passwords differ", file=sys.stderr)
            return 2
        if not password:
            print("empty password", file=sys.stderr)
            return 2
        print(hash_password(password))
        return 0
    engine = make_engine(args.db or configured_url())
    password = args.password or getpass.getpass(f"password for {args.role}: ")
    try:
        if args.print:
            print(";\n".join(grant_statements(engine, args.role, password, args.host)) + ";")
        else:
            count = grant_app_role(engine, args.role, password, args.host)
            print(f"app role {args.role} ready on {safe_url(engine.url.render_as_string())} ({count} statements)")
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
