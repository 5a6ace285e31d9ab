"""Trend series against an independent pandas computation on the raw tables, on every engine."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from queries.scope import Scope, ScopeError
from queries.trend_cases import area_totals, case_flows, yearly_elimination
from queries.trend_checks import by_quarter, problem_flows
from queries.trend_income import (BIN_YUAN, QUANTILE_COLUMNS, QUANTILES, income_benchmarks, income_distribution,
                                  quantiles_from_bins)
from queries.trend_indicators import indicator_series
from rules.calendar import Period, month_end, month_range
from tests.conftest import SAMPLE_UNTIL, read_table

COUNTY = "429999000000"
COUNTY_SCOPE = Scope(roots=((COUNTY, "county"),), household_detail=True)
FULL = Period(date(2021, 1, 1), SAMPLE_UNTIL)
# Starts after cases exist (an opening stock) and ends mid-month (a cut inside the last month).
LATE = Period(date(2023, 6, 1), date(2024, 2, 14))
KEEP = {"county": 6, "township": 9, "village": 12}


def _day(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series)  # NaT (never true in a comparison) for a missing date


def _span(month: str, period: Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The days of a month that the period counts (the first and last are cut to the period)."""
    start = max(date(int(month[:4]), int(month[5:]), 1), period.first)
    return pd.Timestamp(start), pd.Timestamp(min(month_end(month), period.cut))


def reference_cases(url: str, group_level: str, period: Period, split: str = "case_type") -> pd.DataFrame:
    """Per area, key and month, from raw rows: identified, eliminated by kind, open at month end."""
    households = read_table(url, "household").set_index("id")["village_code"]
    cases = read_table(url, "monitoring_case")
    cases = cases.assign(identified=_day(cases["identified_on"]), eliminated=_day(cases["eliminated_on"]),
                         area_code=cases["household_id"].map(households).str[:KEEP[group_level]].str.ljust(12, "0"))
    if split == "risk":
        risks = read_table(url, "case_risk").rename(columns={"case_id": "id", "risk_code": "key"})
        cases = cases.merge(risks, on="id")
    else:
        cases = cases.assign(key=cases["case_type"])
    rows = []
    for month in period.months():
        start, end = _span(month, period)
        elim = cases["eliminated"]
        flags = pd.DataFrame({
            "area_code": cases["area_code"], "key": cases["key"],
            "identified": cases["identified"].between(start, end),
            "eliminated_stable": elim.between(start, end) & (cases["elimination_kind"] == "stable"),
            "eliminated_natural": elim.between(start, end) & (cases["elimination_kind"] == "natural"),
            "open_end": (cases["identified"] <= end) & (elim.isna() | (elim > end)),
        })
        counted = flags.groupby(["area_code", "key"]).sum().reset_index().assign(month=month)
        rows.append(counted)
    frame = pd.concat(rows)
    return frame.set_index(["area_code", "key", "month"]).astype("int64").sort_index()


def _compare(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    columns = ["identified", "eliminated_stable", "eliminated_natural", "open_end"]
    got = got.set_index(["area_code", "key", "month"])[columns].sort_index()
    # The query lists only areas/keys with any case; the reference lists every pair (zeros): align.
    expected = expected[columns].reindex(got.index.union(expected.index), fill_value=0)
    got = got.reindex(expected.index, fill_value=0)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_index_type=False)


def assert_reconciles(flows: pd.DataFrame) -> None:
    """open at end of m = open at end of m-1 + identified in m - eliminated in m, every month and area."""
    totals = area_totals(flows).sort_values(["area_code", "month"])
    for _code, rows in totals.groupby("area_code"):
        previous = rows["open_end"].shift(1).fillna(rows["open_start"].iloc[0])
        expected = previous + rows["identified"] - rows["eliminated"]
        assert (rows["open_end"] == expected).all()
        assert (rows["open_start"] == previous).all()


@pytest.fixture(scope="module")
def areas(sample_db_url) -> pd.DataFrame:
    return read_table(sample_db_url, "area")


@pytest.mark.parametrize("period", [FULL, LATE], ids=["full", "late"])
def test_county_series_by_township_match_raw_rows_and_reconcile(sample_db_url, period):
    flows = case_flows(sample_db_url, COUNTY_SCOPE, COUNTY, "county", "township", period)
    expected = reference_cases(sample_db_url, "township", period)
    _compare(flows, expected)
    assert_reconciles(flows)
    assert flows["identified"].sum() > 5 and flows["eliminated_stable"].sum() > 0
    assert set(flows["month"]) == set(period.months())
    if period is LATE:
        assert flows.groupby(["area_code", "key"])["open_start"].first().sum() > 0  # an opening stock


def test_every_township_and_some_villages_reconcile_with_raw_rows(sample_db_url, areas):
    county = case_flows(sample_db_url, COUNTY_SCOPE, COUNTY, "county", "county", FULL)
    _compare(county, reference_cases(sample_db_url, "county", FULL))
    assert_reconciles(county)
    by_township = reference_cases(sample_db_url, "township", FULL)
    by_village = reference_cases(sample_db_url, "village", FULL)
    for code in areas.loc[areas["level"] == "township", "code"]:
        flows = case_flows(sample_db_url, COUNTY_SCOPE, code, "township", "township", FULL)
        assert set(flows["area_code"]) <= {code}
        _compare(flows, by_township[by_township.index.get_level_values("area_code") == code])
        assert_reconciles(flows)
    busiest = by_village.groupby(level="area_code")["identified"].sum().nlargest(3).index
    for code in busiest:
        flows = case_flows(sample_db_url, COUNTY_SCOPE, code, "village", "village", FULL)
        _compare(flows, by_village[by_village.index.get_level_values("area_code") == code])
        assert_reconciles(flows)


def test_risk_series_count_each_risk_of_a_case(sample_db_url):
    flows = case_flows(sample_db_url, COUNTY_SCOPE, COUNTY, "county", "county", FULL, "risk")
    _compare(flows, reference_cases(sample_db_url, "county", FULL, "risk"))
    cases = case_flows(sample_db_url, COUNTY_SCOPE, COUNTY, "county", "county", FULL)
    last = FULL.months()[-1]
    # A case with two risks counts under both: the risk stack is at least the case stock.
    assert flows.loc[flows["month"] == last, "open_end"].sum() >= cases.loc[cases["month"] == last, "open_end"].sum()


def test_yearly_elimination_rate_from_hand_made_months():
    totals = pd.DataFrame({
        "area_code": ["A"] * 3, "month": ["2024-11", "2024-12", "2025-01"],
        "identified": [2, 0, 5], "eliminated_stable": [1, 3, 0], "eliminated_natural": [0, 1, 0],
        "eliminated": [1, 4, 0], "open_start": [10, 11, 7], "open_end": [11, 7, 12]})
    yearly = yearly_elimination(totals).set_index("year")
    assert yearly.at[2024, "open_start"] == 10 and yearly.at[2024, "eliminated"] == 5
    assert yearly.at[2024, "rate"] == round(100 * 5 / 12, 1)
    assert yearly.at[2025, "rate"] == 0 and yearly.at[2025, "open_end"] == 12


def test_scope_is_enforced(sample_db_url, areas):
    township = areas.loc[areas["level"] == "township", "code"].iloc[0]
    other = areas.loc[areas["level"] == "township", "code"].iloc[1]
    scope = Scope(roots=((township, "township"),), household_detail=True)
    with pytest.raises(ScopeError):
        case_flows(sample_db_url, scope, other, "township", "township", FULL)
    with pytest.raises(ScopeError):
        income_distribution(sample_db_url, scope, COUNTY, "county", 2021, 2026)
    assert indicator_series(sample_db_url, Scope(roots=(), household_detail=True), (COUNTY,), "2021-01", "2026-11").empty


def reference_income(url: str, area_prefix: str) -> pd.DataFrame:
    households = read_table(url, "household")
    exited = households[(households["poverty_status"] == "exited")
                        & households["village_code"].str.startswith(area_prefix)].set_index("id")
    incomes = read_table(url, "household_income")
    incomes = incomes[incomes["household_id"].isin(exited.index)]
    incomes = incomes.assign(size=incomes["household_id"].map(exited["size"]))
    line = read_table(url, "monitoring_line").set_index("year")["amount"]
    grouped = incomes.groupby("year")
    frame = pd.DataFrame({
        "households": grouped.size(),
        "mean": grouped.apply(lambda g: (g["per_capita_net"] * g["size"]).sum() / g["size"].sum()),
        "under_line": grouped.apply(lambda g: int((g["per_capita_net"] < line[g.name]).sum())),
    })
    for q, name in zip(QUANTILES, QUANTILE_COLUMNS):
        frame[name] = grouped["per_capita_net"].quantile(q)
    return frame


def assert_income_matches(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Counts and the mean exactly; quantiles from the histogram within one bin width."""
    exact = ["households", "mean", "under_line"]
    pd.testing.assert_frame_equal(got[exact], expected[exact], check_dtype=False, check_names=False)
    gap = (got[list(QUANTILE_COLUMNS)] - expected[list(QUANTILE_COLUMNS)]).abs().to_numpy().max()
    assert gap <= BIN_YUAN


@pytest.mark.parametrize("level", ["county", "township", "village"])
def test_income_quantiles_are_within_a_bin(sample_db_url, areas, level):
    households = read_table(sample_db_url, "household")
    exited = households[households["poverty_status"] == "exited"]
    code = {"county": COUNTY, "township": exited["village_code"].str[:9].mode()[0] + "000",
            "village": exited["village_code"].mode()[0]}[level]
    got = income_distribution(sample_db_url, COUNTY_SCOPE, code, level, 2021, 2026).set_index("year")
    expected = reference_income(sample_db_url, code[:KEEP[level]])
    assert len(got) == 5 and got["households"].min() > 0  # 2021-2025: the sample's 2026 is unfinished
    assert_income_matches(got, expected)


def test_quantiles_from_hand_made_bins():
    # 2021: values 100..104 (one per 10-yuan bin 10..14 -> 105, 115, ... after spreading); 2022: 4 rows in one bin
    bins = pd.DataFrame({"year": [2021] * 5 + [2022], "bin": [10, 11, 12, 13, 14, 50], "households": [1] * 5 + [4]})
    quantiles = quantiles_from_bins(bins)
    assert quantiles.at[2021, "p50"] == 125.0 and quantiles.at[2021, "p25"] == 115.0
    assert quantiles.at[2021, "p10"] == pytest.approx(109.0)  # h = 0.4 between 105 and 115
    assert quantiles.at[2022, "p50"] == pytest.approx(505.0)  # rows at 501.25, 503.75, 506.25, 508.75


def test_income_benchmarks_use_the_deepest_published_average(sample_db_url, areas):
    village = areas.loc[areas["level"] == "village"].iloc[0]
    chain = (COUNTY, village["parent_code"], village["code"])
    frame = income_benchmarks(sample_db_url, COUNTY_SCOPE, chain, 2021, 2026)
    own = read_table(sample_db_url, "area_income")
    township = own[own["area_code"] == village["parent_code"]].set_index("year")["rural_per_capita"]
    assert (frame["rural_area_code"] == village["parent_code"]).all()
    shown = frame.set_index("year")["rural_per_capita"]
    assert shown.loc[2021:2025].equals(township.loc[2021:2025].astype(float))
    assert pd.isna(shown.loc[2026]) and 2026 not in township.index  # the unfinished year is not published
    assert frame["line"].tolist() == [6000.0, 6300.0, 6600.0, 7000.0, 7300.0, 7600.0]


def assert_problems_match_raw_rows(url: str, period: Period) -> None:
    """The quarterly 三保障 problems against the raw checks, counted in pandas."""
    monthly = problem_flows(url, COUNTY_SCOPE, COUNTY, "county", period)
    quarterly = by_quarter(monthly).set_index(["key", "quarter"])
    checks = read_table(url, "guarantee_check")
    checks = checks[~checks["ok"].astype(bool)].assign(found=_day(checks["checked_on"]),
                                                       cleared=_day(checks["resolved_on"]))
    for (item, quarter), row in quarterly.iterrows():
        year, number = int(quarter[:4]), int(quarter[-1])
        months = [m for m in month_range(period.first, period.cut) if m[:4] == str(year)
                  and (int(m[5:]) - 1) // 3 + 1 == number]
        start, end = _span(months[0], period)[0], _span(months[-1], period)[1]
        mine = checks[checks["item"] == item]
        cleared = mine["cleared"].between(start, end)
        still_open = (mine["found"] <= end) & (mine["cleared"].isna() | (mine["cleared"] > end))
        assert row["found"] == mine["found"].between(start, end).sum(), (item, quarter)
        assert row["cleared"] == cleared.sum(), (item, quarter)
        assert row["open_end"] == still_open.sum(), (item, quarter)
    assert quarterly["found"].sum() > 0 and quarterly["cleared"].sum() > 0


@pytest.mark.parametrize("period", [FULL, LATE], ids=["full", "late"])
def test_problems_per_quarter_match_raw_rows(sample_db_url, period):
    assert_problems_match_raw_rows(sample_db_url, period)


def test_indicators_fall_back_to_the_nearest_reporting_ancestor(sample_db_url, areas):
    assert_indicators_match_raw_rows(sample_db_url, areas)


def assert_indicators_match_raw_rows(url: str, areas: pd.DataFrame) -> None:
    """A village's indicators are its township's rows, value for value, as stored."""
    village = areas.loc[areas["level"] == "village"].iloc[0]
    series = indicator_series(url, COUNTY_SCOPE, (COUNTY, village["parent_code"], village["code"]),
                              "2025-01", "2025-12")
    raw = read_table(url, "indicator_value")
    raw = raw[(raw["area_code"] == village["parent_code"]) & raw["period"].between("2025-01", "2025-12")]
    assert set(series["area_code"]) == {village["parent_code"]}
    assert len(series) == len(raw) and len(raw) == 12 * 6
    merged = series.merge(raw, on=["indicator_code", "period"], suffixes=("", "_raw"))
    assert np.allclose(merged["value"], merged["value_raw"]) and set(series["better"]) == {"higher", "lower"}


@pytest.mark.engines
def test_every_engine_gives_the_raw_rows_series(engine_db_url, areas):
    # Each engine against pandas on its own rows, never against another engine's answer (the
    # SQLite case would then compare SQLite with itself).
    for split in ("case_type", "risk"):
        got = case_flows(engine_db_url, COUNTY_SCOPE, COUNTY, "county", "township", LATE, split)
        _compare(got, reference_cases(engine_db_url, "township", LATE, split))
        assert_reconciles(got)
    income = income_distribution(engine_db_url, COUNTY_SCOPE, COUNTY, "county", 2021, 2026).set_index("year")
    assert_income_matches(income, reference_income(engine_db_url, COUNTY[:6]))
    assert_problems_match_raw_rows(engine_db_url, FULL)
    assert_indicators_match_raw_rows(engine_db_url, areas)


def test_an_area_without_cases_gives_empty_series_not_an_error(sample_db_url, areas):
    cases = read_table(sample_db_url, "monitoring_case")
    households = read_table(sample_db_url, "household")
    with_cases = set(households.loc[households["id"].isin(cases["household_id"]), "village_code"])
    quiet = sorted(set(households["village_code"]) - with_cases)[0]
    flows = case_flows(sample_db_url, COUNTY_SCOPE, quiet, "village", "village", LATE)
    assert flows.empty and {"month", "open_end", "eliminated"} <= set(flows.columns)
    assert area_totals(flows).empty


def test_the_national_rural_income_is_in_the_data_with_its_source(sample_db_url, areas):
    frame = income_benchmarks(sample_db_url, COUNTY_SCOPE, (COUNTY,), 2021, 2026).set_index("year")
    assert frame.at[2022, "national"] == 20133 and frame.at[2024, "national"] == 23119
    assert frame["national_source"].dropna().str.startswith("国家统计局").all()
    assert pd.isna(frame.at[2026, "national"])  # not published for an unfinished year
    stored = read_table(sample_db_url, "income_benchmark")
    assert set(stored["series"]) == {"national_rural"} and stored["source"].str.len().min() > 10
