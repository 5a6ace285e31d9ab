"""Geometry work for imported boundaries, in a local metric CRS: repair, dissolve, gaps and overlaps."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry


def polygonal(geometry: BaseGeometry | None) -> BaseGeometry | None:
    """The polygon parts of a geometry (a repaired ring can leave lines and points); None if none."""
    if geometry is None or geometry.is_empty:
        return None
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [part for part in getattr(geometry, "geoms", []) if part.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def repair(geometry: BaseGeometry | None) -> tuple[BaseGeometry | None, bool]:
    """A valid polygonal geometry (make_valid, else buffer(0)) and whether it needed repair."""
    if geometry is None or geometry.is_empty:
        return None, False
    if geometry.is_valid:
        return polygonal(geometry), False
    fixed = polygonal(shapely.make_valid(geometry))
    if fixed is None or not fixed.is_valid:
        fixed = polygonal(geometry.buffer(0))
    return fixed, True


@dataclass(frozen=True)
class Overlap:
    """Two areas whose outlines overlap by more than the tolerance."""

    first: str
    second: str
    square_metres: float


@dataclass(frozen=True)
class Gap:
    """A hole inside the coverage no area covers, and the areas around it."""

    neighbours: tuple[str, ...]
    square_metres: float
    lon: float
    lat: float


def overlaps(frame: gpd.GeoSeries, tolerance_m2: float) -> list[Overlap]:
    """Pairs of areas (index = area code, metric CRS) overlapping by more than tolerance_m2."""
    codes = list(frame.index)
    geometries = frame.values
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    found = []
    for i, j in zip(left, right):
        if i < j:
            shared = shapely.intersection(geometries[i], geometries[j]).area
            if shared > tolerance_m2:
                found.append(Overlap(codes[i], codes[j], float(shared)))
    return found


def gaps(frame: gpd.GeoSeries, tolerance_m2: float) -> list[Gap]:
    """Holes in the union of the areas larger than tolerance_m2, each with the areas touching it."""
    union = shapely.union_all(frame.values)
    holes = [shapely.Polygon(ring) for polygon in getattr(union, "geoms", [union])
             for ring in polygon.interiors]
    codes = list(frame.index)
    tree = shapely.STRtree(frame.values)
    to_degrees = gpd.GeoSeries(holes, crs=frame.crs).to_crs("EPSG:4326") if holes else []
    found = []
    for hole, in_degrees in zip(holes, to_degrees):
        if hole.area <= tolerance_m2:
            continue
        around = tree.query(hole.buffer(1.0), predicate="intersects")
        point = in_degrees.representative_point()
        found.append(Gap(tuple(sorted(codes[k] for k in around)), float(hole.area), point.x, point.y))
    return found
