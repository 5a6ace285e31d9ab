"""Time import-ledger on a large export: `python -m bench.ledger_import --persons 100000 --db URL`.

Generates a sample county big enough for the wanted number of person rows (exited and monitored
households only, as the national system holds), writes it as a national-layout .xlsx, loads the
sample's area list and monitoring lines into the empty target database, then imports the export
twice (the second run must change nothing) and prints wall time and the process's peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from db.engine import make_engine, safe_url
from db.imports.ledger import import_ledger
from db.schema import area, household_member, metadata, monitoring_line

PERSONS_PER_HOUSEHOLD = 0.55  # person rows of the export per generated household (seed 7)


def main(argv: list[str] | None = None) -> int:
    """Build the export (or reuse --export), import it twice into --db, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.ledger_import", description=__doc__)
    parser.add_argument("--db", required=True, help="the target database (emptied first)")
    parser.add_argument("--persons", type=int, default=100_000, help="approximate person rows of the export")
    parser.add_argument("--export", type=Path, default=None, help="reuse this export and its --source database")
    parser.add_argument("--source", default=None, help="SQLAlchemy URL of the sample the export came from")
    parser.add_argument("--asof", type=dt.date.fromisoformat, default=dt.date(2026, 11, 20))
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    source_url, export = args.source, args.export
    if export is None:
        source_url = f"sqlite:///{folder / 'source.db'}"
        export = folder / "export.xlsx"
        _build(source_url, export, args.persons, args.asof)
        # Import in a fresh process, so its peak memory is the import's, not the generator's.
        import subprocess

        return subprocess.call([sys.executable, "-m", "bench.ledger_import", "--db", args.db, "--export",
                                str(export), "--source", source_url])
    target = make_engine(args.db)
    metadata.drop_all(target)
    metadata.create_all(target)
    source = make_engine(source_url)
    with source.connect() as read, target.begin() as write:
        for table in (area, monitoring_line):
            write.execute(table.insert(), [dict(r._mapping) for r in read.execute(
                select(table).order_by(*table.primary_key.columns))])
    source.dispose()
    print(f"target {safe_url(args.db)} · export {export} ({export.stat().st_size / 1e6:.1f} MB) from {source_url}")
    for run in ("first import", "same file again"):
        started = time.monotonic()
        summary = import_ledger(target, export, imported_by="bench")
        elapsed = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{run}: {summary.status}, {summary.counts.get('rows_read', 0):,} rows, "
              f"{summary.counts.get('households', 0):,} households, {elapsed:.1f} s, peak memory {peak:,.0f} MB")
    with target.connect() as connection:
        people = connection.execute(select(func.count()).select_from(household_member)).scalar()
    print(f"household_member rows: {people:,}")
    target.dispose()
    return 0


def _build(url: str, export: Path, persons: int, asof: dt.date) -> None:
    from sample_data.export_ledger import export_ledger
    from sample_data.generator import generate

    engine = make_engine(url)
    metadata.create_all(engine)
    started = time.monotonic()
    generate(engine, households=int(persons / PERSONS_PER_HOUSEHOLD), until=asof)
    print(f"sample generated in {time.monotonic() - started:.0f} s", file=sys.stderr)
    started = time.monotonic()
    rows = export_ledger(engine, export, asof)
    print(f"export of {rows:,} person rows written in {time.monotonic() - started:.0f} s", file=sys.stderr)
    engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
