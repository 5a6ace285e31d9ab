"""Trend builders and the period parameters, on hand-made data either side of each threshold."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from labels import has_label, t
from components.trend_compare import build_compare_figure, ranking
from components.exports import csv_bytes
from components.trend_figure import add_phases, finish, for_display
from components.trend_income_charts import (build_income_table, income_comparison, second_high_sentences,
                                             two_highs_sentences)
from components.trend_other_charts import latest_vs_target
from components.trend_period import parse_period, period_params
from rules.calendar import Period, month_range, quarter_of, shift_month

ASOF = date(2026, 11, 20)


@pytest.mark.parametrize("raw, first, cut, problems", [
    ({}, date(2021, 1, 1), ASOF, 0),
    ({"from_month": "2023-06", "to_month": "2024-02"}, date(2023, 6, 1), date(2024, 2, 29), 0),
    ({"from": "2023-06", "to": "2024-02"}, date(2023, 6, 1), date(2024, 2, 29), 0),  # links of the old form
    ({"from_month": "2026-11", "to_month": "2026-11"}, date(2026, 11, 1), ASOF, 0),  # cut on the as-of day
    ({"from_month": "2023-13"}, date(2021, 1, 1), ASOF, 1),
    ({"from_month": "23-01", "to_month": "2024-1"}, date(2021, 1, 1), ASOF, 2),
    ({"from_month": "2020-12"}, date(2021, 1, 1), ASOF, 1),
    ({"to_month": "2026-12"}, date(2021, 1, 1), ASOF, 1),  # after the as-of month
    ({"from_month": "2025-05", "to_month": "2024-05"}, date(2021, 1, 1), ASOF, 1),
    ({"from_month": "' OR 1=1 --"}, date(2021, 1, 1), ASOF, 1),
    ({"from": "2023-13"}, date(2021, 1, 1), ASOF, 1),
])
def test_period_parameters_are_validated(raw, first, cut, problems):
    choice = parse_period(raw, ASOF)
    assert (choice.period.first, choice.period.cut) == (first, cut)
    assert len(choice.problems) == problems
    for key, _value in choice.problems:
        assert has_label(key)
    for value in raw.values():
        if problems and value not in (choice.first_month, choice.last_month):
            assert any(value[:20] in shown for _key, shown in choice.problems)


def test_default_period_stays_out_of_the_url():
    assert period_params(parse_period({}, ASOF), ASOF) == {}
    assert period_params(parse_period({"from": "2023-01", "to": "2025-12"}, ASOF), ASOF) == {
        "from_month": "2023-01", "to_month": "2025-12"}


def test_months_and_quarters():
    assert month_range(date(2021, 11, 5), date(2022, 2, 1)) == ["2021-11", "2021-12", "2022-01", "2022-02"]
    assert shift_month("2026-01", -12) == "2025-01" and shift_month("2025-12", 1) == "2026-01"
    assert [quarter_of(m) for m in ("2024-01", "2024-03", "2024-04", "2024-12")] == [
        "2024-Q1", "2024-Q1", "2024-Q2", "2024-Q4"]


def _bands(figure: go.Figure) -> list[tuple]:
    return [(shape.x0, shape.x1) for shape in figure.layout.shapes if shape.type == "rect"]


def _notes(figure: go.Figure) -> list[str]:
    return [note.text for note in figure.layout.annotations]


def test_phases_are_shaded_and_labelled_only_where_the_period_reaches():
    both = add_phases(go.Figure(), date(2021, 1, 1), date(2026, 11, 20))
    assert len(_bands(both)) == 2
    assert _notes(both) == [t("trends.phase_transition"), t("trends.phase_regular")]
    assert any(shape.type == "line" for shape in both.layout.shapes)  # the new phase's start line
    assert both.layout.xaxis.tickformat == "%Y-%m"  # not plotly's English "Jul 2023"
    transition_only = add_phases(go.Figure(), date(2022, 1, 1), date(2025, 6, 30))
    assert _notes(transition_only) == [t("trends.phase_transition")] and len(_bands(transition_only)) == 1
    regular_only = add_phases(go.Figure(), date(2026, 3, 1), date(2026, 11, 20))
    assert _notes(regular_only) == [t("trends.phase_regular")]
    yearly = add_phases(go.Figure(), date(2021, 1, 1), date(2026, 11, 20), yearly=True)
    assert _bands(yearly) == [(2020.5, 2025.5), (2025.5, 2026.5)]
    assert _notes(add_phases(go.Figure(), date(2021, 1, 1), date(2026, 1, 1), label=False)) == []


def _income(mean: list[float], rural: list[float]) -> pd.DataFrame:
    years = list(range(2021, 2021 + len(mean)))
    distribution = pd.DataFrame({"year": years, "households": 10, "people": 30, "mean": mean, "under_line": 1,
                                 "p10": mean, "p25": mean, "p50": mean, "p75": mean, "p90": mean})
    benchmarks = pd.DataFrame({"year": years, "line": 6000.0, "rural_per_capita": rural, "rural_area_code": "X"})
    return income_comparison(distribution, benchmarks)


def test_two_highs_is_met_only_when_exited_income_grows_strictly_faster():
    # exited +10 %, +6 %, +6.1 %; local +6 % each year
    comparison = _income([10000, 11000, 11660, 12371.26], [20000, 21200, 22472, 23820.32])
    assert comparison["two_highs_met"].tolist() == [None, True, False, True]
    sentences = two_highs_sentences(comparison)
    assert sentences[0] == t("trends.two_highs_unknown", year=2021)
    assert sentences[1] == t("trends.two_highs_met", year=2022, exited="10.0", local="6.0")
    assert sentences[2] == t("trends.two_highs_not_met", year=2023, exited="6.0", local="6.0")
    table = build_income_table(comparison)
    assert table[t("trends_col.two_highs")].tolist() == ["", t("trends.met"), t("trends.not_met"), t("trends.met")]


def test_two_highs_cannot_be_judged_without_a_local_average():
    comparison = _income([10000, 11000], [float("nan"), float("nan")])
    assert comparison["two_highs_met"].tolist() == [None, None]
    assert two_highs_sentences(comparison)[1] == t("trends.two_highs_unknown", year=2022)


def test_latest_value_against_target_respects_the_direction():
    series = pd.DataFrame({
        "indicator_code": ["up", "up", "up_miss", "down", "down_miss", "no_target"],
        "name": list("abcdef"), "unit": "", "better": ["higher", "higher", "higher", "lower", "lower", "higher"],
        "period": ["2026-10", "2026-11", "2026-11", "2026-11", "2026-11", "2026-11"],
        "value": [1.0, 5.0, 4.9, 1.0, 1.01, 3.0], "target": [9.0, 5.0, 5.0, 1.0, 1.0, None]})
    latest = latest_vs_target(series).set_index("indicator_code")
    assert latest.at["up", "period"] == "2026-11"  # the latest period, not the first
    assert latest["on_target"].to_dict() == {"up": True, "up_miss": False, "down": True, "down_miss": False,
                                             "no_target": None}


def test_ranking_compares_with_the_same_month_a_year_earlier():
    months = [shift_month("2025-11", n) for n in range(13)]  # 2025-11 … 2026-11
    open_end = [4] + [6] * 11 + [10]
    totals = pd.DataFrame({"area_code": "A", "month": months, "identified": [0] * 12 + [4],
                           "eliminated": [0] * 13, "open_end": open_end,
                           "open_start": [4] + open_end[:-1]})
    kids = pd.DataFrame({"code": ["A", "B"], "name": ["甲", "乙"], "household_count": [200, 0]},
                        index=["A", "B"]).rename_axis("code")
    table = ranking(totals, kids, date(2026, 11, 20)).set_index("code")
    assert table.at["A", "open_now"] == 10 and table.at["A", "open_year_ago"] == 4
    assert table.at["A", "change"] == 6 and table.at["A", "change_pct"] == 150.0
    assert table.at["A", "per_100"] == 5.0 and table.at["A", "identified"] == 4
    assert table.at["B", "open_now"] == 0 and pd.isna(table.at["B", "per_100"])
    assert table.index[0] == "A"  # worst first


def test_area_names_in_charts_are_escaped():
    totals = pd.DataFrame({"area_code": "A", "month": ["2026-10", "2026-11"], "identified": 0, "eliminated": 0,
                           "open_start": 1, "open_end": 1})
    figure = build_compare_figure(totals, {"A": "<b onmouseover=x>镇</b>"}, Period(date(2026, 10, 1), ASOF))
    assert figure.layout.annotations[0].text == "&lt;b onmouseover=x&gt;镇&lt;/b&gt;"
    assert "<b" not in figure.data[0].name


def test_small_counts_get_whole_number_ticks():
    small = finish(go.Figure(go.Bar(x=[1, 2], y=[1, 2])), "")
    large = finish(go.Figure(go.Bar(x=[1, 2], y=[1, 200])), "")
    assert small.layout.yaxis.dtick == 1 and large.layout.yaxis.dtick is None


def test_csv_has_a_byte_order_mark_and_gaps_show_as_dashes():
    table = pd.DataFrame({t("trends_col.year"): [2021, 2022], t("trends_col.mean_growth"): [float("nan"), 9.5]})
    data = csv_bytes(table)
    assert data.startswith("\ufeff".encode()) and t("trends_col.year").encode() in data
    assert for_display(table)[t("trends_col.mean_growth")].tolist() == ["—", "9.5"]


def test_second_high_compares_local_with_national_growth_and_gives_the_ratio():
    # local +6 % each year; national +5 %, +6 %, +7 %: met, not met (equal), not met
    mean, rural = [10000, 11000, 11660, 12371.26], [20000, 21200, 22472, 23820.32]
    distribution = pd.DataFrame({"year": range(2021, 2025), "households": 10, "people": 30, "mean": mean,
                                 "under_line": 1, "p10": mean, "p25": mean, "p50": mean, "p75": mean, "p90": mean})
    benchmarks = pd.DataFrame({"year": range(2021, 2025), "line": 6000.0, "rural_per_capita": rural,
                               "rural_area_code": "X", "national": [18000, 18900, 20034, 21436.38],
                               "national_source": "国家统计局"})
    comparison = income_comparison(distribution, benchmarks)
    assert comparison["second_met"].tolist() == [None, True, False, False]
    assert comparison["ratio_local_national"].tolist()[:2] == [round(20000 / 18000, 3), round(21200 / 18900, 3)]
    sentences = second_high_sentences(comparison)
    assert sentences[0] == t("trends.second_unknown", year=2021)
    assert sentences[1] == t("trends.second_met", year=2022, local="6.0", national="5.0", ratio="1.12")
    assert sentences[2].startswith("2023 年") and "未高于全国农村居民增长 6.0%" in sentences[2]
    # Without a national series the second half cannot be judged, and says so.
    assert second_high_sentences(_income(mean, rural)) == [t("trends.second_unknown", year=y) for y in range(2021, 2025)]


def test_the_phases_band_every_panel_of_a_grid_and_the_regular_phase_starts_on_a_line():
    from plotly.subplots import make_subplots

    grid = make_subplots(rows=2, cols=1)
    months = pd.to_datetime(["2024-01-01", "2026-06-01"])
    grid.add_trace(go.Scatter(x=months, y=[1, 2]), row=1, col=1)
    grid.add_trace(go.Scatter(x=months, y=[3, 4]), row=2, col=1)
    add_phases(grid, date(2024, 1, 1), date(2026, 6, 1))
    rects = [shape for shape in grid.layout.shapes if shape.type == "rect"]
    lines = [shape for shape in grid.layout.shapes if shape.type == "line"]
    assert sorted((shape.xref, shape.yref) for shape in rects) == [("x", "y domain"), ("x", "y domain"),
                                                                   ("x2", "y2 domain"), ("x2", "y2 domain")]
    assert all((shape.y0, shape.y1, shape.layer) == (0, 1, "below") for shape in rects)
    assert {str(shape.x0)[:10] for shape in lines} == {"2026-01-01"} and len(lines) == 2
    assert sorted(note.text for note in grid.layout.annotations) == sorted(
        [t("trends.phase_transition"), t("trends.phase_regular")] * 2)

    yearly = go.Figure(go.Bar(x=[2023, 2024, 2025, 2026], y=[1, 2, 3, 4]))
    add_phases(yearly, date(2023, 1, 1), date(2026, 11, 20), yearly=True, label=False)
    assert [(shape.x0, shape.x1) for shape in yearly.layout.shapes] == [(2022.5, 2025.5), (2025.5, 2026.5)]
    assert not yearly.layout.annotations
