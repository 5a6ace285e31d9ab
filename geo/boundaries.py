"""Area boundaries: parse stored GeoJSON, simplify a set of areas as one coverage, back to GeoJSON.

Boundaries are stored in WGS84 (degrees). Simplifying in degrees would treat a degree of longitude
like a degree of latitude, so the set is projected to a local equirectangular plane in metres
around its own centre (accurate to well under 1 % across a county), simplified there with
`shapely.coverage_simplify` (which simplifies each shared edge once, so neighbours keep one common
border and no gaps or slivers appear), and projected back. Coordinates are then rounded: rounding is
a function of the vertex, so a vertex two neighbours share stays identical in both.
"""

from __future__ import annotations

import json
import math
from typing import Iterable, Mapping

import numpy as np
import shapely
from shapely.geometry import shape

METRES_PER_DEG_LAT = 110_574.0
METRES_PER_DEG_LON_EQUATOR = 111_320.0
DECIMALS = 5  # about 1 m: finer than any simplified edge, and much less JSON
# Of the set's extent: 75 m for a 45 km county (about a pixel when it fills the map), 15 m for a
# 9 km township. coverage_simplify removes vertices whose triangle is smaller than tolerance².
DEFAULT_TOLERANCE_FRACTION = 1 / 600


def parse_geometries(geojson_by_code: Mapping[str, str]) -> dict[str, shapely.Geometry]:
    """Valid, non-empty geometries from GeoJSON text; unreadable or empty ones are left out."""
    parsed: dict[str, shapely.Geometry] = {}
    for code, text in geojson_by_code.items():
        try:
            document = json.loads(text)
            geometry = shape(document.get("geometry", document) if document.get("type") == "Feature" else document)
        except (ValueError, TypeError, AttributeError, KeyError):
            continue  # a broken row must not blank the whole map; the area is listed as without boundary
        if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        parsed[code] = geometry if geometry.is_valid else shapely.make_valid(geometry)
    return parsed


def _projector(geometries: Iterable[shapely.Geometry]):
    bounds = shapely.total_bounds(list(geometries))
    lon0, lat0 = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    x_scale = METRES_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))

    def forward(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(((coords[:, 0] - lon0) * x_scale, (coords[:, 1] - lat0) * METRES_PER_DEG_LAT))

    def backward(coords: np.ndarray) -> np.ndarray:
        return np.column_stack((coords[:, 0] / x_scale + lon0, coords[:, 1] / METRES_PER_DEG_LAT + lat0))

    return forward, backward


def simplify_coverage(geometries: Mapping[str, shapely.Geometry], tolerance_m: float | None = None
                      ) -> dict[str, shapely.Geometry]:
    """Simplify areas that tile a region together, keeping shared borders matched (WGS84 in and out)."""
    if not geometries:
        return {}
    codes = list(geometries)
    forward, backward = _projector(geometries.values())
    projected = np.array([shapely.transform(geometries[code], forward) for code in codes])
    if tolerance_m is None:
        x0, y0, x1, y1 = shapely.total_bounds(projected)
        tolerance_m = max(x1 - x0, y1 - y0) * DEFAULT_TOLERANCE_FRACTION
    simplified = shapely.coverage_simplify(projected, tolerance_m, simplify_boundary=True)
    back = [shapely.set_precision(shapely.transform(g, backward), 10 ** -DECIMALS, mode="pointwise")
            for g in simplified]
    return dict(zip(codes, back))


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

