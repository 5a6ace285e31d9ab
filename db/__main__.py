"""Command line: `python -m db init --db URL`."""

from __future__ import annotations

import argparse
import sys

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
    args = parser.parse_args(argv)

    url = args.db or configured_url()
    if args.command == "init":
        engine = make_engine(url)
        if args.drop:
            metadata.drop_all(engine)
        metadata.create_all(engine)
        added = ensure_indexes(engine)
        print(f"schema ready: {safe_url(url)} ({len(metadata.tables)} tables, {added} indexes added)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
