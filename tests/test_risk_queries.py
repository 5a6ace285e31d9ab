"""Risk queries against an independent pandas count on the raw tables, on every engine."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from queries.risk import (CASE_TYPES, RISK_CODES, RiskFilter, cases_by_risk_type, new_cases_by_month,
                          open_cases_by_village, totals_by_area)
from queries.scope import Scope, ScopeError
from tests.conftest import read_table

COUNTY = "429999000000"
SCOPE = Scope(((COUNTY, "county"),), household_detail=True)
ASOF = date(2026, 11, 20)


def _cases(url: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    households = read_table(url, "household")
    cases = read_table(url, "monitoring_case").merge(households[["id", "village_code"]].rename(columns={"id": "hid"}),
                                                     left_on="household_id", right_on="hid")
    for column in ("identified_on", "eliminated_on"):
        cases[column] = pd.to_datetime(cases[column])
    return cases, read_table(url, "case_risk")


def _filtered(cases, risks, flt: RiskFilter) -> pd.DataFrame:
    with_risk = set(risks.loc[risks["risk_code"].isin(flt.risk_codes), "case_id"])
    keep = (cases["case_type"].isin(flt.case_types) & cases["id"].isin(with_risk)
            & (cases["identified_on"] >= pd.Timestamp(flt.start)) & (cases["identified_on"] <= pd.Timestamp(flt.end)))
    return cases[keep]


FILTERS = [
    RiskFilter(CASE_TYPES, RISK_CODES, date(2021, 1, 1), ASOF),
    RiskFilter(("unstable", "sudden"), ("illness", "disaster"), date(2023, 7, 1), date(2024, 6, 30)),
]


@pytest.mark.engines
@pytest.mark.parametrize("flt", FILTERS, ids=["all", "subset"])
def test_counts_match_pandas_on_every_engine(engine_db_url, flt):
    cases, risks = _cases(engine_db_url)
    chosen = _filtered(cases, risks, flt)
    assert len(chosen) > 5  # the check means something
    township = chosen["village_code"].str[:9] + "000"

    totals = totals_by_area(new_cases_by_month(engine_db_url, SCOPE, COUNTY, "county", "township", flt))
    assert totals.to_dict() == chosen.groupby(township).size().to_dict()

    by_risk = cases_by_risk_type(engine_db_url, SCOPE, COUNTY, "county", "township", flt)
    pairs = chosen.merge(risks, left_on="id", right_on="case_id")
    pairs = pairs[pairs["risk_code"].isin(flt.risk_codes)]
    expected = pairs.groupby([pairs["village_code"].str[:9] + "000", "risk_code"]).size()
    got = by_risk.set_index(["area_code", "risk_code"])["cases"]
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()

    monthly = new_cases_by_month(engine_db_url, SCOPE, COUNTY, "county", "village", flt)
    expected = chosen.groupby([chosen["village_code"], chosen["identified_on"].dt.strftime("%Y-%m")]).size()
    assert monthly.set_index(["area_code", "month"])["cases"].sort_index().to_dict() == expected.sort_index().to_dict()


@pytest.mark.engines
def test_open_cases_per_village_match_pandas_on_every_engine(engine_db_url):
    flt = RiskFilter(("unstable", "marginal"), ("illness", "disability", "other"), date(2021, 1, 1), ASOF)
    cases, risks = _cases(engine_db_url)
    asof = pd.Timestamp(2025, 6, 30)
    chosen = _filtered(cases, risks, RiskFilter(flt.case_types, flt.risk_codes, date(1900, 1, 1), asof.date()))
    open_ = chosen[chosen["eliminated_on"].isna() | (chosen["eliminated_on"] > asof)]
    got = open_cases_by_village(engine_db_url, SCOPE, COUNTY, "county", asof.date(), flt)
    assert got.to_dict() == open_.groupby("village_code").size().to_dict()
    assert got.sum() > 0


def test_period_bounds_are_inclusive(sample_db_url):
    cases, _risks = _cases(sample_db_url)
    day = cases["identified_on"].value_counts().index[0].date()  # a day with at least one case
    on_day = int((cases["identified_on"] == pd.Timestamp(day)).sum())
    flt = RiskFilter(CASE_TYPES, RISK_CODES, day, day)
    assert totals_by_area(new_cases_by_month(sample_db_url, SCOPE, COUNTY, "county", "county", flt)).sum() == on_day


def test_township_rows_of_a_township_and_empty_choices(sample_db_url):
    flt = RiskFilter(end=ASOF)
    township = "429999101000"
    totals = totals_by_area(new_cases_by_month(sample_db_url, SCOPE, township, "township", "village", flt))
    assert all(code.startswith("429999101") and len(code) == 12 for code in totals.index)
    empty = RiskFilter((), RISK_CODES, date(2021, 1, 1), ASOF)
    assert cases_by_risk_type(sample_db_url, SCOPE, COUNTY, "county", "township", empty).empty
    assert new_cases_by_month(sample_db_url, SCOPE, COUNTY, "county", "township", empty).empty
    with pytest.raises(ScopeError):
        new_cases_by_month(sample_db_url, Scope(((township, "township"),), household_detail=True), COUNTY, "county", "township", flt)
