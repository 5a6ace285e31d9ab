"""The trends page through streamlit's AppTest on the sample county."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.labels import t
from queries.scope import Scope
from queries.trend_cases import area_totals, case_flows
from queries.trend_period import Period
from tests.conftest import read_table

COUNTY = "429999000000"
APP = Path(__file__).resolve().parent.parent / "app.py"
TRENDS = str(APP.parent / "pages" / "trends.py")
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


def test_county_page_shows_every_section_with_downloads(trends):
    test = trends()
    assert not test.exception and not test.warning
    headings = [s.value for s in test.subheader]
    for key in ("cases_heading", "risk_heading", "elimination_heading", "income_heading", "problems_heading",
                "indicators_heading"):
        assert t(f"trends.{key}") in headings
    assert t("trends.compare_heading", level=t("level.township")) in headings
    downloads = test.get("download_button")
    assert len(downloads) == 8  # seven charts and the ranking table
    charts = test.get("plotly_chart")
    assert len(charts) == 7 and all(json.loads(chart.proto.config) == {"displaylogo": False} for chart in charts)
    # Figures are built here and drawn by the bundled plotly.js: their text is the catalogue's Chinese.
    spec = json.dumps(json.loads(charts[0].proto.spec), ensure_ascii=False)
    assert t("trends.phase_transition") in spec and t("trends.axis_open") in spec
    text = _text(test)
    assert t("trends.two_highs_not_met", year=2024, exited="", local="").split("增长")[0] in text
    assert "2024" in text and t("trends.met") in text


def test_two_highs_fails_in_2024_as_the_sample_was_built(trends):
    test = trends()
    lines = [m.value for m in test.markdown if m.value.startswith("- ")][0].splitlines()
    verdict = {line[2:6]: line for line in lines}
    assert "未达到" in verdict["2024"] and "未达到" not in verdict["2023"]


def test_ranking_table_matches_the_series(trends, sample_db_url):
    test = trends()
    table = test.dataframe[-1].value
    townships = read_table(sample_db_url, "area").query("level == 'township'")
    assert set(table[t("trends_col.area")]) == set(townships["name"])
    flows = case_flows(sample_db_url, Scope(((COUNTY, "county"),)), COUNTY, "county", "county",
                       Period(date(2021, 1, 1), date(2026, 11, 20)))
    open_now = area_totals(flows).iloc[-1]["open_end"]
    assert table[t("trends_col.open_now")].sum() == open_now


def test_village_has_no_compare_section_and_borrows_indicators(trends, sample_db_url):
    village = read_table(sample_db_url, "household")["village_code"].mode()[0]
    test = trends(area=village)
    assert not test.exception
    text = _text(test)
    assert t("trends.no_children") in text
    township_name = read_table(sample_db_url, "area").set_index("code").at[village[:9] + "000", "name"]
    assert township_name in text  # indicators and the local average come from the township


def test_bad_period_gives_a_message_and_the_default_period(trends):
    test = trends(**{"from": "2024-13", "to": "2030-01"})
    assert not test.exception
    warning = test.warning[0].value
    assert "2024-13" in warning and "2030-01" in warning
    slider = test.select_slider[0]
    assert tuple(slider.value) == ("2021-01", "2026-11")


def test_moving_the_period_writes_the_url(trends):
    test = trends(**{"from": "2023-01"})
    assert tuple(test.select_slider[0].value) == ("2023-01", "2026-11")
    test.select_slider[0].set_range("2024-01", "2025-12").run()
    assert not test.exception
    assert test.query_params["from"] == "2024-01" and test.query_params["to"] == "2025-12"
    heading = [m.value for m in test.markdown if m.value.startswith("####")][0]
    assert "2024-01" in heading and "2025-12-31" in heading
