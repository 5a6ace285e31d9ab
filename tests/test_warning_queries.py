"""Area warnings and compliance findings from SQL agree with the rules, household by household."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pandas as pd
import pytest

from queries.compliance import elimination_candidates
from queries.dataset import dataset_facts
from queries.coverage import low_income_overlap, measure_coverage
from queries.elimination_quality import elimination_quality
from queries.drill import figures_by_area, income_year
from queries.scope import Scope
from queries.warnings import area_warnings, warning_counts
from rules.compliance import compliance_findings
from rules.elimination import is_reentry
from rules.facts import household_facts
from rules.model import CaseFact
from rules.measures import has_paired_measure, measures_in_force
from rules.warnings import WARNING_RULES, household_warnings
from sample_data.rule_breaks import RULE_BREAK_COUNTS
from tests.conftest import SAMPLE_UNTIL, read_table

COUNTY = "429999000000"
EVERYTHING = Scope(roots=((COUNTY, "county"),), personal_detail=False, household_detail=True)
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


def _expected_coverage(tables, asof) -> dict[str, tuple[int, int, int]]:
    households, *records = tables
    cases, incomes, checks, measures, visits = _hide_future(asof, *records)
    groups = [frame.groupby("household_id") for frame in (cases, incomes, checks, measures, visits)]
    empty = [frame.iloc[0:0] for frame in (cases, incomes, checks, measures, visits)]
    counts: dict[str, list[int]] = {}
    for record in households[households.id.isin(cases.household_id)].itertuples(index=False):
        record = pd.Series(record._asdict())
        parts = [group.get_group(record.id) if record.id in group.groups else blank
                 for group, blank in zip(groups, empty)]
        facts = household_facts(record, *parts)
        for case in facts.cases:
            if not case.open_on(asof):
                continue
            row = counts.setdefault(facts.labor_capacity or "", [0, 0, 0])
            row[0] += 1
            row[1] += bool(measures_in_force(facts, case.identified_on, asof))
            row[2] += has_paired_measure(facts, case.identified_on, asof)
    return {labor: tuple(row) for labor, row in counts.items()}


@pytest.mark.parametrize("asof", AS_OF_DATES[:2])
def test_measure_coverage_equals_the_rules_on_every_engine(engine_db_url, tables, asof):
    coverage = measure_coverage(engine_db_url, EVERYTHING, COUNTY, "county", asof)
    found = {row.labor_capacity: (row.open_cases, row.in_force, row.paired) for row in coverage.itertuples()}
    expected = _expected_coverage(tables, asof)
    assert found == expected
    assert 0 < sum(row[1] for row in expected.values()) < sum(row[0] for row in expected.values())


def test_the_new_checks_find_a_realistic_handful_in_the_sample(sample_db_url):
    # Documented in the README like the planted rule breaks: emergent, not planted, so bounded.
    counts = warning_counts(sample_db_url, EVERYTHING, COUNTY, "county", "county", SAMPLE_UNTIL).iloc[0]
    open_cases = int(figures_by_area(sample_db_url, EVERYTHING, COUNTY, "county", "county", SAMPLE_UNTIL)
                     ["open_cases"].iloc[0])
    assert 1 <= counts["should_monitor"] <= 20
    assert 1 <= counts["no_safety_net"] <= 20
    assert 1 <= counts["open_without_measure"] <= open_cases // 2
    assert income_year(sample_db_url, SAMPLE_UNTIL)[0] == SAMPLE_UNTIL.year - 1  # the unfinished year has no income


@pytest.mark.parametrize("asof", AS_OF_DATES[:2])
def test_elimination_quality_equals_the_rules_on_every_engine(engine_db_url, tables, asof):
    cases = tables[1]
    cases = cases[cases.identified_on <= asof].copy()
    later = cases.eliminated_on.map(lambda day: day is not None and day > asof)
    cases.loc[later, ["eliminated_on", "elimination_kind"]] = None
    facts = {household_id: tuple(CaseFact(int(r.id), r.case_type, r.identified_on, r.eliminated_on, r.elimination_kind)
                                 for r in group.itertuples())
             for household_id, group in cases.groupby("household_id")}
    reentries = [case for household in facts.values() for case in household if is_reentry(case, household)]
    start = date(asof.year, 1, 1)
    figures = elimination_quality(engine_db_url, EVERYTHING, COUNTY, "county", asof)
    assert figures["identified"] == len(cases)
    assert figures["eliminated"] == int(cases.eliminated_on.notna().sum())
    assert figures["reentries"] == len(reentries) > 0
    assert figures["reentries_year"] == sum(case.identified_on >= start for case in reentries)
    assert figures["cumulative_share"] == round(100 * figures["eliminated"] / len(cases), 1)
    households = tables[0].set_index("id")["size"]
    still_open = cases[cases.eliminated_on.isna()]
    assert figures["open_people"] == int(households.loc[still_open.household_id].sum()) > 0


def test_low_income_overlap_matches_raw_rows_on_every_engine(engine_db_url, tables):
    households, cases, _, _, measures, _ = tables
    asof = SAMPLE_UNTIL
    known = cases[cases.identified_on <= asof]
    open_ids = set(known[known.eliminated_on.map(lambda day: day is None or day > asof)].household_id)
    status = {hid: "open" if hid in open_ids else "eliminated" for hid in known.household_id}
    held = measures[measures.kind.isin(["dibao", "tekun"]) & (measures.started_on <= asof)
                    & measures.ended_on.map(lambda day: day is None or day >= asof)]
    held = held.drop_duplicates(["kind", "household_id"])
    # 低保边缘 (issue 20): 民政's recognitions of the last year, received by the as-of date
    signals = read_table(engine_db_url, "signal")
    occurred = pd.to_datetime(signals["occurred_on"])
    edge = signals[(signals["department"] == "civil") & (signals["kind"] == "dibao_edge")
                   & signals["household_id"].notna() & (pd.to_datetime(signals["received_on"]) <= pd.Timestamp(asof))
                   & (occurred <= pd.Timestamp(asof)) & (occurred > pd.Timestamp(asof) - pd.Timedelta(days=365))]
    edge = edge.assign(household_id=edge["household_id"].astype(int)).drop_duplicates(["kind", "household_id"])
    expected = Counter((row.kind, status.get(row.household_id, "none")) for row in (*held.itertuples(), *edge.itertuples()))
    table = low_income_overlap(engine_db_url, EVERYTHING, COUNTY, "county", asof).set_index("category")
    assert list(table.index) == ["dibao", "tekun", "dibao_edge"]
    found = Counter({(kind, column): int(table.at[kind, column]) for kind in table.index
                     for column in ("open", "eliminated", "none") if table.at[kind, column]})
    assert found == expected and expected[("dibao", "none")] > 0 and expected[("dibao", "open")] > 0
    assert expected[("dibao_edge", "open")] > 0 and expected[("dibao_edge", "none")] > 0  # planted in the sample


def test_asset_income_use_equals_the_rule_on_every_engine(engine_db_url, sample_db_url):
    from queries.asset_income import asset_income_use
    from rules.assets import handed_out

    uses = read_table(sample_db_url, "asset_income_use")
    year = int(uses["year"][uses["year"] <= SAMPLE_UNTIL.year].max())
    assert year == SAMPLE_UNTIL.year - 1
    of_year = uses[uses["year"] == year]
    expected = sorted(int(asset_id) for asset_id, group in of_year.groupby("asset_id")
                      if handed_out(dict(zip(group["use"], group["amount"]))))
    found = asset_income_use(engine_db_url, EVERYTHING, COUNTY, "county", SAMPLE_UNTIL)
    assert found["year"] == year and found["handed_out"] == expected and 0 < len(expected) < 20
    assert found["by_use"] == pytest.approx(of_year.groupby("use")["amount"].sum().to_dict())


def test_yearly_warnings_show_their_year_not_the_as_of_date(sample_db_url):
    """收入跌破监测线 and 刚性支出骤增 rest on a year's figures: 触发日期 names the year; events keep their day."""
    from components.warning_list import YEARLY_RULES, build_warning_table
    from labels import t

    scope = Scope(roots=((COUNTY, "county"),), personal_detail=False, household_detail=True)
    found = area_warnings(sample_db_url, scope, COUNTY, "county", SAMPLE_UNTIL, limit=NO_CAP)
    table = build_warning_table(found, pd.Series(dtype=str), lambda household_id: {})
    yearly = found["rule"].isin(YEARLY_RULES)
    assert yearly.any() and (~yearly).any()
    for since, values in zip(table.loc[yearly, "since"], found.loc[yearly, "values"]):
        assert since == t("warning_list.yearly_since", year=values["year"])
    assert SAMPLE_UNTIL.isoformat() not in set(table.loc[yearly, "since"])
    assert table.loc[~yearly, "since"].tolist() == [d.isoformat() for d in found.loc[~yearly, "since"]]


def test_the_overlap_table_names_the_three_low_income_categories(sample_db_url):
    from components.coverage import build_overlap_table

    table = build_overlap_table(low_income_overlap(sample_db_url, EVERYTHING, COUNTY, "county", SAMPLE_UNTIL))
    assert list(table["category"]) == ["低保对象", "特困人员", "低保边缘家庭"]


def test_an_event_warning_starts_on_the_date_its_list_orders_by():
    # The warning register keeps one date per row (db.rollups: `newest`) and counts "new this week"
    # from it: that holds only while each event rule's start is the column its list orders by.
    from db.warning_sql import EVENT_START, NEWEST_BY

    assert {code: column for code, (column, _lag) in EVENT_START.items()} == {
        code: NEWEST_BY[code] for code in EVENT_START}
    assert set(NEWEST_BY) == set(WARNING_RULES)
