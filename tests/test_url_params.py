"""URL parameters: good values pass, bad ones are dropped with the message that names them."""

from __future__ import annotations

from datetime import date

import pytest

from labels import has_label, t
from components.page_params import parse_params
from components.url_params import permalink

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
    ("area", "٤٢٩٩٩٩١٠١٠٠٠", "params.bad_area"),  # twelve digits, but not ASCII ones
    ("household", "٤٢", "params.bad_household"),
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


# --- the shared validators ----------------------------------------------------------------------

from components import page_params  # noqa: E402
from components.url_params import (EMPTY_LIST, Param, Rejected, choice, code, day, flag, integer, list_of,  # noqa: E402
                                   month, parse_declared, url_value)


@pytest.mark.parametrize("parse, good, bad", [
    (choice(("count", "rate")), [("rate", "rate")], ["Rate", "count ", "", "x" * 99]),
    (list_of(("a", "b", "c")), [("c,a", ("a", "c")), ("a,,b", ("a", "b")), (EMPTY_LIST, ())], ["d", ",", "a,d"]),
    (list_of(("a", "b", "c"), keep_order=True), [("c,a", ("c", "a"))], ["x,y"]),
    (day(date(2021, 1, 1), TODAY), [("2024-02-29", date(2024, 2, 29))],
     ["2023-02-29", "2020-12-31", "2026-11-24", "2024-2-1", "20240201", "2024-02-01T00:00"]),
    (month("2021-01", "2026-11"), [("2023-06", "2023-06")], ["2023-6", "2023-13", "2020-12", "2026-12", "23-06"]),
    (integer(5, 3600), [("5", 5), ("3600", 3600)], ["4", "3601", "-5", "1e3", "0x10", "٣٣"]),
    (code(page_params.TASK_CODE), [("T01", "T01")], ["T 01", "<script>", "x" * 33, "任务"]),
    (flag(), [("1", True), ("0", False)], ["yes", "2", "true"]),
])
def test_validators_accept_exactly_their_form(parse, good, bad):
    for text, value in good:
        assert parse(text) == value
    for text in bad:
        with pytest.raises(Rejected):
            parse(text)


def test_a_list_keeps_its_known_items_and_names_the_unknown_ones():
    params = (Param("types", list_of(("a", "b")), ("a", "b"), "risk_page.bad_types"),)
    values, problems = parse_declared(params, {"types": "b,zz"})
    assert values == {"types": ("b",)} and problems == (("risk_page.bad_types", "zz"),)


def test_declared_set_uses_defaults_reads_old_names_and_reports_one_way():
    params = (Param("from_month", month("2021-01", "2026-11"), "2021-01", "trends_period.bad_from_month",
                    aliases=("from",)),
              Param("measure", choice(("count", "rate")), "count", "risk_page.bad_measure"))
    assert parse_declared(params, {}) == ({"from_month": "2021-01", "measure": "count"}, ())
    assert parse_declared(params, {"from": "2023-04"})[0]["from_month"] == "2023-04"
    assert parse_declared(params, {"from": "2023-04", "from_month": "2024-01"})[0]["from_month"] == "2024-01"
    hostile = "[点此](http://127.0.0.1:9/login)" * 5
    values, problems = parse_declared(params, {"from_month": hostile, "measure": "x"})
    assert values == {"from_month": "2021-01", "measure": "count"}
    assert problems == (("trends_period.bad_from_month", hostile[:40] + "…"), ("risk_page.bad_measure", "x"))


def test_url_value_leaves_defaults_out():
    param = Param("types", list_of(("a", "b")), ("a", "b"))
    assert url_value(param, ["b", "a"]) is None  # all chosen, in any order: the default
    assert url_value(param, ["b"]) == "b" and url_value(param, []) == EMPTY_LIST
    assert url_value(Param("asof", day(date(2021, 1, 1), TODAY), TODAY), TODAY) is None
    assert url_value(Param("asof", day(date(2021, 1, 1), TODAY), TODAY), date(2025, 1, 2)) == "2025-01-02"


def _every_declared_set():
    asof = date(2026, 11, 20)
    return [*page_params.shared(TODAY), *page_params.big_screen(), *page_params.map_page(),
            *page_params.risk_page(asof), *page_params.trends_page(asof), *page_params.tasks_page()]


@pytest.mark.parametrize("param", _every_declared_set(), ids=lambda param: param.name)
def test_every_parameter_has_a_message_naming_the_value(param):
    assert has_label(param.problem)
    assert "«probe»" in t(param.problem, value="«probe»")
    with pytest.raises(Rejected):
        param.parse("[x](http://127.0.0.1:9/)")
