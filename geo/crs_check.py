"""Is the CRS a boundary file declares plausible for its coordinates? Catches the usual mix-ups.

Chinese boundary files come in CGCS2000 geographic (EPSG:4490), Gauss-Krüger 3-degree zones with the
zone number in the false easting (EPSG:4513–4533, zones 25–45: easting 38 500 000 in zone 38) or
without it (EPSG:4534–4554, by central meridian 75°E–135°E), 6-degree zones 4491–4501 / 4502–4512,
or WGS84. The mistakes seen: projected metres declared as degrees, the zone number present or absent
against the declaration, the wrong zone. Each finding names a likely correct EPSG code.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyproj import CRS, Transformer

AREA_SLACK_DEG = 1.0  # data may spill a little over a zone's nominal area of use
ZONE3_WITH, ZONE3_WITHOUT = range(4513, 4534), range(4534, 4555)  # zones 25–45 / CM 75°E–135°E
ZONE6_WITH, ZONE6_WITHOUT = range(4491, 4502), range(4502, 4513)  # zones 13–23 / CM 75°E–135°E


@dataclass(frozen=True)
class CrsFinding:
    """One implausibility: a code (for the message catalogue) and the EPSG code that would fit."""

    code: str  # projected_as_geographic / zone_prefix_missing / zone_prefix_present / wrong_zone / outside_area
    suggestion: str | None  # e.g. "EPSG:4526", or a range "EPSG:4534–4554"
    where: tuple[float, float, float, float] | None = None  # west, south, east, north as declared (outside_area)


def suggest_for_easting(min_x: float, max_x: float) -> str | None:
    """The Gauss-Krüger CRS that eastings of this size suggest (zone number in the millions)."""
    if min_x >= 1e7:
        zone = int(min_x // 1e6)
        if zone == int(max_x // 1e6):
            if 25 <= zone <= 45:
                return f"EPSG:{4513 + zone - 25}"
            if 13 <= zone <= 23:
                return f"EPSG:{4491 + zone - 13}"
        return None
    if 0 < min_x and max_x < 1e6:
        return f"EPSG:{ZONE3_WITHOUT.start}–{ZONE3_WITHOUT.stop - 1}"
    return None


def check_crs(crs: CRS, bounds: tuple[float, float, float, float]) -> list[CrsFinding]:
    """Findings for coordinates with these bounds (minx, miny, maxx, maxy) in the declared CRS."""
    min_x, min_y, max_x, max_y = bounds
    epsg = crs.to_epsg()
    if crs.is_geographic:
        if max(abs(min_x), abs(max_x)) > 180 or max(abs(min_y), abs(max_y)) > 90:
            return [CrsFinding("projected_as_geographic", suggest_for_easting(min_x, max_x))]
        return _outside_area(crs, bounds)
    for with_zone, without_zone, first_zone in ((ZONE3_WITH, ZONE3_WITHOUT, 25), (ZONE6_WITH, ZONE6_WITHOUT, 13)):
        if epsg in with_zone:
            zone = first_zone + epsg - with_zone.start
            if max_x < 1e7:
                return [CrsFinding("zone_prefix_missing", f"EPSG:{without_zone.start + epsg - with_zone.start}")]
            if int(min_x // 1e6) != zone or int(max_x // 1e6) != zone:
                return [CrsFinding("wrong_zone", suggest_for_easting(min_x, max_x))]
        if epsg in without_zone and min_x >= 1e7:
            return [CrsFinding("zone_prefix_present", f"EPSG:{with_zone.start + epsg - without_zone.start}")]
    return _outside_area(crs, bounds)


def _outside_area(crs: CRS, bounds: tuple[float, float, float, float]) -> list[CrsFinding]:
    area = crs.area_of_use
    if area is None:
        return []
    to_degrees = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    west, south, east, north = to_degrees.transform_bounds(*bounds)
    inside = (west >= area.west - AREA_SLACK_DEG and east <= area.east + AREA_SLACK_DEG
              and south >= area.south - AREA_SLACK_DEG and north <= area.north + AREA_SLACK_DEG)
    if inside:
        return []
    suggestion = None if crs.is_geographic else suggest_for_easting(bounds[0], bounds[2])
    if suggestion == f"EPSG:{crs.to_epsg()}":
        suggestion = None  # the zone number agrees: the data lies far outside its own zone, no better guess
    return [CrsFinding("outside_area", suggestion, (west, south, east, north))]
