"""Briefing packs, the data side: commentary wording, the pack queries on every engine, sections."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from brief.compare import change_phrase, compare_date, eliminated_phrase, net_phrase, new_phrase, top_items
from brief.model import BriefRequest
from brief.sections import SECTIONS, build_pack, register_section
from components.labels import t
from queries.brief import asset_totals, case_flows, latest_progress, monthly_flows, overdue_milestones
from queries.scope import Scope, ScopeError
from tests.conftest import read_table

COUNTY = "429999000000"
SCOPE = Scope(roots=((COUNTY, "county"),))
ASOF = date(2026, 11, 20)
HU = "户"


# --- wording: exact on both sides of zero ---------------------------------------------------

@pytest.mark.parametrize("now, before, expected", [
    (112, 100, "较上周增加12户"),
    (92, 100, "较上周减少8户"),
    (100, 100, "与上周持平"),
    (5, 0, "较上周增加5户"),  # zero base: a difference, never a percentage
    (0, 0, "与上周持平"),
    (1234, 0, "较上周增加1,234户"),
])
def test_change_phrase_states_the_exact_difference(now, before, expected):
    assert change_phrase(now, before, "上周", HU) == expected


def test_flow_phrases_say_none_instead_of_zero():
    assert new_phrase(12, "上周", HU) == "较上周新增12户"
    assert new_phrase(0, "上周", HU) == "较上周无新增"
    assert eliminated_phrase(8, HU) == "风险消除8户"
    assert eliminated_phrase(0, HU) == "无风险消除"
    assert (net_phrase(3), net_phrase(-3), net_phrase(0)) == ("净增加3户", "净减少3户", "总数不变")


def test_comparison_wording_names_the_period():
    assert change_phrase(3, 1, t("brief_compare.year"), HU) == "较去年同期增加2户"
    assert change_phrase(1, 3, t("brief_compare.month"), HU) == "较上月减少2户"


@pytest.mark.parametrize("asof, compare, expected", [
    (date(2026, 11, 20), "week", date(2026, 11, 13)),
    (date(2026, 3, 31), "month", date(2026, 2, 28)),
    (date(2024, 2, 29), "year", date(2023, 2, 28)),
    (date(2026, 1, 15), "month", date(2025, 12, 15)),
])
def test_comparison_dates(asof, compare, expected):
    assert compare_date(asof, compare) == expected


def test_top_items_ranks_positive_counts_only():
    assert top_items({"乙": 3, "甲": 3, "丙": 0, "丁": 5}, HU) == "丁（5户）、乙（3户）、甲（3户）"  # ties in name order
    assert top_items({"丙": 0}, HU) == ""


# --- queries against pandas on raw rows, every engine ----------------------------------------

def _cases_with_village(url: str) -> pd.DataFrame:
    cases = read_table(url, "monitoring_case")
    villages = read_table(url, "household").set_index("id")["village_code"]
    cases["village_code"] = cases["household_id"].map(villages)
    for column in ("identified_on", "eliminated_on"):
        cases[column] = pd.to_datetime(cases[column])
    return cases


@pytest.mark.engines
def test_case_flows_and_monthly_flows_match_pandas(engine_db_url):
    cases = _cases_with_village(engine_db_url)
    since, until = date(2026, 5, 31), ASOF
    flows = case_flows(engine_db_url, SCOPE, COUNTY, "county", since, until)
    window = lambda column: (cases[column] > pd.Timestamp(since)) & (cases[column] <= pd.Timestamp(until))
    assert flows["new_cases"].sum() == window("identified_on").sum() > 0
    assert flows["eliminated_cases"].sum() == window("eliminated_on").sum() > 0
    expected = cases[window("identified_on")].groupby("village_code").size()
    assert flows.loc[expected.index, "new_cases"].tolist() == expected.tolist()

    months = monthly_flows(engine_db_url, SCOPE, COUNTY, "county", date(2025, 12, 1), ASOF)
    assert months["month"].tolist()[0] == "2025-12" and months["month"].tolist()[-1] == "2026-11"
    assert len(months) == 12
    in_window = cases[(cases["identified_on"] >= "2025-12-01") & (cases["identified_on"] <= pd.Timestamp(ASOF))]
    expected_months = in_window["identified_on"].dt.strftime("%Y-%m").value_counts()
    got = months.set_index("month")["new_cases"]
    assert all(got[m] == expected_months.get(m, 0) for m in got.index)


@pytest.mark.engines
def test_task_queries_match_pandas(engine_db_url):
    milestones = read_table(engine_db_url, "task_milestone")
    due, done = pd.to_datetime(milestones["due_on"]), pd.to_datetime(milestones["done_on"])
    late = (due < pd.Timestamp(ASOF)) & (done.isna() | (done > pd.Timestamp(ASOF)))
    overdue = overdue_milestones(engine_db_url, SCOPE, COUNTY, "county", ASOF)
    assert overdue["overdue"].sum() == late.sum() > 0
    assert overdue["overdue"].is_monotonic_decreasing

    reports = read_table(engine_db_url, "task_progress")
    reports = reports[pd.to_datetime(reports["reported_on"]) <= pd.Timestamp(ASOF)]
    latest = reports.sort_values(["reported_on", "id"]).groupby(["task_code", "unit_code"]).tail(1)
    progress = latest_progress(engine_db_url, SCOPE, COUNTY, "county", ASOF)
    assert len(progress) == len(latest)
    assert sorted(progress["status"]) == sorted(latest["status"])


@pytest.mark.engines
def test_asset_totals_match_pandas(engine_db_url):
    assets = read_table(engine_db_url, "asset")
    assets = assets[assets["formed_year"].isna() | (assets["formed_year"] <= ASOF.year)]
    totals = asset_totals(engine_db_url, SCOPE, COUNTY, "county", ASOF)
    by_kind = totals.groupby("kind")[["assets", "value", "registered"]].sum()
    expected = assets.groupby("kind").agg(assets=("id", "size"), value=("value", "sum"),
                                          registered=("registered", "sum"))
    assert by_kind["assets"].to_dict() == expected["assets"].to_dict()
    assert by_kind["registered"].to_dict() == expected["registered"].astype(int).to_dict()
    assert by_kind["value"].round(2).to_dict() == expected["value"].round(2).to_dict()


def test_queries_refuse_an_area_outside_the_scope(sample_db_url):
    areas = read_table(sample_db_url, "area")
    township, other = areas.loc[areas["level"] == "township", "code"].sort_values().iloc[:2]
    narrow = Scope(roots=((township, "township"),))
    with pytest.raises(ScopeError):
        case_flows(sample_db_url, narrow, other, "township", date(2026, 1, 1), ASOF)
    with pytest.raises(ScopeError):
        build_pack(BriefRequest(sample_db_url, narrow, COUNTY, ASOF, "week", ("overview",)))


# --- sections: numbers and sentences agree with the data --------------------------------------

def test_overview_figures_and_sentence_match_the_data(sample_db_url):
    cases = _cases_with_village(sample_db_url)
    before = pd.Timestamp(date(2026, 10, 20))
    pack = build_pack(BriefRequest(sample_db_url, SCOPE, COUNTY, ASOF, "month", ("overview",)))
    section = pack.sections[0]
    figures = {figure.label: figure for figure in section.figures}
    def open_on(day: pd.Timestamp) -> int:
        gone = cases["eliminated_on"]
        return int(((cases["identified_on"] <= day) & (gone.isna() | (gone > day))).sum())

    open_now, open_before = open_on(pd.Timestamp(ASOF)), open_on(before)
    new = int(((cases["identified_on"] > before) & (cases["identified_on"] <= pd.Timestamp(ASOF))).sum())
    assert figures[t("brief_kpi.open_cases")].value == open_now
    assert figures[t("brief_kpi.open_cases")].delta == open_now - open_before
    assert figures[t("brief_kpi.new_cases")].value == new
    first = section.commentary[0]
    assert first.startswith(f"截至11月20日，示例县共有监测对象{open_now:,}户，")
    assert change_phrase(open_now, open_before, "上月", HU) in first
    assert new_phrase(new, "上月", HU) in first
    households = read_table(sample_db_url, "household")
    assert section.tables[0].frame[t("brief_col.households")].sum() == len(households)
    # The village with the most new cases is named with its township and its count.
    in_window = cases[(cases["identified_on"] > before) & (cases["identified_on"] <= pd.Timestamp(ASOF))]
    per_village = in_window.groupby("village_code").size()
    names = read_table(sample_db_url, "area").set_index("code")["name"]
    top = int(per_village.max())
    leaders = [names[code[:9] + "000"] + names[code] for code, n in per_village.items() if n == top]
    sentence = next(s for s in section.commentary if s.startswith("新增最多的村："))
    assert any(f"{name}（{top}户）" in sentence for name in leaders)


def test_every_section_builds_for_a_village_and_says_so_when_empty(sample_db_url):
    village = read_table(sample_db_url, "household")["village_code"].mode()[0]
    pack = build_pack(BriefRequest(sample_db_url, SCOPE, village, ASOF, "year", tuple(SECTIONS)))
    assert [s.key for s in pack.sections] == list(SECTIONS)
    tasks = pack.sections[list(SECTIONS).index("tasks")]
    assert tasks.commentary == [t("brief_say.tasks_none", area=pack.area_name)]  # tasks are county-wide
    assert all(section.commentary for section in pack.sections)


def test_a_plugged_in_section_joins_the_pack(sample_db_url, monkeypatch):
    from brief.model import Section

    monkeypatch.setitem(SECTIONS, "extra", lambda ctx: Section("extra", "X", commentary=[ctx.area_name]))
    register_section("extra", SECTIONS["extra"])
    pack = build_pack(BriefRequest(sample_db_url, SCOPE, COUNTY, ASOF, "week", ("extra",)))
    assert pack.sections[0].commentary == ["示例县"]
