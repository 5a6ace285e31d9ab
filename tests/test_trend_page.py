"""The trends page through streamlit's AppTest on the sample county."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.page_params import TREND_SECTIONS
from labels import t
from queries.scope import Scope
from queries.trend_cases import area_totals, case_flows
from rules.calendar import Period
from tests.conftest import read_table, shown, vega_rows

COUNTY = "429999000000"
APP = Path(__file__).resolve().parent.parent / "app.py"
TRENDS = str(APP.parent / "views" / "trends.py")
ASOF = "2026-11-20"


@pytest.fixture
def trends(sample_db_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", sample_db_url)

    def open_trends(**params: str) -> AppTest:
        test = AppTest.from_file(str(APP), default_timeout=90)
        for name, value in {"asof": ASOF, **params}.items():
            test.query_params[name] = value
        test.run()
        test.switch_page(TRENDS)
        return test.run()

    return open_trends


def _text(test: AppTest) -> str:
    return "\n".join(str(e.value) for e in (*test.title, *test.subheader, *test.markdown, *test.caption,
                                            *test.info, *test.warning))


def _vega_text(chart) -> str:
    """A Vega-Lite chart's spec and the rows it draws, as text."""
    rows = [frame.to_json(force_ascii=False) for frame in vega_rows(chart)]
    return json.dumps(json.loads(chart.proto.spec), ensure_ascii=False) + "".join(rows)


def test_county_page_shows_every_section_with_downloads(trends):
    headings, downloads, charts, text = [], 0, [], ""
    for section in TREND_SECTIONS:
        test = trends(section=section)
        assert not test.exception and not test.warning
        tab = next(tab for tab in test.tabs if tab.label == t(f"trends.section_{section}"))
        drawn = [*test.get("plotly_chart"), *test.get("vega_lite_chart")]
        assert len([*tab.get("plotly_chart"), *tab.get("vega_lite_chart")]) == len(drawn) > 0  # drawn in its tab
        headings += [s.value for s in test.subheader]
        downloads += len(test.get("download_button"))
        charts += drawn
        text += _text(test)
    for key in ("cases_heading", "risk_heading", "elimination_heading", "income_heading", "problems_heading",
                "indicators_heading"):
        assert t(f"trends.{key}") in headings
    assert t("trends.compare_heading", level=t("level.township")) in headings
    assert downloads == 9  # seven charts (the first in two panels), the seeds' indicators and the ranking table
    plotly = [chart for chart in charts if chart.type == "plotly_chart"]
    assert len(charts) == 8 and len(plotly) == 4  # the first tab's in Vega-Lite: a fresh tab loads no plotly
    assert all(json.loads(chart.proto.config) == {"displaylogo": False} for chart in plotly)
    # Figures are built here and drawn by the bundled plotly.js or Vega: their text is the catalogue's Chinese.
    spec = _vega_text(charts[0])
    assert t("trends.phase_transition") in spec and t("trends.axis_open") in spec
    assert t("trends.two_highs_not_met", year=2024, exited="", local="").split("增长")[0] in text
    assert "2024" in text and t("trends.met") in text


def test_only_the_open_section_runs_and_the_first_is_the_default(trends):
    """Each tab's charts are built only when it is open (a cold browser drew all seven for seconds)."""
    test = trends()
    assert [s.value for s in test.subheader] == [t("trends.cases_heading"), t("trends.risk_heading"),
                                                 t("trends.elimination_heading")]
    assert len(test.get("vega_lite_chart")) == 4 and not test.get("plotly_chart") and "section" not in test.query_params
    assert [tab.label for tab in test.tabs] == [t(f"trends.section_{code}") for code in TREND_SECTIONS]
    income = trends(section="income")
    assert [s.value for s in income.subheader] == [t("trends.income_heading")]


def test_a_bad_section_is_named_and_the_first_section_shown(trends):
    test = trends(section="<b>x</b>", from_month="2024-13")
    assert not test.exception and len(test.warning) == 1  # one warning for every bad value
    warning = shown(test.warning[0].value)
    assert "<b>x</b>" in warning and "2024-13" in warning
    assert t("trends.cases_heading") in [s.value for s in test.subheader]


def test_two_highs_fails_in_2024_as_the_sample_was_built(trends):
    test = trends(section="income")
    lines = [m.value for m in test.markdown if m.value.startswith("- ")][0].splitlines()
    verdict = {line[2:6]: line for line in lines}
    assert "未达到" in verdict["2024"] and "未达到" not in verdict["2023"]


def test_ranking_table_matches_the_series(trends, sample_db_url):
    test = trends(section="compare")
    table = test.dataframe[-1].value
    townships = read_table(sample_db_url, "area").query("level == 'township'")
    assert set(table[t("trends_col.area")]) == set(townships["name"])
    flows = case_flows(sample_db_url, Scope(((COUNTY, "county"),), household_detail=True), COUNTY, "county", "county",
                       Period(date(2021, 1, 1), date(2026, 11, 20)))
    open_now = area_totals(flows).iloc[-1]["open_end"]
    assert table[t("trends_col.open_now")].sum() == open_now


def test_village_has_no_compare_section_and_borrows_indicators(trends, sample_db_url):
    village = read_table(sample_db_url, "household")["village_code"].mode()[0]
    assert t("trends.no_children") in _text(trends(area=village, section="compare"))
    test = trends(area=village, section="indicators")
    assert not test.exception
    text = _text(test)
    township_name = read_table(sample_db_url, "area").set_index("code").at[village[:9] + "000", "name"]
    assert township_name in text  # indicators and the local average come from the township


def test_bad_period_gives_a_message_and_the_default_period(trends):
    test = trends(from_month="2024-13", to_month="2030-01")
    assert not test.exception
    warning = shown(test.warning[0].value)
    assert "2024-13" in warning and "2030-01" in warning
    slider = test.select_slider[0]
    assert tuple(slider.value) == ("2021-01", "2026-11")


def test_moving_the_period_writes_the_url(trends):
    test = trends(**{"from": "2023-01"})  # a link of the old form still opens its period
    assert tuple(test.select_slider[0].value) == ("2023-01", "2026-11")
    test.select_slider[0].set_range("2024-01", "2025-12").run()
    assert not test.exception
    assert test.query_params["from_month"] == "2024-01" and test.query_params["to_month"] == "2025-12"
    assert "from" not in test.query_params  # written once, under the new name only
    heading = [m.value for m in test.markdown if m.value.startswith("####")][0]
    assert "2024-01" in heading and "2025-12-31" in heading


def test_elimination_quality_both_halves_of_two_highs_and_the_fixed_2025_baseline_show(trends, sample_db_url):
    from datetime import date

    from components.text import md_escape
    from queries.elimination_quality import elimination_quality
    from queries.scope import Scope

    test = trends()
    scope = Scope(roots=(("429999000000", "county"),), household_detail=True)
    now = elimination_quality(sample_db_url, scope, "429999000000", "county", date.fromisoformat(ASOF))
    metrics = {m.label: m.value for m in test.metric}
    assert metrics[t("elimination_quality.cumulative")] == f"{now['cumulative_share']:.1f}%"
    assert metrics[t("elimination_quality.reentries")] == f"{now['reentries']:,}" and now["reentries"] > 0
    base = elimination_quality(sample_db_url, scope, "429999000000", "county", date(2025, 12, 31))
    text = _text(test) + _text(trends(section="income"))
    assert f"累计识别 {base['identified']:,} 户，已消除风险 {base['eliminated']:,} 户" in text
    stock = t("trends.stock_now", date=ASOF, identified=f"{now['identified']:,}", eliminated=f"{now['eliminated']:,}",
              open=f"{now['identified'] - now['eliminated']:,}", people=f"{now['open_people']:,}")
    assert md_escape(stock) in text  # the open cases in 户 and 人 at the period's end (drawn escaped)
    open_ = base["identified"] - base["eliminated"]
    assert f"未消除风险 {open_:,} 户 {base['open_people']:,} 人" in text and base["open_people"] > open_
    assert t("trends.second_heading") in text and "国家统计局" in text


def test_seed_indicators_show_counts_target_verdict_and_the_seed(trends, sample_db_url):
    """Rule 11 on the page: one row per indicator, the query's numerator and denominator, the seed quoted."""
    from queries.drill import income_year
    from queries.seed_indicators import seed_indicators

    test = trends(section="indicators")
    assert t("seed_indicator.heading") in [s.value for s in test.subheader]
    table = next(d.value for d in test.dataframe if t("seed_indicator_col.counted") in d.value.columns)
    asof = date.fromisoformat(ASOF)
    year, _ = income_year(sample_db_url, asof)
    expected = seed_indicators(sample_db_url, Scope(((COUNTY, "county"),), household_detail=True), COUNTY, "county",
                               asof, year)
    assert list(table[t("seed_indicator_col.indicator")]) == [t(f"seed_indicator.{c}") for c in expected["code"]]
    assert list(table[t("seed_indicator_col.numerator")]) == list(expected["numerator"])
    assert list(table[t("seed_indicator_col.denominator")]) == list(expected["denominator"])
    verdicts = dict(zip(expected["code"], table[t("seed_indicator_col.met")]))
    for code, met in zip(expected["code"], expected["met"]):
        word = "no_verdict" if met is None else "met" if met else "not_met"
        assert verdicts[code] == t(f"seed_indicator.{word}"), code
    assert verdicts["medical_insured"] == t("seed_indicator.not_met")  # the sample: some members not insured
    assert verdicts["welfare_posts"] == t("seed_indicator.no_verdict")  # the seed sets no number today
    text = _text(test)
    for code in expected["code"]:
        assert t(f"seed_indicator.{code}_seed") in text and t(f"seed_indicator.{code}_proxy") in text
    assert t("seed_indicator.income_year", year=year) in text
