"""Masked roles get household points on a ~100 m grid, full-detail roles exact ones (issue 21, finding 7)."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from queries.map import village_points
from queries.masking import POINT_GRID_DEGREES
from queries.scope import Scope
from tests.auth.conftest import tree_text
from tests.conftest import read_table

ASOF = date(2026, 11, 20)
COUNTY = "429999000000"
# A household point as the map sends it: [lat, lon, "#colour", "tooltip"] (quotes escaped in the payload).
POINT = re.compile(r'\[(-?\d+(?:\.\d+)?), (-?\d+(?:\.\d+)?), \\*"#[0-9a-f]{6}\\*"')


def _on_grid(values) -> bool:
    steps = pd.Series(values, dtype=float) / POINT_GRID_DEGREES
    return bool(((steps - steps.round()).abs() < 1e-6).all())


def _busiest_village(url: str, prefix: str = "") -> tuple[str, pd.DataFrame]:
    households = read_table(url, "household")
    households = households[households["village_code"].str.startswith(prefix)]
    village = households["village_code"].mode()[0]
    return village, households[households["village_code"] == village].sort_values("id")


def test_a_masked_scope_gets_points_on_the_grid_only(sample_db_url):
    village, stored = _busiest_village(sample_db_url)
    assert not _on_grid(stored["lat"])  # the stored points are finer: the test can tell
    masked = village_points(sample_db_url, Scope(((COUNTY, "county"),), household_detail=True), village, ASOF)
    assert len(masked) == len(stored) and _on_grid(masked["lat"]) and _on_grid(masked["lon"])
    assert (masked["lat"].to_numpy() - stored["lat"].to_numpy()).max() <= POINT_GRID_DEGREES / 2 + 1e-9
    exact = village_points(sample_db_url, Scope(((COUNTY, "county"),), personal_detail=True, household_detail=True), village, ASOF)
    assert list(exact["lat"]) == list(stored["lat"]) and list(exact["lon"]) == list(stored["lon"])


def test_the_map_a_masked_leader_receives_has_no_finer_point(signed_in_app, sample_db_url, sample):
    village, stored = _busiest_village(sample_db_url)
    sent = POINT.findall(tree_text(signed_in_app("county", page="map", area=village)))
    assert len(sent) == len(stored)
    assert _on_grid([lat for lat, _lon in sent]) and _on_grid([lon for _lat, lon in sent])


def test_a_case_officer_keeps_exact_points_in_own_villages(signed_in_app, sample_db_url, sample):
    village = sample.villages_b[0]
    stored = read_table(sample_db_url, "household").query("village_code == @village")
    sent = POINT.findall(tree_text(signed_in_app("officer", page="map", area=village)))
    assert {(float(lat), float(lon)) for lat, lon in sent} == {
        (round(lat, 6), round(lon, 6)) for lat, lon in zip(stored["lat"], stored["lon"])}
