"""Rollup tables: the same figures as the row queries (the oracle) on every engine, at several dates;
an import refreshes only its villages and ends where a full rebuild ends; pages say how fresh."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import delete, func, insert, or_, select

from db.engine import make_engine
from db.imports.ledger import import_ledger
from db.rollup_schema import (rollup_bad_id, rollup_case_mix, rollup_case_spell, rollup_finding, rollup_income_bin,
                              rollup_problem_spell,
                              rollup_shared_id, rollup_state, rollup_under_line, rollup_village, rollup_village_unit,
                              rollup_warning, rollup_warning_row, rollup_day_figure, rollup_case_month,
                              rollup_problem_month, rollup_income_bin_area)
from db.rollups import CASE_SPELLS, rebuild, refresh_villages
from db.schema import area, case_risk, household, household_income, metadata, monitoring_case, monitoring_line
from queries.area_query import AreaQuery
from queries.drill import figures_by_area, income_year, village_figures
from queries.elimination_quality import elimination_quality
from queries.gateway import clear_caches
from queries.map import map_figures, village_map_part
from queries.overview import case_flows_by_village, weekly_cases, weekly_open_problems
from queries.trend_income import BIN_YUAN, income_distribution
from queries.rollups import rollup_freshness, use_rollup
from queries.scope import Scope
from queries.trend_cases import case_flows
from queries.trend_checks import problem_flows
from queries import compliance as compliance_queries
from queries import coverage as coverage_queries
from queries import seed_indicators as seed_queries
from queries import quality as quality_queries
from queries import warnings as warning_queries
from queries.seed_indicators import seed_indicators
from queries.risk import RiskFilter, cases_by_risk_type, new_cases_by_month, open_cases_by_village
from rules.calendar import Period
from tests.conftest import build_sample, copy_sample

# A mid-month as-of day (the sample's last), a month end, a year end and a mid-year day.
ASOF_DATES = (dt.date(2026, 11, 20), dt.date(2026, 10, 31), dt.date(2025, 12, 31), dt.date(2024, 6, 15))
FIRST = dt.date(2021, 1, 1)


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def own_sample(request, sample_db_url, server_database, tmp_path_factory) -> str:
    """A sample database of this module's own (rollups built here must not change other tests)."""
    if request.param == "sqlite":
        target = tmp_path_factory.mktemp("rollup") / "sample.db"
        copy_sample(sample_db_url, target)
        return f"sqlite:///{target}"
    return build_sample(server_database(request.param, "rollup"))


def _top(url: str) -> tuple[str, str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        row = connection.execute(select(area.c.code, area.c.level).where(area.c.parent_code.is_(None))).first()
    engine.dispose()
    return row.code, row.level


def _first_township(url: str, top: str) -> str:
    engine = make_engine(url)
    with engine.connect() as connection:
        code = connection.execute(select(func.min(area.c.code)).where(area.c.level == "township",
                                                                       area.c.code.like(f"{top[:4]}%"))).scalar()
    engine.dispose()
    return code


def _all_flows(url: str) -> dict:
    """Every frame the pages ask for, per date, breakdown and grouping level: the trends' case and
    problem flows, the drill's (and map's and cockpit's) village figures at the top and at a
    township, the cockpit's weekly series and per-village flows, the map's flows part."""
    code, level = _top(url)
    township = _first_township(url, code)
    scope = Scope(roots=((code, level),), household_detail=True)
    clear_caches()
    frames = {}
    for asof in ASOF_DATES:
        for at, at_level in ((code, level), (township, "township")):
            frames[asof, "village_figures", at] = village_figures(url, scope, at, at_level, asof)
            for group in dict.fromkeys((at_level, "township", "village")):
                frames[asof, "figures_by_area", at, group] = figures_by_area(url, scope, at, at_level, group, asof)
                frames[asof, "map_figures", at, group] = map_figures(url, scope, at, at_level, group, asof, ("base",))
            frames[asof, "weekly_cases", at] = weekly_cases(url, scope, at, at_level, asof)
            frames[asof, "weekly_problems", at] = weekly_open_problems(url, scope, at, at_level, asof)
            frames[asof, "map_flows", at] = village_map_part(url, scope, at, at_level, asof, "flows")
            frames[asof, "map_tasks", at] = village_map_part(url, scope, at, at_level, asof, "tasks")
            frames[asof, "quality", at] = pd.DataFrame([elimination_quality(url, scope, at, at_level, asof)])
            frames[asof, "income", at] = income_distribution(url, scope, at, at_level, FIRST.year, asof.year)
            for days in (7, 30, 365):
                frames[asof, "village_flows", at, days] = case_flows_by_village(
                    AreaQuery(url, scope, at, at_level, asof), asof - dt.timedelta(days=days))
        for split in ("case_type", "risk"):
            for group in (level, "township", "village"):
                frames[asof, split, group] = case_flows(url, scope, code, level, group, Period(FIRST, asof), split)
        frames[asof, "problems"] = problem_flows(url, scope, code, level, Period(FIRST, asof))
        frames[asof, "since_month"] = case_flows(url, scope, code, level, "township",
                                                 Period(asof.replace(day=1), asof))
    return frames


def test_rollup_figures_equal_the_row_queries_at_several_dates(own_sample):
    code, level = _top(own_sample)
    engine = make_engine(own_sample)
    metadata.create_all(engine)
    assert not use_rollup(own_sample, CASE_SPELLS, level), "never built: the pages read the rows"
    oracle = _all_flows(own_sample)
    rebuild(engine)
    engine.dispose()
    clear_caches()
    assert use_rollup(own_sample, CASE_SPELLS, level)
    assert not use_rollup(own_sample, CASE_SPELLS, "village"), "below the township the pages read the rows"
    from_rollup = _all_flows(own_sample)
    assert sum(int(frame["identified"].sum()) for frame in oracle.values() if "identified" in frame) > 0
    assert sum(int(frame["found"].sum()) for frame in oracle.values() if "found" in frame) > 0
    for column in ("households", "exited", "open_people", "open_problems", "new_cases_year", "eliminated", "under_line"):
        assert int(oracle[ASOF_DATES[0], "village_figures", code][column].sum()) > 0, column
    assert int(oracle[ASOF_DATES[0], "income", code]["under_line"].sum()) > 0
    assert oracle[ASOF_DATES[0], "map_tasks", code]["task_rank"].notna().sum() > 0
    assert int(oracle[ASOF_DATES[0], "quality", code]["reentries"].iloc[0]) > 0
    assert sum(int(frame["new_cases"].sum()) for frame in oracle.values() if "new_cases" in frame) > 0
    assert sum(int(frame["new_cases_4w"].sum()) for frame in oracle.values() if "new_cases_4w" in frame) > 0
    for key, expected in oracle.items():
        pd.testing.assert_frame_equal(from_rollup[key], expected, obj=str(key))


def _trend_frames(url: str, asof: dt.date) -> dict:
    """The trends page's case flows (by the top area and by township, both breakdowns) and problem
    flows at the top area and a township, and the income distribution at the top area."""
    code, level = _top(url)
    township = _first_township(url, code)
    scope = Scope(roots=((code, level),), household_detail=True)
    clear_caches()
    frames = {}
    for at, at_level in ((code, level), (township, "township")):
        for split in ("case_type", "risk"):
            for group in dict.fromkeys((at_level, "township")):
                frames[at, split, group] = case_flows(url, scope, at, at_level, group, Period(FIRST, asof), split)
        frames[at, "problems"] = problem_flows(url, scope, at, at_level, Period(FIRST, asof))
    # A township sums its villages' bins (db.rollups.INCOME_GRAINS): the county and above read their own.
    frames[code, "income"] = income_distribution(url, scope, code, level, FIRST.year, asof.year)
    for group in (level, "township"):  # the drill's tiles and children table
        frames[code, "figures", group] = figures_by_area(url, scope, code, level, group, asof)
    return frames


@pytest.mark.parametrize("asof", [ASOF_DATES[0], ASOF_DATES[3]])
def test_the_trends_above_village_level_read_the_coarse_rollups(own_sample, asof):
    # With the village spells of every month but the as-of day's gone, and no village income bins,
    # the trends still give the row queries' answer: they came from the per-area month spells and bins.
    engine = make_engine(own_sample)
    rebuild(engine)
    oracle = _trend_frames(own_sample, asof)
    first = asof.replace(day=1)
    case_spell, problem_spell = rollup_case_spell.c, rollup_problem_spell.c
    with engine.begin() as connection:
        spells = connection.execute(select(func.count()).select_from(rollup_case_spell)).scalar()
        coarse = connection.execute(select(func.count()).select_from(rollup_case_month)
                                    .where(rollup_case_month.c.grain == "county")).scalar()
        removed = connection.execute(delete(rollup_case_spell).where(
            case_spell.identified_on < first, or_(case_spell.eliminated_on.is_(None),
                                                  case_spell.eliminated_on < first))).rowcount
        connection.execute(delete(rollup_case_spell).where(case_spell.identified_on > asof))
        connection.execute(delete(rollup_problem_spell).where(
            problem_spell.checked_on < first, or_(problem_spell.resolved_on.is_(None),
                                                  problem_spell.resolved_on < first)))
        connection.execute(delete(rollup_income_bin))
    try:
        assert removed > 0
        found = _trend_frames(own_sample, asof)
        assert sum(int(frame["identified"].sum()) for frame in oracle.values() if "identified" in frame) > 0
        for key, expected in oracle.items():
            pd.testing.assert_frame_equal(found[key], expected, obj=str(key))
        assert 0 < coarse < spells  # fewer rows than the village spells they stand for
    finally:
        rebuild(engine)
        engine.dispose()
        clear_caches()


def _risk_filters(asof: dt.date) -> list[RiskFilter]:
    """All cases; one risk type; two case types with two risk types (one with an underscore, which
    LIKE would take for a wildcard); a one-month window."""
    return [RiskFilter(start=FIRST, end=asof),
            RiskFilter(risk_codes=("illness",), start=FIRST, end=asof),
            RiskFilter(case_types=("sudden", "marginal"), risk_codes=("disability", "business_failure"),
                       start=dt.date(2023, 1, 1), end=asof),
            RiskFilter(start=asof.replace(day=1), end=asof)]


def _risk_figures(url: str) -> dict:
    """The risk page's series at the top and at a township, by every grouping level, rows sorted."""
    code, level = _top(url)
    township = _first_township(url, code)
    scope = Scope(roots=((code, level),), household_detail=True)
    figures = {}
    for asof in ASOF_DATES:
        for number, flt in enumerate(_risk_filters(asof)):
            for at, at_level in ((code, level), (township, "township")):
                figures[asof, number, at, "open"] = open_cases_by_village(url, scope, at, at_level, asof, flt).sort_index()
                for group in (at_level, "township", "village"):
                    by_type = cases_by_risk_type(url, scope, at, at_level, group, flt)
                    figures[asof, number, at, group, "types"] = by_type.sort_values(
                        ["area_code", "risk_code"]).reset_index(drop=True)
                    monthly = new_cases_by_month(url, scope, at, at_level, group, flt)
                    figures[asof, number, at, group, "months"] = monthly.sort_values(
                        ["area_code", "month"]).reset_index(drop=True)
    return figures


def test_the_risk_page_series_from_the_rollup_equal_the_row_queries(own_sample):
    engine = make_engine(own_sample)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(rollup_state.delete())  # whatever an earlier test built: read the rows first
    clear_caches()
    code, level = _top(own_sample)
    assert not use_rollup(own_sample, CASE_SPELLS, level)
    oracle = _risk_figures(own_sample)
    rebuild(engine)
    engine.dispose()
    clear_caches()
    assert use_rollup(own_sample, CASE_SPELLS, level)
    from_rollup = _risk_figures(own_sample)
    first = ASOF_DATES[0]
    assert int(oracle[first, 0, code, "open"].sum()) > 0
    assert 0 < int(oracle[first, 2, code, level, "types"]["cases"].sum()) < int(oracle[first, 0, code, level, "types"]["cases"].sum())
    assert int(oracle[first, 2, code, level, "types"]["risk_code"].eq("business_failure").sum()) > 0
    for key, expected in oracle.items():
        if isinstance(expected, pd.Series):
            pd.testing.assert_series_equal(from_rollup[key], expected, obj=str(key))
        else:
            pd.testing.assert_frame_equal(from_rollup[key], expected, obj=str(key))


def _finding_figures(url: str) -> dict:
    """The findings counts per rule (drill tab, briefing) at the top and at a township."""
    code, level = _top(url)
    township = _first_township(url, code)
    scope = Scope(roots=((code, level),), household_detail=True)
    return {(asof, at): compliance_queries.finding_counts(url, scope, at, at_level, asof)
            for asof in ASOF_DATES for at, at_level in ((code, level), (township, "township"))}


def test_the_findings_rollup_counts_what_the_rules_find(own_sample):
    engine = make_engine(own_sample)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(rollup_state.delete())
    clear_caches()
    oracle = _finding_figures(own_sample)
    rebuild(engine)
    engine.dispose()
    clear_caches()
    code, level = _top(own_sample)
    assert use_rollup(own_sample, CASE_SPELLS, level)
    from_rollup = _finding_figures(own_sample)
    assert all(oracle[ASOF_DATES[0], code][rule_code] > 0 for rule_code in compliance_queries.PROCEDURAL_RULES)
    assert from_rollup == oracle


def _quality_figures(url: str) -> dict:
    """The quality page's counts (per child area) and its household checks' lists, at the top and a
    township."""
    code, level = _top(url)
    township = _first_township(url, code)
    scope = Scope(roots=((code, level),), household_detail=True)
    asof = ASOF_DATES[0]
    figures = {}
    for at, at_level, child_level in ((code, level, "township"), (township, "township", "village")):
        figures[at, "counts"] = quality_queries.quality_checks(url, scope, at, at_level, child_level, asof)
        for check in quality_queries.HOUSEHOLD_CHECKS:
            figures[at, check] = quality_queries.check_list(url, scope, check, at, at_level, asof, limit=10_000)
    return figures


def _assert_same_quality(from_rollup: dict, oracle: dict) -> None:
    assert from_rollup.keys() == oracle.keys()
    for key, frame in oracle.items():
        pd.testing.assert_frame_equal(from_rollup[key], frame, obj=str(key))


def _heads(engine, count: int) -> list:
    with engine.connect() as connection:
        firsts = connection.execute(select(func.min(household.c.id)).where(household.c.id_number.is_not(None))
                                    .group_by(household.c.village_code).order_by(household.c.village_code)).scalars()
        ids = list(firsts)[:count]
        return connection.execute(select(household.c.id, household.c.village_code, household.c.id_number)
                                  .where(household.c.id.in_(ids)).order_by(household.c.id)).all()


def _set_id(engine, household_id: int, number: str) -> None:
    with engine.begin() as connection:
        connection.execute(household.update().where(household.c.id == household_id).values(id_number=number))


def _wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def _open_case_households(engine, asof: dt.date, count: int) -> list:
    c = monitoring_case.c
    with engine.connect() as connection:
        return connection.execute(select(c.id, c.household_id).where(
            c.identified_on <= asof, or_(c.eliminated_on.is_(None), c.eliminated_on > asof))
            .order_by(c.id).limit(count)).all()


def test_the_quality_rollups_find_the_households_the_checks_find(own_sample, monkeypatch):
    engine = make_engine(own_sample)
    metadata.create_all(engine)
    heads = _heads(engine, 4)
    no_risk, no_income = _open_case_households(engine, ASOF_DATES[0], 2)
    year = income_year(own_sample, ASOF_DATES[0])[0]
    with engine.connect() as connection:
        risks = [row._asdict() for row in
                 connection.execute(select(case_risk).where(case_risk.c.case_id == no_risk.id))]
        incomes = [row._asdict() for row in connection.execute(select(household_income).where(
            household_income.c.household_id == no_income.household_id, household_income.c.year == year))]
        size = connection.execute(select(household.c.size).where(household.c.id == heads[2].id)).scalar()
    assert risks and incomes
    try:  # the sample has none of these problems: plant them (a household's village is a foreign key)
        _set_id(engine, heads[0].id, _wrong_check_digit(heads[0].id_number))
        _set_id(engine, heads[1].id, heads[3].id_number)
        with engine.begin() as connection:
            connection.execute(household.update().where(household.c.id == heads[2].id).values(size=size + 1))
            connection.execute(delete(case_risk).where(case_risk.c.case_id == no_risk.id))
            connection.execute(delete(household_income).where(
                household_income.c.household_id == no_income.household_id, household_income.c.year == year))
            connection.execute(rollup_state.delete())
        clear_caches()
        oracle = _quality_figures(own_sample)
        code, _level = _top(own_sample)
        for check in quality_queries.HOUSEHOLD_CHECKS:
            if check != "household_no_village":
                assert oracle[code, "counts"][check].sum() > 0 and len(oracle[code, check]) > 0, check
        rebuild(engine, days=ASOF_DATES[:1])
        clear_caches()

        def rows_checked(*args, **kwargs):
            raise AssertionError("a check above village level looked at every household")

        monkeypatch.setattr(quality_queries, "check_conditions", rows_checked)
        _assert_same_quality(_quality_figures(own_sample), oracle)
    finally:
        for head in heads:
            _set_id(engine, head.id, head.id_number)
        with engine.begin() as connection:
            connection.execute(household.update().where(household.c.id == heads[2].id).values(size=size))
            connection.execute(delete(case_risk).where(case_risk.c.case_id == no_risk.id))
            connection.execute(insert(case_risk), risks)
            connection.execute(delete(household_income).where(
                household_income.c.household_id == no_income.household_id, household_income.c.year == year))
            connection.execute(insert(household_income), incomes)
        rebuild(engine)
        engine.dispose()
        clear_caches()


def test_a_day_with_nothing_to_find_is_still_held(own_sample, monkeypatch):
    # The sample has no open case without a risk type: the day's rollup finds none, and the page
    # must still read it (0), not fall back to checking every household.
    engine = make_engine(own_sample)
    rebuild(engine, days=ASOF_DATES[:1])
    engine.dispose()
    clear_caches()

    def rows_checked(*args, **kwargs):
        raise AssertionError("a check above village level looked at every household")

    monkeypatch.setattr(quality_queries, "check_conditions", rows_checked)
    code, level = _top(own_sample)
    scope = Scope(roots=((code, level),), household_detail=True)
    counts = quality_queries.quality_checks(own_sample, scope, code, level, "township", ASOF_DATES[0])
    assert counts["open_case_no_risk"].sum() == 0


def test_refreshing_one_village_follows_an_id_number_to_the_other_villages_that_hold_it(own_sample):
    """A number given to a household of village A that a household of village B holds flags B too,
    though only A is refreshed; taking it back clears B again. Each refresh ends where a rebuild ends."""
    engine = make_engine(own_sample)
    metadata.create_all(engine)
    rebuild(engine)
    first, second = _heads(engine, 2)
    assert first.village_code != second.village_code

    def refreshed_equals_rebuilt(changed_village: str) -> list:
        refresh_villages(engine, [changed_village])
        refreshed = _rollup_rows(engine)
        rebuild(engine)
        assert refreshed == _rollup_rows(engine)
        return [row for row in refreshed if row[0] == rollup_shared_id.name and row[1] == second.id_number]

    try:
        _set_id(engine, first.id, second.id_number)
        shared = refreshed_equals_rebuilt(first.village_code)
        assert {(row[2], row[3]) for row in shared} == {(first.id, first.village_code), (second.id, second.village_code)}
        _set_id(engine, first.id, first.id_number)
        assert refreshed_equals_rebuilt(first.village_code) == []
        _set_id(engine, first.id, _wrong_check_digit(first.id_number))
        refresh_villages(engine, [first.village_code])
        with engine.connect() as connection:
            assert (first.village_code, first.id) in set(connection.execute(select(rollup_bad_id)).all())
    finally:
        _set_id(engine, first.id, first.id_number)
        rebuild(engine)
        engine.dispose()
        clear_caches()


def test_a_capped_findings_list_is_the_head_of_the_whole_list(own_sample, monkeypatch):
    code, level = _top(own_sample)
    scope = Scope(roots=((code, level),), household_detail=True)
    clear_caches()
    whole = compliance_queries.area_findings(own_sample, scope, code, level, ASOF_DATES[0])
    assert len(whole) > 5
    monkeypatch.setattr(compliance_queries, "PAGE_ROWS", 7)  # many pages, some without a finding
    for limit in (0, 1, 5, len(whole) + 5):
        clear_caches()
        capped = compliance_queries.area_findings(own_sample, scope, code, level, ASOF_DATES[0], limit)
        pd.testing.assert_frame_equal(capped, whole.head(limit).reset_index(drop=True), check_dtype=limit > 0,
                                      obj=f"limit {limit}")


def _warning_figures(url: str) -> dict:
    """The warning counts the cockpit, map, drill, risk page and briefing ask for, at the top and at a
    township, by every grouping level."""
    code, level = _top(url)
    township = _first_township(url, code)
    scope = Scope(roots=((code, level),), household_detail=True)
    figures = {}
    for asof in ASOF_DATES:
        for at, at_level in ((code, level), (township, "township")):
            for group in (at_level, "township", "village"):
                figures[asof, at, group] = warning_queries.warning_counts(url, scope, at, at_level, group, asof)
            figures[asof, at, "new"] = warning_queries.new_warning_counts(url, scope, at, at_level, asof)
            for limit in (3, warning_queries.LIST_LIMIT):  # cut short, and whole
                figures[asof, at, "list", limit] = warning_queries.area_warnings(url, scope, at, at_level, asof,
                                                                                 limit=limit)
            for rule_code in warning_queries.WARNING_RULES:
                figures[asof, at, rule_code] = warning_queries.rule_count(url, scope, at, at_level, asof, rule_code)
    return figures


def test_the_warning_rollup_equals_the_row_queries_on_the_days_it_holds(own_sample, monkeypatch):
    engine = make_engine(own_sample)
    metadata.create_all(engine)
    clear_caches()
    assert not set(ASOF_DATES) & warning_queries.rollup_days(own_sample)
    oracle = _warning_figures(own_sample)
    rebuild(engine, days=ASOF_DATES)
    engine.dispose()
    clear_caches()
    assert warning_queries.rollup_days(own_sample) == set(ASOF_DATES)

    def rows_read(*args, **kwargs):
        raise AssertionError("a count or list above village level read every firing household row")

    monkeypatch.setattr(warning_queries, "_firing", rows_read)
    from_rollup = _warning_figures(own_sample)
    code, _level = _top(own_sample)
    assert int(oracle[ASOF_DATES[0], code, "township"]["total"].sum()) > 0
    assert sum(sum(oracle[asof, code, "new"].values()) for asof in ASOF_DATES) > 0
    assert sum(oracle[asof, code, "should_monitor"] for asof in ASOF_DATES) > 0
    short, whole = oracle[ASOF_DATES[0], code, "list", 3], oracle[ASOF_DATES[0], code, "list", warning_queries.LIST_LIMIT]
    assert len(whole) > len(short) > 0  # the cut falls inside some rule's rows
    for key, expected in oracle.items():
        if isinstance(expected, pd.DataFrame):
            pd.testing.assert_frame_equal(from_rollup[key], expected, obj=str(key))
        else:
            assert from_rollup[key] == expected, key
    monkeypatch.undo()
    # The list is the register's: a rule's rows gone from it leave the list (the counts stay, from
    # rollup_warning), so no list above village level is drawn from the area's facts.
    engine = make_engine(own_sample)
    with engine.begin() as connection:
        connection.execute(delete(rollup_warning_row).where(rollup_warning_row.c.day == ASOF_DATES[0],
                                                            rollup_warning_row.c.rule == "income_below_line"))
    engine.dispose()
    clear_caches()
    scope = Scope(roots=((code, _level),), household_detail=True)
    listed = warning_queries.area_warnings(own_sample, scope, code, _level, ASOF_DATES[0])
    assert (whole["rule"] == "income_below_line").any() and not (listed["rule"] == "income_below_line").any()
    pd.testing.assert_frame_equal(listed, whole[whole["rule"] != "income_below_line"].reset_index(drop=True))
    assert warning_queries.rule_count(own_sample, scope, code, _level, ASOF_DATES[0], "income_below_line") > 0
    engine = make_engine(own_sample)
    rebuild(engine, days=ASOF_DATES)
    engine.dispose()
    clear_caches()
    other_day = ASOF_DATES[0] - dt.timedelta(days=1)  # not built: the rows answer
    assert warning_queries._from_rollup(own_sample, scope, code, _level, other_day) is None


def _day_figures(url: str) -> dict:
    """The seeds' indicators (trends, briefing), measure coverage and low-income overlap (drill) at
    the top and at a township on every date."""
    code, level = _top(url)
    scope = Scope(roots=((code, level),), household_detail=True)
    figures = {}
    for asof in ASOF_DATES:
        year = income_year(url, asof)[0]
        for at, at_level in ((code, level), (_first_township(url, code), "township")):
            figures[asof, at, "seed"] = seed_indicators(url, scope, at, at_level, asof, year)
            figures[asof, at, "coverage"] = coverage_queries.measure_coverage(url, scope, at, at_level, asof)
            figures[asof, at, "overlap"] = coverage_queries.low_income_overlap(url, scope, at, at_level, asof)
    return figures


def test_the_day_figure_rollup_equals_the_row_queries_on_the_days_it_holds(own_sample, monkeypatch):
    clear_caches()
    oracle = _day_figures(own_sample)
    engine = make_engine(own_sample)
    rebuild(engine, days=ASOF_DATES)
    engine.dispose()
    clear_caches()

    def rows_read(*args, **kwargs):
        raise AssertionError("a figure above village level read the household rows")

    for module, name in ((seed_queries, "seed_statements"), (coverage_queries, "coverage_statement"),
                         (coverage_queries, "overlap_statements")):
        monkeypatch.setattr(module, name, rows_read)
    from_rollup = {key: frame for key, frame in _day_figures(own_sample).items() if key[1] == _top(own_sample)[0]}
    monkeypatch.undo()
    clear_caches()
    everything = _day_figures(own_sample)  # the township too, whichever way it is read
    code = _top(own_sample)[0]
    assert oracle[ASOF_DATES[0], code, "coverage"]["open_cases"].sum() > 0
    assert oracle[ASOF_DATES[0], code, "overlap"][["open", "eliminated", "none"]].to_numpy().sum() > 0
    assert (oracle[ASOF_DATES[0], code, "seed"]["denominator"] > 0).all()
    for key, expected in oracle.items():
        found = from_rollup.get(key, everything[key])
        # 小额信贷 amounts are summed per village first: equal up to the order of float additions.
        pd.testing.assert_frame_equal(found, expected, check_exact=key[2] != "seed", rtol=1e-12, obj=str(key))
    pd.testing.assert_frame_equal(everything[ASOF_DATES[1], code, "seed"], oracle[ASOF_DATES[1], code, "seed"],
                                  check_exact=False, rtol=1e-12)


def test_the_income_rollup_bins_as_the_trends_page_does():
    from db.rollups import INCOME_BIN_YUAN

    assert INCOME_BIN_YUAN == BIN_YUAN


@pytest.fixture(scope="module")
def exports(sample_db_url, tmp_path_factory) -> dict[str, Path]:
    """The sample county exported a month before its last day and on it."""
    from sample_data.export_ledger import export_ledger

    folder = tmp_path_factory.mktemp("rollup_ledger")
    engine = make_engine(sample_db_url)
    # xlsx: a CSV export of this sample is refused as neither UTF-8 nor GBK (left to its owners)
    paths = {"before": folder / "before.xlsx", "last": folder / "last.xlsx"}
    export_ledger(engine, paths["before"], dt.date(2026, 10, 20))
    export_ledger(engine, paths["last"], dt.date(2026, 11, 20))
    engine.dispose()
    return paths


def _rollup_rows(engine) -> list[tuple]:
    with engine.connect() as connection:
        return sorted(((table.name, *row) for table in (rollup_case_spell, rollup_case_mix, rollup_problem_spell,
                                                        rollup_village, rollup_under_line, rollup_village_unit,
                                                        rollup_finding, rollup_warning, rollup_warning_row,
                                                        rollup_day_figure, rollup_case_month, rollup_problem_month,
                                                        rollup_income_bin_area, rollup_bad_id, rollup_shared_id)
                       for row in connection.execute(select(table))), key=repr)


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql", "mariadb"])
def test_an_import_refreshes_its_villages_and_ends_where_a_rebuild_ends(engine_name, sample_db_url, server_database,
                                                                        exports, tmp_path):
    url = (f"sqlite:///{tmp_path / 'ledger.db'}" if engine_name == "sqlite"
           else server_database(engine_name, f"rollup_import_{engine_name}"))
    engine = make_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    source = make_engine(sample_db_url)
    with source.connect() as read, engine.begin() as write:
        for table in (area, monitoring_line):
            write.execute(table.insert(), [dict(row._mapping) for row in read.execute(select(table))])
    source.dispose()
    assert import_ledger(engine, exports["before"]).status == "done"
    rebuild(engine)
    before = _rollup_rows(engine)
    summary = import_ledger(engine, exports["last"])
    assert summary.status == "done", [p.message for p in summary.problems if p.is_error][:3]
    clear_caches()
    assert rollup_freshness(url, CASE_SPELLS).fresh, "the import refreshed the rollup after its batch"
    refreshed = _rollup_rows(engine)
    assert refreshed != before, "November's export changes some village's cases"
    rebuild(engine)
    assert refreshed == _rollup_rows(engine)
    engine.dispose()


def test_an_import_without_a_refresh_makes_the_rollup_stale(sample_db_url, exports, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'stale.db'}"
    engine = make_engine(url)
    metadata.create_all(engine)
    source = make_engine(sample_db_url)
    with source.connect() as read, engine.begin() as write:
        for table in (area, monitoring_line):
            write.execute(table.insert(), [dict(row._mapping) for row in read.execute(select(table))])
    source.dispose()
    rebuild(engine)
    monkeypatch.setattr("db.imports.ledger.refresh_villages", lambda *_args: None)
    summary = import_ledger(engine, exports["before"])
    assert summary.status == "done", [p.message for p in summary.problems if p.is_error][:3]
    clear_caches()
    assert not use_rollup(url, CASE_SPELLS, "county"), "stale: the pages fall back to the rows"
    engine.dispose()


def test_the_caption_says_which_source_the_figures_come_from():
    from components.rollup_caption import rollup_caption_text
    from queries.rollups import Freshness

    at = dt.datetime(2026, 11, 20, 8, 5)
    assert "2026-11-20 08:05" in rollup_caption_text(Freshness(CASE_SPELLS, at, True), "county")
    assert "明细" not in rollup_caption_text(Freshness(CASE_SPELLS, at, True), "county")
    assert "明细" in rollup_caption_text(Freshness(CASE_SPELLS, at, False), "county")
    assert "refresh-rollups" in rollup_caption_text(Freshness(CASE_SPELLS, None, False), "township")
    assert rollup_caption_text(Freshness(CASE_SPELLS, at, True), "village") == rollup_caption_text(
        Freshness(CASE_SPELLS, None, False), "village")


ROLLUP_PAGES = ("trends", "overview", "drill", "map")  # the pages whose figures read the rollups


def test_the_pages_show_the_caption_before_and_after_a_rebuild(sample_db_url, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from labels import t
    from tests.conftest import APP

    target = tmp_path / "caption.db"
    copy_sample(sample_db_url, target)
    url = f"sqlite:///{target}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)

    def captions(page: str) -> str:
        clear_caches()
        test = AppTest.from_file(APP, default_timeout=90)
        test.query_params["asof"] = "2026-11-20"
        test.run()
        test.switch_page(str(Path(APP).parent / "views" / f"{page}.py"))
        test.run()
        assert not test.exception, page
        return "\n".join(str(caption.value) for caption in test.caption)

    for page in ROLLUP_PAGES:
        assert t("rollups.missing") in captions(page), page
    engine = make_engine(url)
    rebuild(engine)
    engine.dispose()
    for page in ROLLUP_PAGES:
        shown = captions(page)
        assert t("rollups.missing") not in shown and "汇总表更新于" in shown and "明细" not in shown, page


def test_the_refresh_bench_times_a_rebuild_and_a_county_refresh(sample_db_url, tmp_path, capsys):
    from bench.rollup_refresh import main

    target = tmp_path / "bench.db"
    copy_sample(sample_db_url, target)
    assert main(["--db", f"sqlite:///{target}"]) == 0
    shown = capsys.readouterr().out
    assert "full rebuild:" in shown and "refresh after a county export" in shown and "load average" in shown
    clear_caches()
    assert use_rollup(f"sqlite:///{target}", CASE_SPELLS, "county")


def test_refresh_rollups_counts_warnings_for_the_days_asked(sample_db_url, tmp_path, capsys):
    from db.__main__ import main

    target = tmp_path / "days.db"
    copy_sample(sample_db_url, target)
    url = f"sqlite:///{target}"
    assert main(["refresh-rollups", "--db", url, "--asof", "2026-11-20", "--asof", "2026-11-13"]) == 0
    clear_caches()
    assert warning_queries.rollup_days(url) == {dt.date(2026, 11, 20), dt.date(2026, 11, 13)}
    assert main(["refresh-rollups", "--db", url]) == 0  # default: today and a week back
    clear_caches()
    today = dt.date.today()
    assert warning_queries.rollup_days(url) == {today, today - dt.timedelta(days=7)}
    with pytest.raises(SystemExit):
        main(["refresh-rollups", "--db", url, "--asof", "2026-13-01"])
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_a_rollup_table_made_by_an_older_version_is_made_again(sample_db_url, tmp_path):
    """An upgrade must not break refresh-rollups or an import: rollup_case_mix once lacked reentry and
    people (NOT NULL, which db.upgrade cannot add), and the 10M province's refresh failed on it."""
    from sqlalchemy import inspect, text


    target = tmp_path / "older.db"
    copy_sample(sample_db_url, target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    rebuild(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE rollup_case_mix"))
        connection.execute(text("CREATE TABLE rollup_case_mix (village_code VARCHAR(12) NOT NULL, case_type VARCHAR(16) "
                                "NOT NULL, risks VARCHAR(400) NOT NULL, identified_on DATE NOT NULL, eliminated_on DATE, "
                                "n INTEGER NOT NULL)"))
        village = connection.execute(select(func.min(rollup_village.c.village_code))).scalar()
    assert refresh_villages(engine, [village])["villages"] == 0  # not half-refreshed: the rows answer
    clear_caches()
    code, level = _top(url)
    assert not use_rollup(url, CASE_SPELLS, level)
    rebuild(engine)
    assert {column["name"] for column in inspect(engine).get_columns("rollup_case_mix")} == set(
        rollup_case_mix.columns.keys())
    assert refresh_villages(engine, [village])["villages"] == 1
    engine.dispose()
    clear_caches()
    assert use_rollup(url, CASE_SPELLS, level)


def test_the_state_row_name_follows_the_rollup_tables_shape():
    """A database whose rollups an older version built is read from the rows, not half-trusted."""
    from sqlalchemy import Column, Integer, MetaData

    from db.rollup_schema import ROLLUP_TABLES
    from db.rollups import shape_name

    tables = [metadata.tables[name] for name in ROLLUP_TABLES]
    assert shape_name(tables) == CASE_SPELLS and len(CASE_SPELLS) <= 48  # rollup_state.name
    grown = rollup_village.to_metadata(MetaData())
    grown.append_column(Column("extra", Integer))
    assert shape_name([grown if table.name == "rollup_village" else table for table in tables]) != CASE_SPELLS
    assert shape_name(tables[:-1]) != CASE_SPELLS  # a table fewer


def test_an_import_never_half_fills_a_rollup_table_that_is_missing(sample_db_url, tmp_path):
    """A rollup table dropped by hand: the import's refresh leaves the rollups unbuilt (rows answer)
    instead of making the table and filling only the villages it touched."""
    from sqlalchemy import inspect


    target = tmp_path / "dropped.db"
    copy_sample(sample_db_url, target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    rebuild(engine)
    rollup_finding.drop(engine)
    with engine.connect() as connection:
        village = connection.execute(select(func.min(rollup_village.c.village_code))).scalar()
    assert refresh_villages(engine, [village])["villages"] == 0
    assert not inspect(engine).has_table("rollup_finding")
    engine.dispose()
    clear_caches()
    code, level = _top(url)
    assert not use_rollup(url, CASE_SPELLS, level)
