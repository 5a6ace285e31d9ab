"""Command line: `python -m sample_data --db URL [--households N] [--counties C] [--cities K] [--seed S]
[--until DATE] [--replace] [--no-rollups]`, and `python -m sample_data export-ledger --out FILE [--asof DATE] --db URL`
(a national-layout export)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from sqlalchemy import func, inspect, select

from db.engine import configured_url, make_engine, safe_url
from db.schema import area, household, metadata
from sample_data.bulk import create_tables_without_indexes


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, prepare the schema and generate the sample county."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["export-ledger"]:
        return export_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m sample_data",
                                     description="Generate the sample county 示例县")
    parser.add_argument("--db", default=None,
                        help="SQLAlchemy URL (default: $DASHBOARD_DB_URL or data/monitoring.db)")
    parser.add_argument("--households", type=_positive, default=20_000,
                        help="number of households (default 20000)")
    parser.add_argument("--counties", type=_positive, default=1,
                        help="number of counties; more than one puts a city 示例市 on top (default 1)")
    parser.add_argument("--cities", type=_positive, default=1,
                        help="number of cities; more than one puts a province 示例省 on top (default 1)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--until", type=dt.date.fromisoformat, default=None,
                        help="last day of the history, YYYY-MM-DD (default today)")
    parser.add_argument("--replace", action="store_true", help="drop and recreate every table first")
    parser.add_argument("--no-rollups", action="store_true",
                        help="leave the rollup tables unbuilt (pages read the rows until refresh-rollups)")
    args = parser.parse_args(argv)
    if args.cities > args.counties:
        parser.error("--cities may not exceed --counties")

    url = args.db or configured_url()
    engine = make_engine(url)
    try:
        if _holds_data(engine) and not args.replace:
            print(f"{safe_url(url)} already holds data; add --replace to drop every table and "
                  "generate again", file=sys.stderr)
            return 2
        if args.replace:
            metadata.drop_all(engine)
        create_tables_without_indexes(engine)  # the generator adds the indexes after the load
        from sample_data.generator import generate  # local: argument errors stay fast

        started = time.monotonic()
        counts = generate(engine, households=args.households, seed=args.seed, until=args.until,
                          progress=_printer(), counties=args.counties, cities=args.cities)
        elapsed = time.monotonic() - started
        # The sample opens like a county that runs refresh-rollups after its imports: pages above
        # village level read the rollups and say when they were built, not that they are missing.
        rollups = None if args.no_rollups else _build_rollups(engine)
    finally:
        engine.dispose()
    print(f"sample data written to {safe_url(url)} in {elapsed:.1f} s", file=sys.stderr)
    if rollups is not None:
        print(f"rollups built: {rollups['rows']:,} rows in {rollups['seconds']} s", file=sys.stderr)
    for table, count in counts.items():
        print(f"{table:18} {count:>10,}")
    return 0


def _build_rollups(engine) -> dict[str, float]:
    from db.rollups import rebuild  # local: argument errors stay fast

    return rebuild(engine)


def export_main(argv: list[str]) -> int:
    """`export-ledger`: write the database's county as the national system's person export."""
    parser = argparse.ArgumentParser(prog="python -m sample_data export-ledger",
                                     description="Write the county as a national monitoring system export")
    parser.add_argument("--out", required=True, help="the file to write (.xlsx or .csv)")
    parser.add_argument("--asof", type=dt.date.fromisoformat, default=None,
                        help="the export date, YYYY-MM-DD (default: the sample's last day)")
    parser.add_argument("--db", default=None,
                        help="SQLAlchemy URL (default: $DASHBOARD_DB_URL or data/monitoring.db)")
    args = parser.parse_args(argv)
    from pathlib import Path

    from sample_data.export_ledger import export_ledger

    engine = make_engine(args.db or configured_url())
    try:
        asof = args.asof or _sample_until(engine)
        started = time.monotonic()
        count = export_ledger(engine, Path(args.out), asof)
    finally:
        engine.dispose()
    print(f"{count:,} person rows as of {asof} written to {args.out} in {time.monotonic() - started:.1f} s",
          file=sys.stderr)
    return 0


def _sample_until(engine) -> dt.date:
    from db.schema import dataset_info

    with engine.connect() as connection:
        until = connection.execute(select(dataset_info.c.value).where(dataset_info.c.key == "until")).scalar()
    return dt.date.fromisoformat(until) if until else dt.date.today()


def _holds_data(engine) -> bool:
    # Areas are written first, so a half-finished earlier run is caught too.
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return any(connection.execute(select(func.count()).select_from(table)).scalar()
                   for table in (area, household) if table.name in present)


def _printer():
    last: list = [None]

    def show(share: float, stage: str) -> None:
        # One line per stage change or whole percent, so a million-household run stays readable.
        key = (stage, int(share * 100))
        if key != last[0]:
            last[0] = key
            print(f"[{share * 100:5.1f}%] {stage}", file=sys.stderr, flush=True)

    return show


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


if __name__ == "__main__":
    sys.exit(main())
