"""The drill's key-figure tiles fit a province's figures: 万 from seven digits, the exact one on hover."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _tiles():
    import pandas as pd

    from components.area_panels import render_area_tiles

    render_area_tiles(pd.Series({"households": 10_000_000, "exited": 1_466_121, "open_cases": 170_349,
                                 "open_people": 546_253, "eliminated": 319_422, "open_problems": 14_959,
                                 "under_line": 115_446}), 2025, 7_600.0)


def test_a_province_figure_is_given_in_wan_with_the_exact_number_on_hover():
    app = AppTest.from_function(_tiles).run()
    values = {metric.label: (metric.value, metric.help) for metric in app.metric}
    assert [value for value, _ in values.values()] == ["1,000万", "146.6万", "170,349", "546,253", "319,422",
                                                        "14,959", "115,446"]
    helps = [help_text for _, help_text in values.values()]
    assert helps[0] == "10,000,000" and helps[1] == "1,466,121" and not helps[2]
    assert "7,600" in helps[-1]  # the under-the-line tile keeps its own explanation


def test_a_pair_too_long_for_a_tile_goes_to_wan():
    from components.tile_numbers import tile_pair

    assert tile_pair(4, 16) == "4 / 16" and tile_pair(795, 1_004) == "795 / 1,004"
    assert tile_pair(84_890, 106_120) == "8.49万 / 10.61万"


def test_a_county_pair_stays_exact():
    from components.tile_numbers import tile_pair

    assert tile_pair(7_950, 10_040) == "7,950 / 10,040"


def test_a_tile_number_keeps_one_decimal():
    from components.tile_numbers import tile_number

    assert [tile_number(n) for n in (999_999, 1_000_000, 1_466_121, 123_456_789)] == [
        "999,999", "100万", "146.6万", "1.2亿"]
