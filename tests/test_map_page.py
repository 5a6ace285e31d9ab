"""The map page through AppTest: indicator and grouping in the URL, legends, missing boundaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from labels import t
from tests.conftest import read_table, shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = str(Path(__file__).resolve().parent.parent / "views" / "map.py")
ASOF = "2026-11-20"


@pytest.fixture
def open_map(app):
    """The map page on the sample county, through the frame, with URL parameters."""
    return lambda **params: app("map", **params)


def _html(test: AppTest) -> str:
    return "\n".join(str(getattr(node, "proto", node)) for node in test.get("html"))


def test_county_map_defaults_to_villages_by_open_rate(open_map, sample_db_url):
    test = open_map()
    assert not test.exception
    assert test.title[0].value == t("page.map")
    assert test.selectbox(key="map_indicator").value == "open_rate"
    assert test.button_group[0].value == "village"
    legend = _html(test)
    assert t("map_indicator.open_rate") in legend and t("map.no_data") in legend
    missing = json.loads(read_table(sample_db_url, "dataset_info").set_index("key").at["villages_without_boundary", "value"])
    warning = test.warning[0].value
    assert all(code in warning for code in missing)


def test_indicator_from_the_url_is_used_and_a_bad_one_explained(open_map):
    test = open_map(indicator="task_status", by="township")
    assert not test.exception
    assert test.selectbox(key="map_indicator").value == "task_status"
    assert test.button_group[0].value == "township"
    assert t("map_task_status.overdue") in _html(test) or t("map_task_status.on_track") in _html(test)
    test = open_map(indicator="<script>")
    assert not test.exception
    assert any(shown(t("map.bad_indicator", value="<script>")) in shown(w.value) for w in test.warning)
    assert not any("<script>" in w.value for w in test.warning)  # escaped on its way into Markdown
    assert test.selectbox(key="map_indicator").value == "open_rate"


def test_changing_the_indicator_writes_the_url(open_map):
    test = open_map(area="429999101000")
    test.selectbox(key="map_indicator").set_value("open_problems").run()
    assert not test.exception
    assert test.query_params["indicator"] in ("open_problems", ["open_problems"])


def test_village_view_shows_point_and_asset_legends(open_map, sample_db_url):
    households = read_table(sample_db_url, "household")
    village = households["village_code"].mode()[0]
    test = open_map(area=village)
    assert not test.exception
    legends = _html(test)
    assert t("map.points_legend") in legends and t("map.assets_legend") in legends
    crumbs = [button.label for button in test.button]
    names = read_table(sample_db_url, "area").set_index("code")["name"]
    assert names["429999000000"] in crumbs and names[village[:9] + "000"] in crumbs


def test_a_village_without_boundary_still_shows_its_households(open_map, sample_db_url):
    missing = json.loads(read_table(sample_db_url, "dataset_info").set_index("key").at["villages_without_boundary", "value"])
    test = open_map(area=missing[0])
    assert not test.exception
    assert t("map.no_boundaries") in [i.value for i in test.info]
    assert missing[0] in test.warning[0].value  # and it is listed under the map
    assert t("map.points_legend") in _html(test)


def test_missing_leaflet_files_are_said_with_the_fix(open_map, monkeypatch, tmp_path):
    monkeypatch.setattr("geo.offline_map.VENDOR_DIR", tmp_path)  # as on a server where `make assets` never ran
    test = open_map()
    assert not test.exception
    said = [w.value for w in test.warning if "make assets" in w.value]
    assert said and said[0].startswith(t("map.assets_missing", count=0, first="")[:8])
