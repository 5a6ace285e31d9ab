"""Area warnings and compliance findings from SQL agree with the rules, household by household."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pandas as pd
import pytest

from queries.compliance import elimination_candidates
from queries.dataset import dataset_facts
from queries.drill import income_year
from queries.scope import Scope
from queries.warnings import area_warnings, warning_counts
from rules.compliance import compliance_findings
from rules.facts import household_facts
from rules.warnings import WARNING_RULES, household_warnings
from sample_data.rule_breaks import RULE_BREAK_COUNTS
from tests.conftest import SAMPLE_UNTIL, read_table

COUNTY = "429999000000"
EVERYTHING = Scope(roots=((COUNTY, "county"),), personal_detail=False)
NO_CAP = 10**9
AS_OF_DATES = (SAMPLE_UNTIL, date(2024, 6, 30), date(2023, 8, 15), date(2025, 10, 31))
FIRED_RULES: set[str] = set()


def _as_dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).dt.date.astype(object).where(frame[column].notna(), None)
    return frame


@pytest.fixture(scope="module")
def tables(sample_db_url):
    """Every table the warnings read, straight from the file (not through the app's queries)."""
    cases = _as_dates(read_table(sample_db_url, "monitoring_case"), "identified_on", "eliminated_on")
    incomes = read_table(sample_db_url, "household_income").merge(
        read_table(sample_db_url, "monitoring_line").rename(columns={"amount": "line"}), on="year", how="left")
    checks = _as_dates(read_table(sample_db_url, "guarantee_check"), "checked_on", "resolved_on")
    measures = _as_dates(read_table(sample_db_url, "assistance"), "started_on", "ended_on")
    visits = _as_dates(read_table(sample_db_url, "visit"), "visited_on")
    return read_table(sample_db_url, "household"), cases, incomes, checks, measures, visits


def _hide_future(asof, cases, incomes, checks, measures, visits):
    """The records as they stood on the as-of date, the way the profile queries show them."""
    cases = cases[cases.identified_on <= asof].copy()
    later = cases.eliminated_on.map(lambda day: day is not None and day > asof)
    cases.loc[later, ["eliminated_on", "elimination_kind"]] = None
    checks = checks[checks.checked_on <= asof].copy()
    checks["resolved_on"] = checks.resolved_on.map(lambda day: day if day is not None and day <= asof else None)
    measures = measures[measures.started_on <= asof].copy()
    measures["ended_on"] = measures.ended_on.map(lambda day: day if day is not None and day <= asof else None)
    return cases, incomes[incomes.year <= asof.year], checks, measures, visits[visits.visited_on <= asof]


def _expected_warnings(sample_db_url, tables, asof) -> Counter:
    households, *records = tables
    cases, incomes, checks, measures, visits = _hide_future(asof, *records)
    year, _ = income_year(sample_db_url, asof)
    groups = [frame.groupby("household_id") for frame in (cases, incomes, checks, measures, visits)]
    empty = [frame.iloc[0:0] for frame in (cases, incomes, checks, measures, visits)]
    fired = Counter()
    for record in households.itertuples(index=False):
        record = pd.Series(record._asdict())
        parts = [group.get_group(record.id) if record.id in group.groups else blank
                 for group, blank in zip(groups, empty)]
        facts = household_facts(record, *parts)
        fired.update((facts.household_id, check.code) for check in household_warnings(facts, asof, year))
    return fired


@pytest.mark.parametrize("asof", AS_OF_DATES)
def test_area_warnings_equal_the_rules_applied_to_every_household(sample_db_url, tables, asof):
    expected = _expected_warnings(sample_db_url, tables, asof)
    found = area_warnings(sample_db_url, EVERYTHING, COUNTY, "county", asof, limit=NO_CAP)
    assert Counter(zip(found.household_id, found.rule)) == expected
    FIRED_RULES.update(rule for _, rule in expected)


def test_every_rule_fires_on_some_date_of_the_sample():
    # Runs after the parametrised comparison above: the comparison must not be vacuous for any rule.
    assert FIRED_RULES == set(WARNING_RULES)


def test_warning_counts_match_the_list_and_roll_up(sample_db_url):
    listed = area_warnings(sample_db_url, EVERYTHING, COUNTY, "county", SAMPLE_UNTIL, limit=NO_CAP)
    by_township = warning_counts(sample_db_url, EVERYTHING, COUNTY, "county", "township", SAMPLE_UNTIL)
    county = warning_counts(sample_db_url, EVERYTHING, COUNTY, "county", "county", SAMPLE_UNTIL)
    assert county.loc[COUNTY, list(WARNING_RULES)].to_dict() == {
        rule: int((listed.rule == rule).sum()) for rule in WARNING_RULES}
    assert by_township.sum().to_dict() == county.sum().to_dict()
    assert county.at[COUNTY, "total"] == len(listed) > 0


def test_warning_list_is_capped_newest_first_and_masked(sample_db_url, tables):
    capped = area_warnings(sample_db_url, EVERYTHING, COUNTY, "county", SAMPLE_UNTIL, limit=2)
    assert capped.groupby("rule").size().max() <= 2
    assert capped.since.is_monotonic_decreasing
    raw_names = set(tables[0].head_name)
    assert not raw_names & set(capped.head_name)


def test_engines_agree_on_warnings_and_findings(engine_db_url, sample_db_url):
    for asof in AS_OF_DATES[:2]:
        mine = area_warnings(engine_db_url, EVERYTHING, COUNTY, "county", asof, limit=NO_CAP)
        reference = area_warnings(sample_db_url, EVERYTHING, COUNTY, "county", asof, limit=NO_CAP)
        key = ["household_id", "rule", "since"]
        assert mine.sort_values(key)[key].values.tolist() == reference.sort_values(key)[key].values.tolist()
    findings = compliance_findings(elimination_candidates(engine_db_url, EVERYTHING, COUNTY, "county", SAMPLE_UNTIL))
    assert Counter(findings.rule) == RULE_BREAK_COUNTS


def test_compliance_findings_are_exactly_the_documented_rule_breaks(sample_db_url):
    documented = json.loads(dataset_facts(sample_db_url)["rule_breaks"])
    findings = compliance_findings(elimination_candidates(sample_db_url, EVERYTHING, COUNTY, "county", SAMPLE_UNTIL))
    found = {rule: sorted(group.case_id) for rule, group in findings.groupby("rule")}
    assert found == documented
    assert {rule: len(ids) for rule, ids in found.items()} == RULE_BREAK_COUNTS


def test_compliance_as_of_an_earlier_date_sees_only_earlier_eliminations(sample_db_url):
    early = date(2023, 1, 1)
    findings = compliance_findings(elimination_candidates(sample_db_url, EVERYTHING, COUNTY, "county", early))
    assert (findings.eliminated_on <= early).all()
    documented = {i for ids in json.loads(dataset_facts(sample_db_url)["rule_breaks"]).values() for i in ids}
    assert set(findings.case_id) <= documented


def test_narrow_areas_find_the_same_warnings_and_findings_as_the_county(engine_db_url):
    # Below county level the date filters are written so the engine starts from the area's
    # households; the answer must not change.
    county = area_warnings(engine_db_url, EVERYTHING, COUNTY, "county", SAMPLE_UNTIL, limit=NO_CAP)
    findings = compliance_findings(elimination_candidates(engine_db_url, EVERYTHING, COUNTY, "county", SAMPLE_UNTIL))
    for village in sorted(set(county.village_code))[:3]:
        township = village[:9] + "000"
        for code, level in ((township, "township"), (village, "village")):
            mine = area_warnings(engine_db_url, EVERYTHING, code, level, SAMPLE_UNTIL, limit=NO_CAP)
            prefix = code[:9] if level == "township" else code
            inside = county[county.village_code.str.startswith(prefix)]
            assert Counter(zip(mine.household_id, mine.rule)) == Counter(zip(inside.household_id, inside.rule))
            found = compliance_findings(elimination_candidates(engine_db_url, EVERYTHING, code, level, SAMPLE_UNTIL))
            expected = findings[findings.village_code.str.startswith(prefix)]
            assert sorted(found.case_id) == sorted(expected.case_id)
