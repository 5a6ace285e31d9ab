"""Command line: `python -m sample_data --db URL [--households N] [--seed S] [--until DATE] [--replace]`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from sqlalchemy import func, inspect, select

from db.engine import configured_url, make_engine, safe_url
from db.schema import area, household, metadata


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, prepare the schema and generate the sample county."""
    parser = argparse.ArgumentParser(prog="python -m sample_data",
                                     description="Generate the sample county 示例县")
    parser.add_argument("--db", default=None,
                        help="SQLAlchemy URL (default: $DASHBOARD_DB_URL or data/monitoring.db)")
    parser.add_argument("--households", type=_positive, default=20_000,
                        help="number of households (default 20000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--until", type=dt.date.fromisoformat, default=None,
                        help="last day of the history, YYYY-MM-DD (default today)")
    parser.add_argument("--replace", action="store_true", help="drop and recreate every table first")
    args = parser.parse_args(argv)

    url = args.db or configured_url()
    engine = make_engine(url)
    try:
        if _holds_data(engine) and not args.replace:
            print(f"{safe_url(url)} already holds data; add --replace to drop every table and "
                  "generate again", file=sys.stderr)
            return 2
        if args.replace:
            metadata.drop_all(engine)
        metadata.create_all(engine)
        from sample_data.generator import generate  # local: argument errors stay fast

        started = time.monotonic()
        counts = generate(engine, households=args.households, seed=args.seed, until=args.until,
                          progress=_printer())
        elapsed = time.monotonic() - started
    finally:
        engine.dispose()
    print(f"sample county written to {safe_url(url)} in {elapsed:.1f} s", file=sys.stderr)
    for table, count in counts.items():
        print(f"{table:18} {count:>10,}")
    return 0


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
