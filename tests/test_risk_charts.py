"""Risk heatmap builders: counts vs rates, sorting by total, empty months kept, names as plain text."""

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


def _cells(chart) -> pd.DataFrame:
    """The rows a Vega-Lite chart draws (its one inline dataset)."""
    spec = chart.to_dict()
    (rows,) = spec["datasets"].values()
    return pd.DataFrame(rows)


def test_heatmap_rows_carry_names_and_totals_as_text_and_number_each_cell():
    matrix = build_risk_matrix(COUNTS, TOTALS, HOUSEHOLDS, ["a", "b"], ("illness", "disaster"), "count", "total")
    names = pd.Series({"a": "<b>A</b>", "b": "B"})
    cells = _cells(build_risk_heatmap(matrix, names, "count"))
    # Vega draws names as SVG text (and its tooltips escape them): the name stays as written.
    assert list(dict.fromkeys(cells["area"])) == ["B（合计 5）", "<b>A</b>（合计 3）"]
    assert len(cells) == 4 and set(cells["column"]) == {"因病", "因灾"}  # the total is in the label, not a column
    assert cells.set_index(["area", "column"]).at[("<b>A</b>（合计 3）", "因病"), "text"] == "3"
    rates = build_risk_matrix(COUNTS, TOTALS, HOUSEHOLDS, ["a", "b", "c"], ("illness",), "rate", "code")
    rate_cells = _cells(build_risk_heatmap(rates, pd.Series({"a": "A", "b": "B", "c": "C"}), "rate"))
    assert rate_cells["text"].tolist() == ["1.50", "10.00", ""]  # no households: no number, no colour
    assert rate_cells["value"].isna().tolist() == [False, False, True]


def test_month_heatmap_keeps_empty_months_and_tells_same_names_apart():
    months = month_range(date(2023, 6, 15), date(2023, 9, 1))
    assert months == ["2023-06", "2023-07", "2023-08", "2023-09"]
    monthly = pd.DataFrame({"area_code": ["x", "y"], "month": ["2023-07", "2023-09"], "cases": [4, 1]})
    cells = _cells(build_month_heatmap(monthly, ["x", "y"], pd.Series({"x": "新村", "y": "新村"}), months))
    grid = cells.pivot(index="area", columns="column", values="value")
    assert grid.to_numpy().tolist() == [[0, 4, 0, 0], [0, 0, 0, 1]] and list(grid.columns) == months
    assert list(grid.index) == ["新村（x）", "新村（y）"]
    assert unique_names(["x"], pd.Series({"x": "a&b"})) == ["a&b"]
