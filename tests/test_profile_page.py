"""The household profile, the warning list and the compliance findings as the drill page shows them."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from labels import label_of, t
from queries.dataset import dataset_facts
from queries.scope import Scope
from queries.warnings import warning_counts
from sample_data.rule_breaks import RULE_BREAK_COUNTS
from tests.conftest import read_table, shown
from tests.test_app_pages import ASOF, COUNTY, all_text

AS_OF = date.fromisoformat(ASOF)


@pytest.fixture(scope="module")
def cases(sample_db_url):
    frame = read_table(sample_db_url, "monitoring_case")
    for column in ("identified_on", "eliminated_on"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame.merge(read_table(sample_db_url, "household"), left_on="household_id", right_on="id",
                       suffixes=("", "_household"))


def criteria_table(test: AppTest) -> pd.DataFrame:
    return next(table.value for table in test.table if t("pcol.criterion") in table.value.columns)


def test_recent_case_is_not_yet_eligible_and_says_why(app, cases):
    recent = cases[cases.eliminated_on.isna() & (cases.identified_on > AS_OF - timedelta(days=150))
                   & (cases.labor_capacity != "none")].iloc[0]
    test = app(household=str(recent.household_id))
    assert not test.exception
    table = criteria_table(test).set_index(t("pcol.criterion"))
    assert len(table) == 7
    stability = table.loc[t("criterion.stable_six_months")]
    assert stability[t("pcol.met")] == t("profile.not_met")
    assert str(recent.identified_on) in shown(stability[t("pcol.evidence")])  # cells arrive escaped
    unmet = (table[t("pcol.met")] == t("profile.not_met")).sum()
    assert t("profile.not_eligible", count=unmet) in all_text(test)
    text = all_text(test)
    assert t("profile.status_open", case_type=label_of("case_type", recent.case_type),
             since=recent.identified_on) in text


def test_household_without_labour_is_told_to_stay_monitored(app, cases):
    kept = cases[cases.eliminated_on.isna() & (cases.labor_capacity == "none")].iloc[0]
    test = app(household=str(kept.household_id))
    table = criteria_table(test).set_index(t("pcol.criterion"))
    assert table.loc[t("criterion.has_labor"), t("pcol.met")] == t("profile.not_met")
    assert t("profile.eligible") not in all_text(test)


def test_household_that_broke_a_rule_shows_the_finding(app, sample_db_url, cases):
    documented = json.loads(dataset_facts(sample_db_url)["rule_breaks"])
    case_id = documented["short_stability"][0]
    broken = cases.set_index("id").loc[case_id]
    test = app(household=str(broken.household_id))
    assert not test.exception
    assert label_of("compliance_rule", "short_stability") in "\n".join(e.value for e in test.error)


def test_county_shows_warning_and_compliance_counts(app, sample_db_url):
    test = app()
    assert not test.exception
    counts = warning_counts(sample_db_url, Scope(((COUNTY, "county"),), household_detail=True), COUNTY, "county", "county", AS_OF)
    labels = [tab.label for tab in test.tabs]
    assert f"{t('warning_list.heading')} {int(counts['total'].sum()):,}" in labels
    assert f"{t('compliance.heading')} {sum(RULE_BREAK_COUNTS.values())}" in labels
    metrics = {m.label: m.value for m in test.metric}
    for rule, expected in RULE_BREAK_COUNTS.items():
        assert metrics[label_of("compliance_rule", rule)] == str(expected)
    warnings = next(frame.value for frame in test.dataframe if "detail" in frame.value.columns
                    and "since" in frame.value.columns)
    assert len(warnings) == int(counts["total"].sum())
    assert warnings["link"].str.startswith("drill?").all() and warnings["link"].str.contains("household=").all()


def test_a_township_sees_only_its_own_findings(app, sample_db_url, cases):
    documented = {i for ids in json.loads(dataset_facts(sample_db_url)["rule_breaks"]).values() for i in ids}
    township = cases.set_index("id").loc[sorted(documented)[0], "village_code"][:9] + "000"
    mine = cases[cases.id.isin(documented) & cases.village_code.str.startswith(township[:9])]
    test = app(area=township)
    labels = [tab.label for tab in test.tabs]
    assert f"{t('compliance.heading')} {len(mine)}" in labels


def test_ticks_mean_one_thing_and_the_timeline_spans_the_case(app, cases, sample_db_url):
    """✓ marks a met criterion for ending monitoring only; a reason for monitoring is never ticked
    green; the timeline opens on the case's months, not on 2021 to today."""
    from components.profile_figures import build_timeline_figure

    # A reason shows when the income year (the latest with income, 2025: the sample's 2026 is
    # unfinished) has the household under the line: an open case identified in that year.
    incomes = read_table(sample_db_url, "household_income")
    year = int(incomes["year"].max())
    line = float(read_table(sample_db_url, "monitoring_line").set_index("year").at[year, "amount"])
    under = set(incomes[(incomes["year"] == year) & (incomes["per_capita_net"] < line)]["household_id"])
    recent = cases[cases.eliminated_on.isna() & cases.identified_on.map(lambda day: day.year == year)
                   & (cases.labor_capacity != "none") & cases.household_id.isin(under)].iloc[0]
    test = app(household=str(recent.household_id))
    assert not test.exception
    texts = [m.value for m in test.markdown]
    start = texts.index(f"**{t('profile.reasons_heading')}**")
    end = texts.index(f"**{t('profile.warnings_heading')}**")
    reasons = texts[start + 1:end]
    assert reasons and not any(t("profile.met") in line or t("profile.not_met") in line for line in reasons)
    assert any(line.startswith(f":red[**{t('profile.reason_present')}**]") for line in reasons)
    chart = next(c for c in test.get("plotly_chart") if '"barmode":"overlay"' in c.proto.spec.replace(" ", ""))
    x_range = json.loads(chart.proto.spec)["layout"]["xaxis"]["range"]
    assert date.fromisoformat(x_range[0][:10]) == recent.identified_on - timedelta(days=30)
    assert date.fromisoformat(x_range[1][:10]) == AS_OF + timedelta(days=30)
    empty = build_timeline_figure(cases.iloc[0:0], pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), AS_OF)
    assert list(empty.layout.xaxis.range) == ["2021-01-01", AS_OF.isoformat()]


def test_the_profile_names_the_households_low_income_categories(app, sample_db_url):
    # Issue 20: household status gains the 民政 categories where the data has them.
    measures = read_table(sample_db_url, "assistance")
    started, ended = pd.to_datetime(measures["started_on"]).dt.date, pd.to_datetime(measures["ended_on"]).dt.date
    held = measures[(measures["kind"] == "dibao") & (started <= AS_OF) & (ended.isna() | (ended >= AS_OF))]
    household = int(held["household_id"].iloc[0])
    facts = next(table.value for table in app(household=str(household)).table if len(table.value) >= 9)
    values = dict(zip(facts.iloc[:, 0].map(shown), facts.iloc[:, 1].map(shown)))
    assert label_of("low_income_category", "dibao") in values[t("col.low_income")]
    others = set(measures.loc[measures["kind"].isin(["dibao", "tekun"]), "household_id"])
    signals = read_table(sample_db_url, "signal")
    others |= set(signals.loc[signals["kind"] == "dibao_edge", "household_id"].dropna())
    plain = next(int(h) for h in cases_without(sample_db_url) if h not in others)
    facts = next(table.value for table in app(household=str(plain)).table if len(table.value) >= 9)
    values = dict(zip(facts.iloc[:, 0].map(shown), facts.iloc[:, 1].map(shown)))
    assert values[t("col.low_income")] == t("col.low_income_none")


def cases_without(url: str) -> list[int]:
    """Exited households, in id order (the profile of any of them is allowed at the county)."""
    households = read_table(url, "household")
    return households.loc[households["poverty_status"] == "exited", "id"].sort_values().tolist()
