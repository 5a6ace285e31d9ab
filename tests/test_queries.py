"""The drill-down queries, checked against an independent pandas computation, on every engine."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from queries.areas import ancestors, area_tree, children
from queries.dataset import top_areas
from queries.drill import figures_by_area, income_year
from queries.households import (PAGE_SIZE, household_cases, household_record, village_households,
                                 village_list_counts)
from queries.masking import mask_id_number, mask_name, mask_phone
from queries.scope import Scope, ScopeError
from tests.conftest import SAMPLE_UNTIL, read_table

COUNTY = "429999000000"
ASOF = date(2025, 6, 30)
COUNTY_SCOPE = Scope(roots=((COUNTY, "county"),), household_detail=True)


def expected_figures(url: str, group_level: str, asof: date) -> pd.DataFrame:
    """Figures per area computed from raw rows in pandas: the reference the SQL must match."""
    keep = {"township": 9, "village": 12, "county": 6}[group_level]
    households = read_table(url, "household")
    households["area"] = households["village_code"].str[:keep].str.ljust(12, "0")
    by_household = households.set_index("id")["area"]
    sizes = households.set_index("id")["size"]
    cases = read_table(url, "monitoring_case")
    cases = cases[pd.to_datetime(cases["identified_on"]) <= pd.Timestamp(asof)]
    eliminated = cases["eliminated_on"].notna() & (pd.to_datetime(cases["eliminated_on"]) <= pd.Timestamp(asof))
    cases = cases.assign(area=cases["household_id"].map(by_household), eliminated=eliminated)
    checks = read_table(url, "guarantee_check")
    open_problem = (~checks["ok"].astype(bool)) & (pd.to_datetime(checks["checked_on"]) <= pd.Timestamp(asof)) & (
        checks["resolved_on"].isna() | (pd.to_datetime(checks["resolved_on"]) > pd.Timestamp(asof)))
    checks = checks[open_problem].assign(area=lambda f: f["household_id"].map(by_household))
    incomes = read_table(url, "household_income")
    line = read_table(url, "monitoring_line").set_index("year")["amount"]
    # The latest year up to the as-of year with income rows (income is collected near a year's end).
    year = int(max(y for y in line.index if y <= min(asof.year, incomes["year"].max())))
    under = incomes[(incomes["year"] == year) & (incomes["per_capita_net"] < line[year])]
    under = under.assign(area=under["household_id"].map(by_household))
    return pd.DataFrame({
        "households": households.groupby("area").size(),
        "exited": households[households["poverty_status"] == "exited"].groupby("area").size(),
        "open_cases": cases[~cases["eliminated"]].groupby("area").size(),
        "open_people": cases[~cases["eliminated"]].assign(size=lambda f: f["household_id"].map(sizes))
                       .groupby("area")["size"].sum(),
        "eliminated": cases[cases["eliminated"]].groupby("area").size(),
        "open_problems": checks.groupby("area").size(),
        "under_line": under.groupby("area").size(),
    }).fillna(0).astype("int64")


@pytest.mark.parametrize("asof", [ASOF, SAMPLE_UNTIL])
@pytest.mark.parametrize("group_level", ["township", "village"])
def test_figures_match_an_independent_count(sample_db_url, group_level, asof):
    figures = figures_by_area(sample_db_url, COUNTY_SCOPE, COUNTY, "county", group_level, asof)
    expected = expected_figures(sample_db_url, group_level, asof)
    got = figures[expected.columns].loc[expected.index]
    pd.testing.assert_frame_equal(got, expected, check_names=False)
    assert expected["open_cases"].sum() > 0 and expected["under_line"].sum() > 0
    if asof == SAMPLE_UNTIL:  # open 三保障 problems are recent ones in the sample
        assert expected["open_problems"].sum() > 0


def expected_first_page(url: str, village: str, asof: date, size: int = PAGE_SIZE) -> pd.DataFrame:
    """A village's first page of households from raw rows: open cases first, then by id."""
    households = read_table(url, "household")
    households = households[households["village_code"] == village]
    cases = read_table(url, "monitoring_case")
    identified, eliminated = pd.to_datetime(cases["identified_on"]), pd.to_datetime(cases["eliminated_on"])
    day = pd.Timestamp(asof)
    open_now = cases[(identified <= day) & (eliminated.isna() | (eliminated > day))]
    types = open_now.groupby("household_id")["case_type"].first()
    households = households.assign(open_case_type=households["id"].map(types))
    ordered = households.assign(closed=households["open_case_type"].isna()).sort_values(["closed", "id"])
    return ordered.head(size).reset_index(drop=True)


@pytest.mark.engines
def test_every_engine_gives_the_raw_rows_figures(engine_db_url):
    for level in ("township", "village"):
        got = figures_by_area(engine_db_url, COUNTY_SCOPE, COUNTY, "county", level, ASOF)
        expected = expected_figures(engine_db_url, level, ASOF)
        pd.testing.assert_frame_equal(got[expected.columns].loc[expected.index], expected, check_names=False,
                                      check_dtype=False)


@pytest.mark.engines
def test_every_engine_lists_the_raw_rows_households(engine_db_url):
    cases = read_table(engine_db_url, "monitoring_case")
    open_ids = cases.loc[cases["eliminated_on"].isna(), "household_id"]
    households = read_table(engine_db_url, "household").set_index("id")
    village = households.loc[open_ids, "village_code"].value_counts().sort_index().idxmax()  # most open cases
    got = village_households(engine_db_url, COUNTY_SCOPE, village, SAMPLE_UNTIL, 1)
    expected = expected_first_page(engine_db_url, village, SAMPLE_UNTIL)
    assert got["id"].tolist() == expected["id"].tolist()
    assert got["open_case_type"].fillna("").tolist() == expected["open_case_type"].fillna("").tolist()
    assert expected["open_case_type"].notna().any()
    assert got["head_name"].tolist() == [mask_name(name) for name in expected["head_name"]]


def test_county_total_equals_sum_of_townships(sample_db_url):
    county = figures_by_area(sample_db_url, COUNTY_SCOPE, COUNTY, "county", "county", SAMPLE_UNTIL)
    townships = figures_by_area(sample_db_url, COUNTY_SCOPE, COUNTY, "county", "township", SAMPLE_UNTIL)
    numbers = [c for c in county.columns if c != "open_rate"]
    assert county.loc[COUNTY, numbers].tolist() == townships[numbers].sum().tolist()


def test_as_of_date_moves_the_figures(sample_db_url):
    early = figures_by_area(sample_db_url, COUNTY_SCOPE, COUNTY, "county", "county", date(2021, 3, 31))
    late = figures_by_area(sample_db_url, COUNTY_SCOPE, COUNTY, "county", "county", SAMPLE_UNTIL)
    assert early.at[COUNTY, "eliminated"] < late.at[COUNTY, "eliminated"]
    assert income_year(sample_db_url, date(2023, 5, 1))[0] == 2023


def test_tree_walks_from_county_to_village(sample_db_url):
    tree = area_tree(sample_db_url, COUNTY_SCOPE)
    assert top_areas(sample_db_url)["code"].tolist() == [COUNTY]
    townships = children(tree, COUNTY)
    assert 12 <= len(townships) <= 16 and set(townships["level"]) == {"township"}
    village = children(tree, townships.index[0]).index[0]
    assert ancestors(tree, village) == [COUNTY, townships.index[0], village]


def test_scope_limits_every_query(sample_db_url):
    tree = area_tree(sample_db_url, COUNTY_SCOPE)
    first, second = children(tree, COUNTY).index[:2]
    township_scope = Scope(roots=((first, "township"),), household_detail=True)
    assert set(area_tree(sample_db_url, township_scope)["code"]).issubset(
        {first, *children(tree, first).index})
    with pytest.raises(ScopeError):
        figures_by_area(sample_db_url, township_scope, second, "township", "village", SAMPLE_UNTIL)
    with pytest.raises(ScopeError):
        figures_by_area(sample_db_url, township_scope, COUNTY, "county", "township", SAMPLE_UNTIL)
    assert township_scope.covers(first, "township") and not township_scope.covers(first, "county")
    empty = Scope(roots=(), household_detail=True)
    assert area_tree(sample_db_url, empty).empty
    assert household_record(sample_db_url, empty, 1).empty


def test_household_list_is_paginated_and_masked(sample_db_url):
    tree = area_tree(sample_db_url, COUNTY_SCOPE)
    village = tree[tree["level"] == "village"].index[0]
    raw = read_table(sample_db_url, "household")
    raw = raw[raw["village_code"] == village]
    total = village_list_counts(sample_db_url, COUNTY_SCOPE, village, SAMPLE_UNTIL)["all"]
    assert total == len(raw)
    first = village_households(sample_db_url, COUNTY_SCOPE, village, SAMPLE_UNTIL, 1, page_size=20)
    second = village_households(sample_db_url, COUNTY_SCOPE, village, SAMPLE_UNTIL, 2, page_size=20)
    assert len(first) == min(20, total) and not set(first["id"]) & set(second["id"])
    assert not set(first["head_name"]) & set(raw["head_name"])
    assert all("*" in name for name in first["head_name"])


def test_household_list_filters_count_what_they_list(sample_db_url):
    households = read_table(sample_db_url, "household")
    cases = read_table(sample_db_url, "monitoring_case")
    open_ids = set(cases.loc[cases["eliminated_on"].isna() | (pd.to_datetime(cases["eliminated_on"])
                                                                > pd.Timestamp(SAMPLE_UNTIL)), "household_id"])
    village = households[households["id"].isin(open_ids)]["village_code"].mode()[0]
    in_village = households[households["village_code"] == village]
    expected = {"all": len(in_village), "monitored": int(in_village["id"].isin(open_ids).sum()),
                "exited": int((in_village["poverty_status"] == "exited").sum())}
    assert village_list_counts(sample_db_url, COUNTY_SCOPE, village, SAMPLE_UNTIL) == expected
    for list_filter, count in expected.items():
        listed = village_households(sample_db_url, COUNTY_SCOPE, village, SAMPLE_UNTIL, 1, list_filter, page_size=500)
        assert len(listed) == count
    monitored = village_households(sample_db_url, COUNTY_SCOPE, village, SAMPLE_UNTIL, 1, "monitored")
    assert monitored["open_case_type"].notna().all() and expected["monitored"] > 0
    with pytest.raises(ValueError):
        village_households(sample_db_url, COUNTY_SCOPE, village, SAMPLE_UNTIL, 1, "1 OR 1=1")


def test_household_record_is_masked_unless_detail_allowed(sample_db_url):
    raw = read_table(sample_db_url, "household").set_index("id").loc[1]
    masked = household_record(sample_db_url, COUNTY_SCOPE, 1).iloc[0]
    assert masked["head_name"] == mask_name(raw["head_name"]) != raw["head_name"]
    assert masked["id_number"] == mask_id_number(raw["id_number"]) != raw["id_number"]
    assert masked["phone"] == mask_phone(raw["phone"]) != raw["phone"]
    full = Scope(roots=COUNTY_SCOPE.roots, personal_detail=True, household_detail=True)
    assert household_record(sample_db_url, full, 1).iloc[0]["id_number"] == raw["id_number"]


def test_household_cases_hide_eliminations_after_the_as_of_date(sample_db_url):
    cases = read_table(sample_db_url, "monitoring_case").dropna(subset=["eliminated_on"]).iloc[0]
    eliminated_on = pd.Timestamp(cases["eliminated_on"]).date()
    before = household_cases(sample_db_url, COUNTY_SCOPE, int(cases["household_id"]), eliminated_on - timedelta(days=1))
    on_the_day = household_cases(sample_db_url, COUNTY_SCOPE, int(cases["household_id"]), eliminated_on)
    row_before = before[before["id"] == cases["id"]].iloc[0]
    row_on = on_the_day[on_the_day["id"] == cases["id"]].iloc[0]
    assert pd.isna(row_before["eliminated_on"]) and pd.isna(row_before["elimination_kind"]) and row_before["risk_codes"]
    assert pd.Timestamp(row_on["eliminated_on"]).date() == eliminated_on
    assert row_on["elimination_kind"] == cases["elimination_kind"]


def test_household_with_only_open_cases(sample_db_url):
    cases = read_table(sample_db_url, "monitoring_case")
    open_only = cases.groupby("household_id")["eliminated_on"].apply(lambda days: days.isna().all())
    household_id = int(open_only[open_only].index[0])
    rows = household_cases(sample_db_url, COUNTY_SCOPE, household_id, SAMPLE_UNTIL)
    assert len(rows) >= 1 and rows["eliminated_on"].isna().all() and rows["risk_codes"].map(len).min() >= 1


def test_household_cases_before_identification_are_empty(sample_db_url):
    first = read_table(sample_db_url, "monitoring_case").sort_values("identified_on").iloc[-1]
    day_before = pd.Timestamp(first["identified_on"]).date() - timedelta(days=1)
    rows = household_cases(sample_db_url, COUNTY_SCOPE, int(first["household_id"]), day_before)
    assert first["id"] not in set(rows["id"])


@pytest.mark.parametrize("name, masked", [("张三", "张*"), ("张小三", "张*三"), ("欧阳小明", "欧**明"), ("", "")])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_mask_id_and_phone():
    assert mask_id_number("42999919800101123X") == "429999********123X"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("1234567890") == "**********" and mask_phone("1234567") == "*******"
    assert mask_id_number(None) == "" and mask_phone("") == ""
