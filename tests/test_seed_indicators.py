"""Rule 11 indicators (queries/seed_indicators.py) against an independent pandas count of the raw
rows on each engine, and the targets on both sides of their thresholds."""

from __future__ import annotations

import pandas as pd
import pytest

from queries.drill import income_year
from queries.scope import Scope
from queries.seed_indicators import is_met, seed_indicators
from tests.conftest import SAMPLE_UNTIL, read_table

COUNTY = "429999000000"
EVERYTHING = Scope(roots=((COUNTY, "county"),), personal_detail=False)


def _in_force(frame: pd.DataFrame, asof) -> pd.Series:
    started, ended = pd.to_datetime(frame["started_on"]), pd.to_datetime(frame["ended_on"])
    return (started <= pd.Timestamp(asof)) & (ended.isna() | (ended >= pd.Timestamp(asof)))


def _expected(url: str, area_prefix: str, asof, year) -> dict[str, tuple[float, float]]:
    households = read_table(url, "household")
    households = households[households["village_code"].astype(str).str.startswith(area_prefix)]
    measures = read_table(url, "assistance")
    measures = measures[measures["household_id"].isin(households["id"]) & _in_force(measures, asof)]
    incomes = read_table(url, "household_income")
    members = read_table(url, "household_member")
    cases = read_table(url, "monitoring_case")
    areas = read_table(url, "area")

    labour = households[households["relocated"].astype(bool) & (households["labor_capacity"].fillna("") != "none")]
    helped = set(measures.loc[measures["kind"].isin(["employment", "public_welfare_post"]), "household_id"])
    waged = set(incomes.loc[(incomes["year"] == year) & (incomes["wage"] > 0), "household_id"])
    employed = labour["id"].isin(helped | waged).sum()

    known = cases[pd.to_datetime(cases["identified_on"]) <= pd.Timestamp(asof)]["household_id"]
    followed = households[(households["poverty_status"] == "exited") | households["id"].isin(known)]["id"]
    people = members[members["household_id"].isin(followed)]
    chronic = people[people["health"] == "chronic"]
    health = set(measures.loc[measures["kind"] == "health", "household_id"])

    credit = measures[measures["kind"] == "micro_credit"]
    overdue_on = pd.to_datetime(credit["overdue_on"])
    overdue = credit.loc[overdue_on.notna() & (overdue_on <= pd.Timestamp(asof)), "amount"].sum()
    villages = areas[(areas["level"] == "village") & areas["code"].astype(str).str.startswith(area_prefix)]
    return {
        "relocated_employed": (employed, len(labour)),
        "medical_insured": (people["medical_insured"].astype(bool).sum(), len(people)),
        "chronic_signed": (chronic["household_id"].isin(health).sum(), len(chronic)),
        "welfare_posts": ((measures["kind"] == "public_welfare_post").sum(), len(villages)),
        "credit_overdue": (overdue, credit["amount"].sum()),
    }


@pytest.mark.parametrize("code,level,prefix", [(COUNTY, "county", COUNTY[:6]), ("429999101000", "township", "429999101")])
def test_indicators_match_pandas_on_every_engine(engine_db_url, code, level, prefix):
    year, _ = income_year(engine_db_url, SAMPLE_UNTIL)
    found = seed_indicators(engine_db_url, EVERYTHING, code, level, SAMPLE_UNTIL, year).set_index("code")
    expected = _expected(engine_db_url, prefix, SAMPLE_UNTIL, year)
    for indicator, (numerator, denominator) in expected.items():
        assert found.at[indicator, "numerator"] == pytest.approx(float(numerator)), indicator
        assert found.at[indicator, "denominator"] == pytest.approx(float(denominator)), indicator
    if level == "county":
        assert expected["credit_overdue"][0] > 0, "the sample marks a handful of loans overdue"
        assert expected["relocated_employed"][1] > 0 and expected["chronic_signed"][1] > 0


def test_scope_is_checked(sample_db_url):
    other = Scope(roots=(("429999101000", "township"),), personal_detail=False)
    with pytest.raises(Exception):
        seed_indicators(sample_db_url, other, COUNTY, "county", SAMPLE_UNTIL, 2025)


@pytest.mark.parametrize("value,target,better,met", [
    (100.0, 100.0, "higher", True), (99.9, 100.0, "higher", False),
    (0.99, 1.0, "lower", True), (1.0, 1.0, "lower", False), (1.2, 1.0, "lower", False),
    (None, 1.0, "lower", None), (3.0, None, "higher", None),
])
def test_targets_on_both_sides(value, target, better, met):
    assert is_met(value, target, better) is met


def test_each_indicator_counts_on_its_own_side_of_the_as_of_date(sample_db_url, tmp_path):
    """Both sides of each threshold in the data: a loan overdue on the as-of date counts, one due the day
    after does not (seed 001: 逾期率控制在1%以下); a measure ending on the as-of date is in force, one that
    ended the day before is not (seed 003: 精准落实针对性帮扶措施)."""
    import sqlite3
    from datetime import timedelta

    from queries.gateway import clear_caches
    from tests.conftest import copy_sample

    path = tmp_path / "edges.db"
    copy_sample(sample_db_url, path)
    url, asof = f"sqlite:///{path}", SAMPLE_UNTIL
    year, _ = income_year(url, asof)

    def figures() -> pd.DataFrame:
        clear_caches()
        return seed_indicators(url, EVERYTHING, COUNTY, "county", asof, year).set_index("code")

    def change(sql: str, *values) -> None:
        with sqlite3.connect(path) as connection:
            connection.execute(sql, values)

    loans = read_table(url, "assistance")
    loan = loans[(loans["kind"] == "micro_credit") & loans["overdue_on"].isna() & loans["ended_on"].isna()
                 & (pd.to_datetime(loans["started_on"]) <= pd.Timestamp(asof))].iloc[0]
    base = figures()
    change("UPDATE assistance SET overdue_on = ? WHERE id = ?", (asof + timedelta(days=1)).isoformat(), int(loan["id"]))
    assert figures().at["credit_overdue", "numerator"] == base.at["credit_overdue", "numerator"]
    change("UPDATE assistance SET overdue_on = ? WHERE id = ?", asof.isoformat(), int(loan["id"]))
    assert figures().at["credit_overdue", "numerator"] == base.at["credit_overdue", "numerator"] + loan["amount"]

    posts = loans[(loans["kind"] == "public_welfare_post") & loans["ended_on"].isna()
                  & (pd.to_datetime(loans["started_on"]) <= pd.Timestamp(asof))]
    post = int(posts["id"].iloc[0])
    change("UPDATE assistance SET ended_on = ? WHERE id = ?", asof.isoformat(), post)
    assert figures().at["welfare_posts", "numerator"] == base.at["welfare_posts", "numerator"]
    change("UPDATE assistance SET ended_on = ? WHERE id = ?", (asof - timedelta(days=1)).isoformat(), post)
    assert figures().at["welfare_posts", "numerator"] == base.at["welfare_posts", "numerator"] - 1
