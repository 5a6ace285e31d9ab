"""Map builders: legend classes, colours per indicator, escaped text, offline HTML, configured basemap."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from labels import t
from components.legend import NO_DATA_COLOUR, build_legend_html, class_of, numeric_classes, quantile_edges
from components.map_layers import (AreaLabels, LayerNames, add_assets, add_heat, add_household_points,
                                   add_layer_switcher, build_area_map)
from components.map_styles import build_area_styles, indicators_for
from geo.offline_map import external_urls

NAMES = LayerNames(areas="areas", labels="labels", households="households", assets="assets", basemap="base")
EVIL = "<img src=x onerror=alert(1)>村"


def _square(x: float, y: float, size: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def test_quantile_classes_put_values_on_the_right_side_of_each_edge():
    values = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], dtype=float)
    edges = quantile_edges(values, 5, integer=True)
    assert edges == [1, 3, 5, 7, 9, 10]  # quantiles 2.8, 4.6, … rounded outward (up)
    classes = class_of(values, edges)
    assert classes.tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3, 4]  # (3, 5] holds 4 and 5, not 3


def test_zero_gets_its_own_class_and_missing_values_the_no_data_class():
    values = pd.Series([0, 0, 0, 1, 2, 3, 9, None], index=list("abcdefgh"), dtype=float)
    fill, entries = numeric_classes(values, integer=True, no_data_label="none")
    assert [entry.label for entry in entries][0] == "0"
    assert entries[-1].label == "none" and entries[-1].count == 1 and fill["h"] == NO_DATA_COLOUR
    assert len({fill[k] for k in "abc"}) == 1 and fill["a"] != fill["g"]
    assert sum(entry.count for entry in entries) == len(values)


def _range(label: str) -> tuple[float, float]:
    """The numbers a legend label names: "0.3 – 0.6" -> (0.3, 0.6); "2.0" -> (2.0, 2.0); ">0 – 1" -> (0, 1)."""
    parts = [part.strip().lstrip(">").replace(",", "") for part in label.split("–")]
    return float(parts[0]), float(parts[-1])


@pytest.mark.parametrize("values, integer", [
    ([0.0, 0.0, 0.31, 0.52, 0.8, 1.2, 1.9, 2.74, None], False),  # the top value 2.74 once fell in "… – 2.7"
    ([0.0, 0.04, 0.2, 0.9, 0.95, 1.0, 1.02, 2.74], False),
    ([0, 0, 0, 1, 2, 3, 9, None], True),                         # ties: a class would be empty after rounding
    ([1.0, 1.0, 1.0, 1.0, 7.3], False),
    ([3.0] * 5, False),
])
def test_legend_classes_hold_every_value_in_the_range_they_name(values, integer):
    series = pd.Series(values, dtype=float)
    fill, entries = numeric_classes(series, integer=integer, no_data_label="none")
    classes, no_data = entries[:-1], entries[-1]
    assert all(entry.count > 0 for entry in classes)  # no empty class
    assert sum(entry.count for entry in entries) == len(series) and no_data.count == series.isna().sum()
    labels = [entry.label for entry in classes]
    assert len(labels) == len(set(labels))
    colour_to_range = {entry.colour: _range(entry.label) for entry in classes}
    for value, colour in zip(series, fill):
        if pd.isna(value):
            continue
        low, high = colour_to_range[colour]
        assert low <= value <= high or (low == 0 and value > 0 and value <= high), (value, low, high)
    assert max(_range(label)[1] for label in labels) >= series.max()  # the top value is inside the top class
    if (series == 0).any() and (series > 0).any():
        assert labels[0] == "0" and not labels[1].startswith("0.0") and not labels[1].startswith("0 ")


def test_legend_html_escapes_labels():
    _fill, entries = numeric_classes(pd.Series([1.0, 2.0]), integer=False, no_data_label=EVIL)
    html = build_legend_html(EVIL, entries, "({count})")
    assert "<img" not in html and "&lt;img" in html


def test_area_styles_for_each_indicator():
    areas = pd.DataFrame({"name": ["a", "b", "c"], "village_class": ["demonstration", None, "overall"]},
                         index=["1", "2", "3"])
    figures = pd.DataFrame({"open_rate": [0.5, 2.0], "task_status": ["overdue", "done"], "asset_value": [1e5, 5e5]},
                           index=["1", "2"])
    styles, legend = build_area_styles(areas, figures, "task_status")
    assert styles.at["1", "value"] == t("map_task_status.overdue")
    assert styles.at["3", "colour"] == NO_DATA_COLOUR and styles.at["3", "value"] == t("map.no_data")
    assert legend[-1].count == 1
    styles, _legend = build_area_styles(areas, figures, "village_class")
    assert styles.at["2", "colour"] == NO_DATA_COLOUR and styles.at["1", "colour"] != styles.at["3", "colour"]
    styles, _legend = build_area_styles(areas, figures, "asset_value")
    assert styles.at["2", "value"] == "50" + t("map_unit.asset_value")  # shown in 万元
    assert "village_class" not in indicators_for("township") and "village_class" in indicators_for("village")


def _area_map() -> tuple:
    geometries = {"1": _square(112.9, 30.6), "2": _square(112.91, 30.6)}
    styles = pd.DataFrame({"name": [EVIL, "b"], "value": ["<b>3</b>", "1"], "colour": ["#ff0000", "#00ff00"]},
                          index=["1", "2"])
    return build_area_map(geometries, styles, "<i>indicator</i>", NAMES, "area"), geometries


def test_area_map_escapes_names_and_stays_offline():
    m, _geometries = _area_map()
    add_layer_switcher(m)
    html = m.get_root().render().replace("\\u0026", "&")  # folium writes & as \u0026 inside JSON
    assert EVIL not in html and "<b>3</b>" not in html and "<i>indicator</i>" not in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 2  # tooltip data and name label: shown as text
    assert external_urls(html) == []
    assert "tileLayer" not in html  # no basemap by default
    assert "#ff0000" in html and "#00ff00" in html  # each area filled with its class colour


def test_household_points_show_masked_name_and_status_only():
    m, _geometries = _area_map()
    points = pd.DataFrame({"id": [1, 2], "head_name": ["张*<", "李*"], "lat": [30.601, 30.602], "lon": [112.901, 112.902],
                           "poverty_status": ["exited", "general"], "open_case_type": ["sudden", None]})
    add_household_points(m, points, {"sudden": "S", "general": "G", "exited": "E"}, "households")
    assets = pd.DataFrame({"id": [1], "name": ["<script>x</script>"], "kind": ["operating"], "value": [1e5],
                           "lat": [30.603], "lon": [112.903]})
    add_assets(m, assets, {"operating": "OP"}, lambda v: f"{v / 1e4:.0f}w", "assets")
    html = m.get_root().render().replace("\\u0026", "&")
    encoded = [json.dumps(text)[1:-1] for text in ("张*&lt; · S", "李* · G")]  # the point data is JSON
    assert all(text in html for text in encoded)
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt; · OP · 10w" in html
    assert external_urls(html) == []


def test_a_configured_tile_url_adds_a_basemap(monkeypatch):
    monkeypatch.setenv("DASHBOARD_TILE_URL", "http://tiles.intranet.local/{z}/{x}/{y}.png")
    monkeypatch.setenv("DASHBOARD_TILE_ATTRIBUTION", "<b>GIS</b>")
    m, _geometries = _area_map()
    html = m.get_root().render()
    assert "tiles.intranet.local" in html and "<b>GIS</b>" not in html
    assert external_urls(html, ("http://tiles.intranet.local",)) == []


@pytest.mark.parametrize("count, shown", [(10, True), (200, False)])
def test_name_labels_start_hidden_on_crowded_maps(count, shown):
    geometries = {str(i): _square(112.9 + 0.011 * i, 30.6) for i in range(count)}
    styles = pd.DataFrame({"name": [f"v{i}" for i in range(count)], "value": "1", "colour": "#fff"}, index=list(geometries))
    m = build_area_map(geometries, styles, "x", NAMES, "area")
    html = m.get_root().render()
    assert all(f"v{i}\\u003c/div" in html for i in range(count))  # every name, inside the script as JSON
    groups = [child for child in m._children.values() if isinstance(child, AreaLabels)]
    assert len(groups) == 1 and len(groups[0].rows) == count and groups[0].show is shown
    assert json.dumps(m.get_bounds())  # bounds are set from the geometries


def test_heat_layer_weights_sit_at_village_centres_and_skip_empty_villages():
    m, _geometries = _area_map()
    centres = pd.DataFrame({"lat": [30.61, 30.62, None], "lon": [112.91, 112.92, 112.93]}, index=["v1", "v2", "v3"])
    add_heat(m, pd.Series({"v1": 4, "v2": 0, "v3": 7, "elsewhere": 9}), centres, "heat")
    html = m.get_root().render()
    assert "[[30.61, 112.91, 4.0]]" in html  # v2 has no open case, v3 no centre, the last is not on this map
    assert external_urls(html) == []


def test_warning_bubbles_sit_on_the_areas_with_warnings_and_escape_names():
    import folium
    import pandas as pd

    from components.map_layers import add_warning_bubbles

    areas = pd.DataFrame({"lat": [30.0, 30.1, 30.2], "lon": [114.0, 114.1, 114.2],
                          "name": ["<b>甲</b>", "乙", "丙"]}, index=["a", "b", "c"])
    m = folium.Map(tiles=None)
    add_warning_bubbles(m, pd.Series({"a": 4, "b": 0, "c": 1}), areas, lambda name, n: f"{name}:{n}", "预警")
    rendered = m.get_root().render()
    assert rendered.count("L.circleMarker") == 2  # no circle where no warning fires
    assert "&lt;b&gt;甲&lt;/b&gt;:4" in rendered and "<b>甲</b>" not in rendered
