"""Time a sample build: `python -m bench.build --db URL --households N [--counties C] [--cities K]`.

Drops every table of the target first (it is a benchmark database), then generates, loads (COPY on
PostgreSQL, batched executemany elsewhere) and indexes, and prints the time of each phase.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from db.engine import make_engine, safe_url
from db.schema import metadata
from sample_data.bulk import create_tables_without_indexes
from sample_data.generator import generate

# The generator's stages in order ("indexes": secondary indexes, foreign keys and statistics;
# "signals": a year of department signals planted by ID-number look-ups); "done" ends the last.
PHASES = ("geometry", "areas", "households", "tasks and indicators", "indexes", "signals")


def main(argv: list[str] | None = None) -> int:
    """Build the sample into --db and print the seconds per phase and in total."""
    parser = argparse.ArgumentParser(prog="python -m bench.build", description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLAlchemy URL of a database this run may empty")
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--counties", type=int, default=1)
    parser.add_argument("--cities", type=int, default=1)
    parser.add_argument("--until", type=dt.date.fromisoformat, default=None,
                        help="last day of the history (default today, the as-of day pages open on)")
    args = parser.parse_args(argv)

    engine = make_engine(args.db)
    started = time.monotonic()
    marks: dict[str, float] = {}

    def progress(share: float, stage: str) -> None:
        phase = "households" if stage.startswith("households") else stage
        if phase not in marks:
            marks[phase] = time.monotonic() - started
            print(f"{marks[phase]:8.1f} s  {phase}", file=sys.stderr, flush=True)

    try:
        metadata.drop_all(engine)
        create_tables_without_indexes(engine)
        counts = generate(engine, households=args.households, seed=7, until=args.until, progress=progress,
                          counties=args.counties, cities=args.cities)
    finally:
        engine.dispose()
    total = time.monotonic() - started
    ends = [marks.get(p) for p in PHASES] + [marks.get("done", total)]
    print(f"build of {args.households:,} households ({args.counties} counties, {args.cities} cities) "
          f"into {safe_url(args.db)}")
    for phase, begin, end in zip(PHASES, ends, ends[1:]):
        if begin is not None and end is not None:
            print(f"  {phase:22} {end - begin:8.1f} s")
    print(f"  {'total':22} {total:8.1f} s  ({args.households / total:,.0f} households/s, "
          f"{sum(counts.values()):,} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
