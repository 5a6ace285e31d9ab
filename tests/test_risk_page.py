"""The risk page through AppTest: filters read from and written to the URL, clear messages for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from labels import t
from tests.conftest import shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = str(Path(__file__).resolve().parent.parent / "views" / "risk.py")
ASOF = "2026-11-20"


@pytest.fixture
def open_risk(app):
    """The risk page on the sample county, through the frame, with URL parameters."""
    return lambda **params: app("risk", **params)


def test_filters_come_from_the_url(open_risk):
    test = open_risk(types="sudden,unstable", risks="disaster", from_day="2023-01-01", to_day="2023-12-31",
                     measure="rate", sort="code")
    assert not test.exception and not test.warning
    assert test.multiselect(key="risk_types").value == ["unstable", "sudden"]
    assert test.multiselect(key="risk_codes").value == ["disaster"]
    assert str(test.date_input(key="risk_from").value) == "2023-01-01"
    assert [group.value for group in test.button_group][:2] == ["rate", "code"]  # (then the warning-rule pills)
    assert any("2023-01-01" in s.value for s in test.subheader)


def test_changing_a_filter_writes_the_url(open_risk):
    test = open_risk()
    test.multiselect(key="risk_codes").set_value(["illness", "disability"]).run()
    assert not test.exception
    assert test.query_params["risks"] in ("illness,disability", ["illness,disability"])
    test.multiselect(key="risk_codes").set_value([]).run()
    assert t("risk_page.nothing_chosen") in [i.value for i in test.info]


def test_bad_filters_get_a_message_not_a_crash(open_risk):
    test = open_risk(types="robbery", from_day="2019-01-01", to_day="2024-02-30", measure="x")
    assert not test.exception
    warnings = shown(" ".join(w.value for w in test.warning))
    for bad in ("robbery", "2019-01-01", "2024-02-30"):
        assert bad in warnings
    assert test.multiselect(key="risk_types").value == ["unstable", "marginal", "sudden"]
    test = open_risk(**{"from": "2025-01-01", "to": "2024-01-01"})  # the old names still read
    assert shown(t("risk_page.bad_period", value="2025-01-01 > 2024-01-01")) in shown(test.warning[0].value)


def test_old_period_names_still_open_their_period(open_risk):
    test = open_risk(**{"from": "2023-01-01", "to": "2023-12-31"})
    assert not test.exception and not test.warning
    assert str(test.date_input(key="risk_from").value) == "2023-01-01"
    assert str(test.date_input(key="risk_to").value) == "2023-12-31"


def test_risk_page_lists_the_warnings_of_the_area_and_period(app, sample_db_url):
    from datetime import date

    from labels import label_of
    from queries.scope import Scope
    from queries.warnings import area_warnings

    test = app("risk", from_day="2026-10-01")
    assert not test.exception
    expected = area_warnings(sample_db_url, Scope((("429999000000", "county"),), household_detail=True), "429999000000", "county",
                             date(2026, 11, 20))
    expected = expected[expected["since"] >= date(2026, 10, 1)]
    listed = next(frame.value for frame in test.dataframe if "detail" in frame.value.columns)
    assert len(listed) == len(expected) > 0
    assert set(listed["rule"]) == {label_of("warning_rule", code) for code in expected["rule"]}
    assert listed["link"].str.startswith("drill?").all()


def test_the_rule_counts_are_complete_when_the_list_is_capped(app, sample_db_url, monkeypatch):
    """Over the whole period each rule's pill counts every warning, not the rows the list keeps."""
    import queries.warnings as warnings
    from datetime import date

    from labels import label_of
    from queries.scope import Scope

    monkeypatch.setattr(warnings, "LIST_LIMIT", 3)
    test = app("risk")
    assert not test.exception
    complete = warnings.warning_counts(sample_db_url, Scope((("429999000000", "county"),), household_detail=True),
                                       "429999000000", "county", "county", date(2026, 11, 20)).sum()
    listed = next(frame.value for frame in test.dataframe if "detail" in frame.value.columns)
    assert listed["rule"].value_counts().max() <= 3 < complete["income_below_line"]
    options = " ".join(str(option) for widget in test.get("button_group") for option in widget.proto.options)
    assert f"{label_of('warning_rule', 'income_below_line')} {complete['income_below_line']:,}" in options
