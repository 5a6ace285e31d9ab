"""Time the rollups: `python -m bench.rollup_refresh --db URL [--county CODE]`.

A full rebuild (`python -m db refresh-rollups`), then the incremental refresh an import of one
county's monthly ledger export triggers: the export lists every household of the county, so the
import touches every village of it (db.imports.ledger passes them to db.rollups.refresh_villages).
Prints seconds and the load average with each figure (the machine is shared).
"""

from __future__ import annotations

import argparse
import os

from sqlalchemy import func, select

from db.engine import configured_url, make_engine, safe_url
from db.rollups import rebuild, refresh_villages
from db.schema import area, household


def _load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    """Rebuild, then refresh one county's villages; print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.rollup_refresh", description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: $DASHBOARD_DB_URL or data/monitoring.db)")
    parser.add_argument("--county", default=None, help="the county whose export is imported (default: the first)")
    args = parser.parse_args(argv)
    url = args.db or configured_url()
    engine = make_engine(url)
    with engine.connect() as connection:
        county = args.county or connection.execute(select(func.min(area.c.code)).where(area.c.level == "county")).scalar()
        villages = [row[0] for row in connection.execute(
            select(household.c.village_code).where(func.substr(household.c.village_code, 1, 6) == county[:6]).distinct())]
        households = connection.execute(select(func.count()).select_from(household)).scalar()
    print(f"{safe_url(url)} · {households:,} households · county {county}: {len(villages):,} villages")
    done = rebuild(engine)
    print(f"full rebuild: {done['seconds']} s ({done['rows']:,} spell rows) · load average {_load()}")
    done = refresh_villages(engine, villages)
    print(f"refresh after a county export ({done['villages']:,} villages): {done['seconds']} s · load average {_load()}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
