"""Where a page's cold view spends its database time, query function by query function.

`python -m bench.page_profile --db URL --page drill [--area CODE] [--asof YYYY-MM-DD]` runs the page
once in Streamlit's AppTest with every cache empty (as a first view after a restart), times each
statement the page reads, names it by the innermost function of queries/ or db/ that issued it,
and prints those functions, slowest first, with the page's total. It is what chose which rollups
and registers to build next (issue 17); the browser bench (bench.browser) times whole pages.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN_FOLDERS = ("queries", "db")


def _caller() -> str:
    """module.function of the innermost frame in queries/ or db/ below gateway (who asked)."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        relative = Path(frame.filename).resolve()
        if ROOT not in relative.parents:
            continue
        parts = relative.relative_to(ROOT).with_suffix("").parts
        if parts[0] in OWN_FOLDERS and parts[-1] != "gateway":
            return ".".join(parts) + "." + frame.name
    return "(page)"


def profile_page(db: str, page: str, area: str | None, asof: date) -> tuple[float, dict[str, list[float]]]:
    """Run the page once with empty caches; return its seconds and each caller's statement seconds."""
    from streamlit.testing.v1 import AppTest

    from components.page_registry import PAGES
    from queries import gateway

    os.environ["DASHBOARD_DB_URL"] = db
    spent: dict[str, list[float]] = defaultdict(list)
    plain_read = gateway._read

    def timed_read(url, statement):
        started = time.perf_counter()
        try:
            return plain_read(url, statement)
        finally:
            spent[_caller()].append(time.perf_counter() - started)

    gateway._read = timed_read
    gateway.clear_caches()
    test = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    test.query_params["asof"] = asof.isoformat()
    if area:
        test.query_params["area"] = area
    test.switch_page(str(next(spec.path for spec in PAGES if spec.url_path == page)))
    started = time.perf_counter()
    test.run()
    total = time.perf_counter() - started
    gateway._read = plain_read
    if test.exception:
        raise SystemExit(f"the page failed: {test.exception[0].message}")
    return total, spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_profile", description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="SQLAlchemy URL")
    parser.add_argument("--page", required=True, help="url path of the page: drill, overview, trends, …")
    parser.add_argument("--area", default=None, help="area code (default: the top area)")
    parser.add_argument("--asof", type=date.fromisoformat, default=date.today())
    parser.add_argument("--top", type=int, default=25, help="how many functions to list")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    total, spent = profile_page(args.db, args.page, args.area, args.asof)
    in_database = sum(sum(times) for times in spent.values())
    print(f"{args.page} at {args.area or 'the top area'}, as of {args.asof}: {total:.2f} s, "
          f"{in_database:.2f} s in {sum(map(len, spent.values()))} statements\n")
    print("| seconds | statements | issued by |\n|---:|---:|---|")
    for name, times in sorted(spent.items(), key=lambda item: -sum(item[1]))[:args.top]:
        print(f"| {sum(times):.2f} | {len(times)} | `{name}` |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
