"""The trends' first tab in Vega-Lite: the phases where the period reaches, and every bar and area the
counts the page queried (no plotly)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from components.trend_vega import (build_case_charts, build_elimination_chart, build_risk_chart, phase_spans,
                                   year_phases)
from labels import label_of, t
from rules.calendar import Period

FLOWS = pd.DataFrame({
    "month": ["2025-11", "2025-11", "2025-12", "2025-12", "2026-01", "2026-01"],
    "key": ["unstable", "sudden"] * 3,
    "identified": [2, 1, 0, 3, 1, 0],
    "eliminated_stable": [1, 0, 0, 1, 2, 0],
    "eliminated_natural": [0, 0, 1, 0, 0, 1],
    "open_end": [5, 2, 4, 4, 3, 3],
})
PERIOD = Period(date(2025, 11, 1), date(2026, 1, 31))


def _datasets(chart) -> list[pd.DataFrame]:
    return [pd.DataFrame(rows) for rows in chart.to_dict()["datasets"].values()]


def _rows_with(chart, column: str) -> pd.DataFrame:
    return next(frame for frame in _datasets(chart) if column in frame.columns)


def test_phases_are_banded_and_named_only_where_the_period_reaches():
    both = phase_spans(date(2025, 11, 1), date(2026, 1, 31))
    assert list(both["phase"]) == ["transition", "regular"]
    assert list(both["label"]) == [t("trends.phase_transition"), t("trends.phase_regular")]
    assert both["end"].iloc[0] == pd.Timestamp(2026, 1, 1) and both["end"].iloc[1] == pd.Timestamp(2026, 1, 31)
    assert list(phase_spans(date(2022, 1, 1), date(2023, 6, 30))["phase"]) == ["transition"]
    assert list(phase_spans(date(2026, 2, 1), date(2026, 11, 20))["phase"]) == ["regular"]
    years = year_phases([2024, 2025, 2026, 2027])
    assert list(years["phase"]) == ["transition", "transition", "regular", "regular"]
    assert list(years["label"]) == [t("trends.phase_transition"), "", t("trends.phase_regular"), ""]  # named once


def test_the_case_panels_draw_the_open_stock_and_the_flows_up_and_down():
    stock, flows = build_case_charts(FLOWS, PERIOD)
    open_rows = _rows_with(stock, "open_end")
    assert open_rows["open_end"].sum() == FLOWS["open_end"].sum()
    assert set(open_rows["series"]) == {label_of("case_type", "unstable"), label_of("case_type", "sudden")}
    bars = _rows_with(flows, "signed")
    up = bars[bars["signed"] > 0]
    assert up["signed"].sum() == FLOWS["identified"].sum()
    down = bars[bars["series"].isin([t("trends_col.eliminated_stable"), t("trends_col.eliminated_natural")])]
    assert (down["signed"] == -down["count"]).all()
    assert down["count"].sum() == FLOWS[["eliminated_stable", "eliminated_natural"]].to_numpy().sum()
    spec = stock.to_dict()
    assert t("trends.axis_open") in str(spec)
    assert any("strokeDash" in str(layer.get("mark")) for layer in spec["layer"])  # 2026 opens on a dotted line


def test_risk_types_stack_the_commonest_first_in_fixed_colours():
    risks = pd.DataFrame({"month": ["2026-01"] * 3, "key": ["water", "illness", "housing"],
                          "identified": [0, 0, 0], "eliminated": [0, 0, 0], "open_end": [1, 9, 4]})
    spec = build_risk_chart(risks, PERIOD).to_dict()
    colour = next(layer["encoding"]["color"] for layer in spec["layer"] if "open_end" in str(layer["encoding"]))
    assert colour["scale"]["domain"] == [label_of("risk", key) for key in ("illness", "housing", "water")]
    assert colour["scale"]["range"][0] == "#4e79a7"  # illness keeps its colour


def test_the_elimination_chart_labels_each_years_rate():
    yearly = pd.DataFrame({"year": [2025, 2026], "open_start": [10, 8], "identified": [4, 2],
                           "eliminated_stable": [5, 3], "eliminated_natural": [1, 0], "open_end": [8, 7],
                           "rate": [42.857, None]})
    chart = build_elimination_chart(yearly)
    assert list(_rows_with(chart, "text")["text"]) == ["42.9%", ""]
    stacked = _rows_with(chart, "count")
    assert stacked.groupby("year")["count"].sum().to_dict() == {"2025": 6, "2026": 3}
