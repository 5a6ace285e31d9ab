"""One definition per figure: every key figure and table number of a briefing pack equals what the
pages' own queries give for the same area, date and scope (a county, a township, and a viewer
who may see aggregates only)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from brief.model import BriefRequest, Pack, Section
from brief.sections import build_pack, section_keys
from labels import label_of, t
from queries.area_query import AreaQuery
from queries.areas import area_tree, children
from queries.compliance import area_findings
from queries.drill import figures_by_area
from queries.map import map_figures
from queries.overview import asset_totals, case_flows_by_village, new_cases_by_village, weekly_cases
from queries.scope import Scope
from queries.tasks import cell_status, overdue_milestones, tasks_in_scope
from queries.trend_cases import area_totals, case_flows
from queries.warnings import warning_counts
from rules.calendar import Period
from rules.warnings import WARNING_RULES

COUNTY = "429999000000"
TOWNSHIP = "429999105000"
ASOF = date(2026, 11, 20)
CASES = {
    "county": (Scope(roots=((COUNTY, "county"),), household_detail=True), COUNTY, "county"),
    "township": (Scope(roots=((TOWNSHIP, "township"),), household_detail=True), TOWNSHIP, "township"),
    "aggregates only": (Scope(roots=((COUNTY, "county"),), household_detail=False), COUNTY, "county"),
}


@pytest.fixture(scope="module", params=list(CASES))
def packed(request, sample_db_url) -> tuple[Pack, AreaQuery, pd.DataFrame]:
    scope, code, level = CASES[request.param]
    pack = build_pack(BriefRequest(sample_db_url, scope, code, ASOF, "week", section_keys()))
    return pack, AreaQuery(sample_db_url, scope, code, level, ASOF), children(area_tree(sample_db_url, scope), code)


def _section(pack: Pack, key: str) -> Section:
    return next(section for section in pack.sections if section.key == key)


def _figures(section: Section) -> dict[str, object]:
    return {figure.label: figure for figure in section.figures}


def _by_area(frame: pd.DataFrame, kids: pd.DataFrame) -> pd.DataFrame:
    """A pack table indexed by area code instead of the area's name."""
    codes = {name: code for code, name in zip(kids["code"], kids["name"])}
    assert len(codes) == len(kids)  # names under one parent are unique, so this is exact
    return frame.set_index(frame[t("brief_col.area")].map(codes))


def test_overview_equals_the_drill_down_and_the_cockpit(packed):
    pack, area, kids = packed
    section = _section(pack, "overview")
    figures = _figures(section)
    before = area.on(pack.compare_date)
    own = figures_by_area(area.db, area.scope, area.code, area.level, area.level, ASOF).iloc[0]
    own_before = figures_by_area(area.db, area.scope, area.code, area.level, area.level, before.asof).iloc[0]
    for kpi in ("open_cases", "open_problems", "under_line"):
        assert figures[t(f"brief_kpi.{kpi}")].value == own[kpi]
    assert figures[t("brief_kpi.open_cases")].delta == own["open_cases"] - own_before["open_cases"]
    # The cockpit's tiles for the same week: new and eliminated cases, and the open cases.
    week = weekly_cases(area.db, area.scope, area.code, area.level, ASOF).iloc[-1]
    assert figures[t("brief_kpi.new_cases")].value == week["identified"]
    assert figures[t("brief_kpi.eliminated_cases")].value == week["eliminated"]
    assert figures[t("brief_kpi.open_cases")].value == week["open_cases"]
    # The children table is the drill-down's children table, row by row.
    table = _by_area(section.tables[0].frame, kids)
    level = kids["level"].iloc[0]
    drill = figures_by_area(area.db, area.scope, area.code, area.level, level, ASOF).reindex(table.index).fillna(0)
    for column in ("households", "open_cases", "open_problems", "under_line"):
        assert table[t(f"brief_col.{column}")].tolist() == drill[column].astype("int64").tolist()
    flows = case_flows_by_village(area, pack.compare_date)
    per_child = flows.groupby([code[: {"township": 9, "village": 12}[level]].ljust(12, "0")
                               for code in flows.index]).sum().reindex(table.index).fillna(0)
    assert table[t("brief_col.new_cases")].tolist() == per_child["new_cases"].astype("int64").tolist()
    assert table[t("brief_col.eliminated_cases")].tolist() == per_child["eliminated_cases"].astype("int64").tolist()
    # The cockpit's "villages with new cases this week" names the same villages and counts.
    top = new_cases_by_village(area.db, area.scope, area.code, area.level, ASOF)
    assert top["new_cases"].sum() <= figures[t("brief_kpi.new_cases")].value
    assert dict(zip(top["village_code"], top["new_cases"])).items() <= flows["new_cases"].to_dict().items()


def test_risk_equals_the_drill_down_tabs(packed):
    pack, area, kids = packed
    section = _section(pack, "risk")
    figures = _figures(section)
    own = warning_counts(area.db, area.scope, area.code, area.level, area.level, ASOF)
    own_before = warning_counts(area.db, area.scope, area.code, area.level, area.level, pack.compare_date)
    assert figures[t("brief_kpi.warnings")].value == own["total"].sum() > 0
    assert figures[t("brief_kpi.warnings")].delta == own["total"].sum() - own_before["total"].sum()
    findings = area_findings(area.db, area.scope, area.code, area.level, ASOF)  # the drill-down tab
    assert figures[t("brief_kpi.findings")].value == len(findings)
    level = kids["level"].iloc[0]
    by_area = warning_counts(area.db, area.scope, area.code, area.level, level, ASOF)
    table = _by_area(section.tables[0].frame, kids)
    expected = by_area.reindex(table.index).fillna(0).astype("int64")
    assert table[t("brief_col.total")].tolist() == expected["total"].tolist()
    for rule in WARNING_RULES:
        assert table[label_of("warning_rule", rule)].tolist() == expected[rule].tolist()
    by_rule = section.tables[1].frame.set_index(t("brief_col.rule"))[t("brief_col.count")]
    assert by_rule.tolist() == [int(own[rule].sum()) for rule in WARNING_RULES]


def test_tasks_equal_the_task_page(packed):
    pack, area, _ = packed
    section = _section(pack, "tasks")
    figures = _figures(section)
    cells = cell_status(area.db, area.scope, ASOF)
    listed = overdue_milestones(area.db, area.scope, ASOF)  # the page's "who is behind" list
    before = overdue_milestones(area.db, area.scope, pack.compare_date)
    assert figures[t("brief_kpi.tasks")].value == len(tasks_in_scope(area.db, area.scope, ASOF)) == 16
    assert figures[t("brief_kpi.overdue")].value == len(listed) > 0
    assert figures[t("brief_kpi.overdue")].delta == len(listed) - len(before)
    assert figures[t("brief_kpi.units_late")].value == listed["unit_code"].nunique()
    assert figures[t("brief_kpi.red_tasks")].value == cells.loc[cells["status"] == "overdue", "task_code"].nunique()
    overdue = section.tables[0].frame
    assert overdue[t("brief_col.overdue")].sum() == len(listed)
    assert sorted(overdue[t("brief_col.earliest_due")]) == sorted(
        listed.groupby(["task_code", "unit_code"])["due_on"].min())
    units = section.tables[1].frame
    assert units[t("brief_col.red_tasks")].sum() == (cells["status"] == "overdue").sum()
    assert units[t("brief_col.amber_tasks")].sum() == (cells["status"] == "at_risk").sum()


def test_trends_equal_the_trends_page(packed):
    pack, area, _ = packed
    section = _section(pack, "trends")
    period = Period(date(2025, 12, 1), ASOF)
    totals = area_totals(case_flows(area.db, area.scope, area.code, area.level, area.level, period))
    totals = totals.set_index("month").reindex(period.months()).fillna(0)
    table = section.tables[0].frame.iloc[::-1]  # newest first in the pack
    assert table[t("brief_chart.new_cases")].tolist() == totals["identified"].astype("int64").tolist()
    assert table[t("brief_chart.eliminated_cases")].tolist() == totals["eliminated"].astype("int64").tolist()
    figures = _figures(section)
    assert figures[t("brief_kpi.window_new")].value == totals["identified"].sum() > 0
    assert figures[t("brief_kpi.window_eliminated")].value == totals["eliminated"].sum()


def test_indicators_equal_the_trends_page(packed):
    """Rule 11 in the pack: the seed indicator query of the area, counts and verdicts, each seed cited."""
    from queries.drill import income_year
    from queries.seed_indicators import seed_indicators

    pack, area, _ = packed
    section = _section(pack, "indicators")
    year, _ = income_year(area.db, ASOF)
    expected = seed_indicators(area.db, area.scope, area.code, area.level, ASOF, year)
    table = section.tables[0].frame
    assert table[t("seed_indicator_col.numerator")].tolist() == expected["numerator"].tolist()
    assert table[t("seed_indicator_col.denominator")].tolist() == expected["denominator"].tolist()
    assert all(seed.startswith("文件00") for seed in section.tables[1].frame[t("seed_indicator_col.seed")])
    judged = expected[expected["met"].notna()]
    figures = _figures(section)
    assert figures[t("brief_kpi.indicators_met")].value == int(judged["met"].astype(bool).sum())
    assert figures[t("brief_kpi.indicators_met")].value + figures[t("brief_kpi.indicators_not_met")].value == 4
    assert any(t("seed_indicator.credit_overdue") in sentence for sentence in section.commentary)


def test_assets_equal_the_cockpit_tile_and_the_map(packed):
    pack, area, kids = packed
    section = _section(pack, "assets")
    figures = _figures(section)
    tile = asset_totals(area.db, area.scope, area.code, area.level, ASOF)
    assert figures[t("brief_kpi.assets")].value == tile["assets"] > 0
    assert figures[t("brief_kpi.asset_value")].value == round(tile["value"] / 10_000, 2)
    assert figures[t("brief_kpi.registered_share")].value == round(100 * tile["registered"] / tile["assets"], 1)
    level = kids["level"].iloc[0]
    shown = map_figures(area.db, area.scope, area.code, area.level, level, ASOF, ("base", "assets"))
    table = _by_area(section.tables[1].frame, kids)
    expected = (shown["asset_value"].reindex(table.index).fillna(0) / 10_000).round(2)
    assert table[t("brief_col.value")].tolist() == expected.tolist()


def test_a_week_before_is_the_cockpit_week_before(sample_db_url):
    """The comparison of a weekly pack is the cockpit's previous week, on the same day."""
    scope, code, level = CASES["county"]
    pack = build_pack(BriefRequest(sample_db_url, scope, code, ASOF - timedelta(days=7), "week", ("overview",)))
    week = weekly_cases(sample_db_url, scope, code, level, ASOF).iloc[-2]
    figures = _figures(pack.sections[0])
    assert figures[t("brief_kpi.new_cases")].value == week["identified"]
    assert figures[t("brief_kpi.open_cases")].value == week["open_cases"]
