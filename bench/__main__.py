"""Time each page's queries with an empty Streamlit cache: cold (fresh engine) and warm (median)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date

from sqlalchemy import func, select

from bench.cases import CASES, Target
from db.engine import configured_url, safe_url
from db.schema import household, monitoring_case
from queries.gateway import clear_caches, engine_for, read
from queries.scope import Scope


def pick_target(db: str, asof: date) -> Target:
    """The county, its largest township and village, and a household with a case."""
    counts = read(db, select(household.c.village_code, func.count().label("n"))
                  .group_by(household.c.village_code).order_by(func.count().desc()).limit(1))
    village = counts.at[0, "village_code"]
    with_case = read(db, select(monitoring_case.c.household_id).order_by(monitoring_case.c.id).limit(1))
    return Target(county=village[:6] + "000000", township=village[:9] + "000", village=village,
                  household=int(with_case.iat[0, 0]), asof=asof)


def time_once(run, *args) -> float:
    clear_caches()  # what a page pays with nothing cached (the database's own cache stays warm)
    started = time.perf_counter()
    run(*args)
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    """Print a markdown table of query times in milliseconds."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: the app's database)")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per query (median reported)")
    parser.add_argument("--asof", type=date.fromisoformat, default=date.today())
    parser.add_argument("--page", nargs="*", default=None, help="only these pages' cases (e.g. drill overview)")
    args = parser.parse_args(argv)
    db = args.db or configured_url()
    households = int(read(db, select(func.count()).select_from(household)).iat[0, 0])
    target = pick_target(db, args.asof)
    scope = Scope(roots=((target.county, "county"),), household_detail=True)
    engine_for(db).dispose()  # cold: no pooled connection, nothing prepared

    print(f"database: {safe_url(db)} · households: {households:,} · as of {args.asof}\n")
    print("| page | query | cold ms | warm ms (median) |")
    print("|---|---|---:|---:|")
    for case in CASES:
        if args.page and case.page not in args.page:
            continue
        cold = time_once(case.run, db, scope, target)
        warm = statistics.median(time_once(case.run, db, scope, target) for _ in range(args.repeat))
        print(f"| {case.page} | {case.name} | {cold:,.1f} | {warm:,.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
