"""URL parameters: good values pass, bad ones are dropped with the message that names them."""

from __future__ import annotations

from datetime import date

import pytest

from components.labels import has_label, t
from components.url_params import parse_params, permalink

TODAY = date(2026, 11, 23)


def test_good_parameters_are_kept():
    params = parse_params({"area": "429999101000", "household": "42", "unit": "fpb",
                           "asof": "2025-06-30", "screen": "1"}, TODAY)
    assert (params.area, params.household, params.unit, params.asof, params.screen) == (
        "429999101000", 42, "fpb", date(2025, 6, 30), True)
    assert params.problems == ()


@pytest.mark.parametrize("name, value, problem", [
    ("area", "' OR 1=1 --", "params.bad_area"),
    ("area", "4299991010", "params.bad_area"),
    ("household", "-3", "params.bad_household"),
    ("household", "1e9", "params.bad_household"),
    ("household", "99999999999", "params.bad_household"),
    ("unit", "<script>", "params.bad_unit"),
    ("asof", "2026-13-01", "params.bad_asof"),
    ("asof", "2020-12-31", "params.bad_asof"),
    ("asof", "2026-11-24", "params.bad_asof"),
    ("screen", "yes", "params.bad_screen"),
])
def test_bad_parameter_is_dropped_and_named(name, value, problem):
    params = parse_params({name: value}, TODAY)
    assert getattr(params, name) in (None, False)
    assert params.problems == ((problem, value),)
    assert has_label(problem) and value[:10] in t(problem, value=value)


def test_long_bad_value_is_shortened_in_the_message():
    params = parse_params({"area": "x" * 500}, TODAY)
    assert len(params.problems[0][1]) < 50


def test_permalink_drops_empty_values_and_formats_dates():
    assert permalink({"area": "429999000000", "asof": date(2025, 1, 2), "screen": False, "unit": None}) == {
        "area": "429999000000", "asof": "2025-01-02"}
    assert permalink({"screen": True}) == {"screen": "1"}
