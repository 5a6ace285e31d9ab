"""geo.crs_check: the declared CRS against the coordinates, with the likely right EPSG code."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from pyproj import CRS

from geo.crs_check import check_crs

# A fictional banner near 111.2°E, 41°N: 3-degree zone 37 (EPSG:4525, CM 111°E = EPSG:4546).
BANNER = gpd.GeoSeries([shapely.box(111.0, 41.0, 111.5, 41.3)], crs="EPSG:4490")


def bounds_in(epsg: int) -> tuple[float, float, float, float]:
    return tuple(BANNER.to_crs(epsg).total_bounds)


@pytest.mark.parametrize(("written", "declared", "expected"), [
    (4490, 4490, []),
    (4326, 4490, []),  # WGS84 and CGCS2000 agree to centimetres
    (4525, 4525, []),
    (4546, 4546, []),
    (4525, 4490, [("projected_as_geographic", "EPSG:4525")]),
    (4546, 4490, [("projected_as_geographic", "EPSG:4534–4554")]),  # no zone number: only the family
    (4546, 4525, [("zone_prefix_missing", "EPSG:4546")]),
    (4525, 4546, [("zone_prefix_present", "EPSG:4525")]),
    (4525, 4524, [("wrong_zone", "EPSG:4525")]),
    (4524, 4524, [("outside_area", None)]),  # projected in the neighbouring zone: seen, no better guess
    # The limit, stated in the README: without a zone number a wrong central meridian looks like
    # valid data 3° further west, so nothing can be seen from the numbers alone.
    (4546, 4545, []),
])
def test_findings(written, declared, expected):
    findings = check_crs(CRS.from_epsg(declared), bounds_in(written))
    assert [(f.code, f.suggestion) for f in findings] == expected
