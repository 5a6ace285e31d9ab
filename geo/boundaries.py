"""Area boundaries: parse stored GeoJSON, simplify a set of areas as one coverage, back to GeoJSON.

Boundaries are stored in WGS84 (degrees). Simplifying in degrees would treat a degree of longitude
like a degree of latitude, so geopandas carries the set to the UTM zone of its centre
(metres), simplifies there with `shapely.coverage_simplify` (which simplifies each shared edge once,
so neighbours keep one common border and no gaps or slivers appear; a topology-preserving simplify
of each area where that function is missing), and back to WGS84. Coordinates are then rounded:
rounding is a function of the vertex, so a vertex two neighbours share stays identical in both.
"""

from __future__ import annotations

import json
from typing import Mapping

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import shape

WGS84 = "EPSG:4326"
DECIMALS = 5  # about 1 m: finer than any simplified edge, and much less JSON
# Of the set's extent: 75 m for a 45 km county (about a pixel when it fills the map), 15 m for a
# 9 km township. coverage_simplify removes vertices whose triangle is smaller than tolerance².
DEFAULT_TOLERANCE_FRACTION = 1 / 600


def parse_geometries(geojson_by_code: Mapping[str, str]) -> dict[str, shapely.Geometry]:
    """Valid, non-empty geometries from GeoJSON text; unreadable or empty ones are left out."""
    codes = list(geojson_by_code)
    texts = np.array([str(geojson_by_code[code]) for code in codes], dtype=object)
    # GEOS parses in C (twice as fast as json + shape on surveyed outlines); a broken row becomes
    # None, so it cannot blank the whole map: the area is listed as without boundary instead.
    geometries = shapely.from_geojson(texts, on_invalid="ignore") if codes else []
    parsed: dict[str, shapely.Geometry] = {}
    for code, geometry in zip(codes, geometries):
        if geometry is None or geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        parsed[code] = geometry if geometry.is_valid else shapely.make_valid(geometry)
    return parsed


def utm_crs(bounds) -> str:
    """The WGS84 UTM zone of the bounds' centre (minx, miny, maxx, maxy in degrees), as geopandas'
    estimate_utm_crs finds it, without its 0.15 s search of the PROJ database on every map."""
    lon, lat = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    zone = min(60, int((lon + 180) // 6) + 1)
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def simplify_coverage(geometries: Mapping[str, shapely.Geometry], tolerance_m: float | None = None
                      ) -> dict[str, shapely.Geometry]:
    """Simplify areas that tile a region together, keeping shared borders matched (WGS84 in and out)."""
    if not geometries:
        return {}
    codes = list(geometries)
    in_degrees = gpd.GeoSeries([geometries[code] for code in codes], crs=WGS84)
    projected = in_degrees.to_crs(utm_crs(in_degrees.total_bounds))
    if tolerance_m is None:
        x0, y0, x1, y1 = projected.total_bounds
        tolerance_m = max(x1 - x0, y1 - y0) * DEFAULT_TOLERANCE_FRACTION
    if hasattr(shapely, "coverage_simplify"):  # shapely >= 2.1 with GEOS >= 3.12
        simplified = shapely.coverage_simplify(projected.values, tolerance_m, simplify_boundary=True)
    else:
        simplified = projected.simplify(tolerance_m, preserve_topology=True).values
    back = gpd.GeoSeries(simplified, crs=projected.crs).to_crs(WGS84)
    rounded = shapely.set_precision(back.values, 10 ** -DECIMALS, mode="pointwise")
    return dict(zip(codes, rounded))


def to_geojson(geometries: Mapping[str, shapely.Geometry]) -> dict[str, dict]:
    """GeoJSON geometry dicts (plain lists, ready for json.dumps) by area code."""
    return {code: json.loads(shapely.to_geojson(geometry)) for code, geometry in geometries.items()}


def simplified_geojson(geojson_by_code: Mapping[str, str], tolerance_m: float | None = None) -> dict[str, dict]:
    """The whole pipeline: stored GeoJSON text in, simplified GeoJSON geometries out (unreadable dropped)."""
    return to_geojson(simplify_coverage(parse_geometries(geojson_by_code), tolerance_m))


def centroid_of(geometry: Mapping) -> tuple[float, float]:
    """A point inside a GeoJSON geometry as (lat, lon), for labels (inside even for odd shapes)."""
    point = shape(geometry).representative_point()
    return point.y, point.x

