"""Boundary simplification: shared borders stay matched, the tolerance is in metres, bad rows are dropped."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon, box

from geo.boundaries import parse_geometries, simplified_geojson, simplify_coverage, utm_crs
from tests.conftest import read_table

LAT = 30.6
DEG_PER_M_LAT = 1 / 110_574.0
DEG_PER_M_LON = 1 / (111_320.0 * 0.8607)  # cos(30.6°)


def _zigzag_neighbours(amplitude_m: float) -> dict[str, Polygon]:
    """Two 1 km squares side by side whose shared border zigzags by amplitude_m metres."""
    x0, y0 = 112.9, LAT
    width, height = 1000 * DEG_PER_M_LON, 1000 * DEG_PER_M_LAT
    border = [(x0 + width + (amplitude_m * DEG_PER_M_LON if i % 2 else 0), y0 + i * height / 10) for i in range(11)]
    west = Polygon([(x0, y0), *border, (x0, y0 + height)])
    east = Polygon([border[0], (x0 + 2 * width, y0), (x0 + 2 * width, y0 + height), *border[::-1][:-1]])
    return {"west": west, "east": east}


def _shared_length(a, b) -> float:
    return shapely.length(shapely.intersection(a.boundary, b.boundary))


def test_hand_made_neighbours_keep_one_border_without_gap_or_overlap():
    original = _zigzag_neighbours(5)
    simplified = simplify_coverage(original, tolerance_m=30)
    west, east = simplified["west"], simplified["east"]
    assert shapely.coverage_is_valid([west, east])
    assert shapely.area(shapely.intersection(west, east)) < 1e-12  # no overlap
    assert _shared_length(west, east) > 0.9 * 1000 * DEG_PER_M_LAT  # still one whole shared border
    # coverage_simplify drops a vertex whose triangle's area is under tolerance²: a 5 m zigzag on
    # 100 m steps (500 m², about 22² m²) goes, the border becomes straight.
    assert len(shapely.get_coordinates(west)) < len(shapely.get_coordinates(original["west"]))
    assert shapely.area(shapely.union(west, east)) == pytest.approx(
        shapely.area(shapely.union(*original.values())), rel=0.01)


def test_tolerance_is_in_metres_so_a_large_zigzag_survives():
    # 150 m zigzags (15,000 m²) are far above 30²: in degrees the same number would erase them.
    original = _zigzag_neighbours(150)
    simplified = simplify_coverage(original, tolerance_m=30)
    assert len(shapely.get_coordinates(simplified["west"])) == len(shapely.get_coordinates(original["west"]))


def test_sample_villages_still_share_their_borders(sample_db_url):
    rows = read_table(sample_db_url, "area_boundary")
    areas = read_table(sample_db_url, "area").set_index("code")
    village_rows = rows[rows["area_code"].map(areas["level"]) == "village"]
    stored = dict(zip(village_rows["area_code"], village_rows["geojson"]))
    original = parse_geometries(stored)
    simplified = {code: shapely.geometry.shape(g) for code, g in simplified_geojson(stored, tolerance_m=60).items()}
    assert set(simplified) == set(original)
    assert shapely.coverage_is_valid(list(simplified.values()))
    codes = sorted(original)
    pairs = [(a, b) for i, a in enumerate(codes) for b in codes[i + 1:i + 40]
             if _shared_length(original[a], original[b]) > 0]
    assert len(pairs) > 50
    for a, b in pairs:
        assert _shared_length(simplified[a], simplified[b]) > 0, (a, b)
        assert shapely.area(shapely.intersection(simplified[a], simplified[b])) < 1e-10, (a, b)
    before = sum(len(shapely.get_coordinates(g)) for g in original.values())
    after = sum(len(shapely.get_coordinates(g)) for g in simplified.values())
    assert after < before


def test_unreadable_or_empty_boundaries_are_left_out():
    good = json.dumps({"type": "Polygon", "coordinates": [[[112.9, 30.6], [112.91, 30.6], [112.91, 30.61], [112.9, 30.6]]]})
    stored = {"good": good, "broken": "{not json", "point": json.dumps({"type": "Point", "coordinates": [1, 2]}),
              "empty": json.dumps({"type": "Polygon", "coordinates": []})}
    assert set(parse_geometries(stored)) == {"good"}
    assert simplified_geojson({}) == {}


@pytest.mark.parametrize("lon, lat", [(75.2, 39.5), (87.6, 43.8), (104.1, 30.6), (112.3, 30.2), (121.5, 31.2),
                                      (126.6, 45.8), (130.9, 47.2), (-70.6, -33.4), (2.3, 48.9), (-0.5, 51.5)])
def test_the_utm_zone_is_the_one_geopandas_estimates(lon, lat):
    """China's zones (43–53) and a few far away, against the PROJ database search it replaces."""
    area = gpd.GeoSeries([box(lon - 0.2, lat - 0.15, lon + 0.2, lat + 0.15)], crs="EPSG:4326")
    assert utm_crs(area.total_bounds) == f"EPSG:{area.estimate_utm_crs().to_epsg()}"
