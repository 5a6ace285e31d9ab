"""Briefing packs, the data side: commentary wording, the pack queries on every engine, sections."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from brief.compare import change_phrase, compare_date, eliminated_phrase, net_phrase, new_phrase, top_items
from brief.model import BriefRequest
from brief.sections import SECTIONS, build_pack, register_section
from labels import t
from brief.case_sections import monthly_flows
from queries.area_query import AreaQuery
from queries.overview import assets_by_village, case_flows_by_village
from queries.scope import Scope, ScopeError
from tests.conftest import read_table

COUNTY = "429999000000"
SCOPE = Scope(roots=((COUNTY, "county"),), household_detail=True)
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
    flows = case_flows_by_village(AreaQuery(engine_db_url, SCOPE, COUNTY, "county", until), since)
    window = lambda column: (cases[column] > pd.Timestamp(since)) & (cases[column] <= pd.Timestamp(until))
    assert flows["new_cases"].sum() == window("identified_on").sum() > 0
    assert flows["eliminated_cases"].sum() == window("eliminated_on").sum() > 0
    expected = cases[window("identified_on")].groupby("village_code").size()
    assert flows.loc[expected.index, "new_cases"].tolist() == expected.tolist()

    months = monthly_flows(AreaQuery(engine_db_url, SCOPE, COUNTY, "county", ASOF), date(2025, 12, 1))
    assert months["month"].tolist()[0] == "2025-12" and months["month"].tolist()[-1] == "2026-11"
    assert len(months) == 12
    for column, kind in (("identified_on", "new_cases"), ("eliminated_on", "eliminated_cases")):
        in_window = cases[(cases[column] >= "2025-12-01") & (cases[column] <= pd.Timestamp(ASOF))]
        expected_months = in_window[column].dt.strftime("%Y-%m").value_counts()
        got = months.set_index("month")[kind]
        assert got.sum() > 0 and all(got[m] == expected_months.get(m, 0) for m in got.index)


@pytest.mark.engines
def test_asset_rows_match_pandas(engine_db_url):
    assets = read_table(engine_db_url, "asset")
    assets = assets[assets["formed_year"].isna() | (assets["formed_year"] <= ASOF.year)]
    totals = assets_by_village(AreaQuery(engine_db_url, SCOPE, COUNTY, "county", ASOF))
    by_kind = totals.groupby("kind")[["assets", "value", "registered", "income"]].sum()
    expected = assets.groupby("kind").agg(assets=("id", "size"), value=("value", "sum"),
                                          registered=("registered", "sum"), income=("annual_income", "sum"))
    assert by_kind["assets"].to_dict() == expected["assets"].to_dict()
    assert by_kind["registered"].to_dict() == expected["registered"].astype(int).to_dict()
    assert by_kind["value"].round(2).to_dict() == expected["value"].round(2).to_dict()
    assert by_kind["income"].round(2).to_dict() == expected["income"].astype(float).round(2).to_dict()


def test_queries_refuse_an_area_outside_the_scope(sample_db_url):
    areas = read_table(sample_db_url, "area")
    township, other = areas.loc[areas["level"] == "township", "code"].sort_values().iloc[:2]
    narrow = Scope(roots=((township, "township"),), household_detail=True)
    with pytest.raises(ScopeError):
        case_flows_by_village(AreaQuery(sample_db_url, narrow, other, "township", ASOF), date(2026, 1, 1))
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
    identified = int((cases["identified_on"] <= pd.Timestamp(ASOF)).sum())
    sizes = read_table(sample_db_url, "household").set_index("id")["size"]
    cases["size"] = cases["household_id"].map(sizes)
    people = int(cases.loc[(cases["identified_on"] <= pd.Timestamp(ASOF))
                           & (cases["eliminated_on"].isna() | (cases["eliminated_on"] > pd.Timestamp(ASOF))),
                           "size"].sum())
    # Officials read "共有监测对象N户" as the cumulative total: the sentence names all three, and 人.
    assert first.startswith(f"截至11月20日，示例县累计识别监测对象{identified:,}户，已消除风险"
                            f"{identified - open_now:,}户，未消除风险{open_now:,}户{people:,}人；")
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
    assert tasks.figures[0].value == 16  # the task page's matrix: tasks are county-wide, not area data
    early = build_pack(BriefRequest(sample_db_url, SCOPE, village, date(2021, 9, 19), "week", ("tasks",)))
    assert early.sections[0].commentary == [t("brief_say.tasks_none", date="9月19日")]  # none started yet
    assert all(section.commentary for section in pack.sections)


def test_a_plugged_in_section_joins_the_pack(sample_db_url, monkeypatch):
    from brief.model import Section

    monkeypatch.setitem(SECTIONS, "extra", lambda ctx: Section("extra", "X", commentary=[ctx.area_name]))
    register_section("extra", SECTIONS["extra"])
    pack = build_pack(BriefRequest(sample_db_url, SCOPE, COUNTY, ASOF, "week", ("extra",)))
    assert pack.sections[0].commentary == ["示例县"]


def test_risk_section_leads_with_the_should_be_monitored_count(sample_db_url):
    from queries.drill import income_year
    from queries.warnings import rule_count

    pack = build_pack(BriefRequest(sample_db_url, SCOPE, COUNTY, ASOF, "week", ("risk",)))
    should = rule_count(sample_db_url, SCOPE, COUNTY, "county", ASOF, "should_monitor")
    year, _ = income_year(sample_db_url, ASOF)
    assert should > 0 and year == ASOF.year - 1
    assert pack.sections[0].commentary[0].startswith(f"应纳未纳：{should:,}户自{year}年以来未纳入监测，但{year}年")


def test_assets_section_reports_registration_per_kind(sample_db_url):
    pack = build_pack(BriefRequest(sample_db_url, SCOPE, COUNTY, ASOF, "week", ("assets",)))
    assets = read_table(sample_db_url, "asset")
    assets = assets[assets["formed_year"].isna() | (assets["formed_year"] <= ASOF.year)]
    household = assets[assets["kind"] == "household"]
    sentence = next(s for s in pack.sections[0].commentary if s.startswith("确权情况："))
    assert f"到户类资产确权到户{int(household['registered'].sum()):,}项（共{len(household):,}项）" in sentence
    assert "公益性资产确权移交" in sentence and "经营性资产确权" in sentence


def test_assets_section_says_how_income_was_used_and_names_handed_out_assets(sample_db_url):
    from queries.asset_income import asset_income_use

    pack = build_pack(BriefRequest(sample_db_url, SCOPE, COUNTY, ASOF, "week", ("assets",)))
    used = asset_income_use(sample_db_url, SCOPE, COUNTY, "county", ASOF)
    said = pack.sections[0].commentary
    assert any(s.startswith(f"{used['year']}年扶贫项目资产收益使用：") for s in said)
    assert f"{len(used['handed_out'])}项资产当年收益主要直接发钱发物（一分了之）" in "".join(said)


@pytest.mark.parametrize("value, text", [(0, "0"), (9_500, "9,500"), (10_000, "1万"), (45_000, "4.5万"),
                                         (123_456_789, "1.23亿"), (2.5, "2.5")])
def test_chart_numbers_use_chinese_units(value, text):
    from brief.figures import chinese_number

    expected = text.replace("万", "").replace("亿", "")
    unit = "brief_number.ten_thousand" if "万" in text else "brief_number.hundred_million" if "亿" in text else None
    assert chinese_number(value) == (t(unit, n=expected) if unit else text)


def test_no_chart_axis_reads_45k(sample_db_url):
    """Every value axis of the pack's charts is labelled by us in 万/亿, or shows whole numbers; never 45k."""
    import re

    pack = build_pack(BriefRequest(sample_db_url, SCOPE, COUNTY, ASOF, "year", tuple(SECTIONS)))
    charts = [chart.figure for section in pack.sections for chart in section.charts]
    assert charts
    for figure in charts:
        horizontal = figure.data[0].orientation == "h"
        axis = figure.layout.xaxis if horizontal else figure.layout.yaxis
        values = [v for trace in figure.data for v in (trace.x if horizontal else trace.y)]
        if max(values) >= 1_000:
            assert axis.ticktext and not any(re.search(r"[A-Za-z]", text) for text in axis.ticktext)
            assert max(axis.tickvals) >= max(values)  # the top bar is under the last tick
        else:
            assert axis.exponentformat == "none" or axis.ticktext
    assets = next(section for section in pack.sections if section.key == "assets").charts[0].figure
    assert any(t("brief_number.hundred_million", n="") in text or t("brief_number.ten_thousand", n="") in text
               for text in assets.layout.yaxis.ticktext)


def test_a_packs_charts_are_built_only_when_a_document_needs_them(sample_db_url):
    """The briefing page's preview shows no charts: building the pack builds none; the first use
    builds each chart once."""
    pack = build_pack(BriefRequest(sample_db_url, SCOPE, COUNTY, ASOF, "year", tuple(SECTIONS)))
    charts = [chart for section in pack.sections for chart in section.charts]
    assert charts and not any("figure" in vars(chart) for chart in charts)
    first = charts[0].figure
    assert charts[0].figure is first and first.data  # built once, a real figure
