"""Risk heatmap builders: counts vs rates, sorting by total, empty months kept, names escaped."""

from __future__ import annotations

from datetime import date

import pandas as pd

from components.risk_charts import build_month_heatmap, build_risk_heatmap, build_risk_matrix, unique_names
from rules.calendar import month_range

COUNTS = pd.DataFrame({"area_code": ["a", "a", "b"], "risk_code": ["illness", "disaster", "illness"], "cases": [3, 1, 5]})
TOTALS = pd.Series({"a": 3, "b": 5})  # case in "a" with two risk types counted once
HOUSEHOLDS = pd.Series({"a": 200, "b": 50, "c": 0})


def test_matrix_counts_sorted_by_total_with_zero_rows_kept():
    matrix = build_risk_matrix(COUNTS, TOTALS, HOUSEHOLDS, ["a", "b", "c"], ("illness", "disaster", "water"),
                               "count", "total")
    assert list(matrix.index) == ["b", "a", "c"]
    assert matrix.loc["a"].tolist() == [3, 1, 0, 3]
    assert matrix.loc["c"].tolist() == [0, 0, 0, 0]


def test_matrix_rates_per_100_households_and_no_rate_without_households():
    matrix = build_risk_matrix(COUNTS, TOTALS, HOUSEHOLDS, ["a", "b", "c"], ("illness", "disaster"), "rate", "code")
    assert list(matrix.index) == ["a", "b", "c"]
    assert matrix.at["a", "illness"] == 1.5 and matrix.at["b", "total"] == 10.0
    assert matrix.loc["c"].isna().all()


def test_heatmap_rows_carry_escaped_names_and_totals():
    matrix = build_risk_matrix(COUNTS, TOTALS, HOUSEHOLDS, ["a", "b"], ("illness", "disaster"), "count", "total")
    names = pd.Series({"a": "<b>A</b>", "b": "B"})
    figure = build_risk_heatmap(matrix, names, "count")
    rows = list(figure.data[0].y)
    assert "&lt;b&gt;A&lt;/b&gt;" in rows[1] and "3" in rows[1] and "<b>" not in "".join(rows)
    assert figure.data[0].z.shape == (2, 2)  # the total is in the label, not a coloured column


def test_month_heatmap_keeps_empty_months_and_tells_same_names_apart():
    months = month_range(date(2023, 6, 15), date(2023, 9, 1))
    assert months == ["2023-06", "2023-07", "2023-08", "2023-09"]
    monthly = pd.DataFrame({"area_code": ["x", "y"], "month": ["2023-07", "2023-09"], "cases": [4, 1]})
    figure = build_month_heatmap(monthly, ["x", "y"], pd.Series({"x": "新村", "y": "新村"}), months)
    assert figure.data[0].z.tolist() == [[0, 4, 0, 0], [0, 0, 0, 1]]
    assert len(set(figure.data[0].y)) == 2
    assert unique_names(["x"], pd.Series({"x": "a&b"})) == ["a&amp;b"]
