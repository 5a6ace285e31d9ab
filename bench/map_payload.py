"""The map's first render at county scale: payload bytes and time to build and render the folium map.

`python -m bench.map_payload --db URL` builds the county map exactly as views/map.py does (every
village, default indicator), with Streamlit's cache empty, and reports: query time, folium build
time, `get_root().render()` time, the HTML size st_folium ships to the browser and its GeoJSON part.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date


from bench.__main__ import pick_target
from components.map_layers import LayerNames, add_layer_switcher, build_area_map
from components.map_styles import DEFAULT_INDICATOR, build_area_styles
from db.engine import safe_url
from queries.areas import area_tree
from queries.gateway import clear_caches
from queries.map import child_boundaries, map_figures, parts_for, villages_without_boundary
from queries.scope import Scope, code_range

NAMES = LayerNames(areas="areas", labels="labels", basemap="basemap")


def measure(db: str, asof: date, child_level: str) -> dict[str, float]:
    """One cold first render of the county map (cache cleared): times in ms, sizes in bytes."""
    clear_caches()
    target = pick_target(db, asof)
    scope = Scope(((target.county, "county"),), household_detail=True)
    started = time.perf_counter()
    tree = area_tree(db, scope)
    figures = map_figures(db, scope, target.county, "county", child_level, asof, parts_for(DEFAULT_INDICATOR))
    geometries = child_boundaries(db, scope, target.county, "county", child_level)
    villages_without_boundary(db, scope, target.county, "county")
    queried = time.perf_counter()
    low, high = code_range(target.county, "county")
    areas = tree[(tree["level"] == child_level) & tree["code"].between(low, high)]
    styles, _legend = build_area_styles(areas, figures, DEFAULT_INDICATOR)
    m = build_area_map(geometries, styles, "indicator", NAMES, "area")
    add_layer_switcher(m)
    built = time.perf_counter()
    html = m.get_root().render()
    rendered = time.perf_counter()
    geojson_bytes = sum(len(str(g["coordinates"]).replace(" ", "")) for g in geometries.values())
    return {"areas": len(geometries), "query_ms": (queried - started) * 1000, "build_ms": (built - queried) * 1000,
            "render_ms": (rendered - built) * 1000, "html_bytes": len(html.encode()), "geojson_bytes": geojson_bytes}


def main(argv: list[str] | None = None) -> int:
    """Print the county map's payload and timings (median of a few cold runs)."""
    parser = argparse.ArgumentParser(prog="python -m bench.map_payload", description=__doc__)
    parser.add_argument("--db", required=True, help="SQLAlchemy URL")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--asof", type=date.fromisoformat, default=date.today())
    args = parser.parse_args(argv)
    print(f"database: {safe_url(args.db)} · as of {args.asof}\n")
    print("| county map of | areas | queries ms | build ms | render ms | HTML bytes | of which coordinates |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for child_level in ("village", "township"):
        runs = [measure(args.db, args.asof, child_level) for _ in range(args.repeat)]
        med = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        print(f"| {child_level} | {med['areas']:.0f} | {med['query_ms']:,.0f} | {med['build_ms']:,.0f} | "
              f"{med['render_ms']:,.0f} | {med['html_bytes']:,.0f} | {med['geojson_bytes']:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
