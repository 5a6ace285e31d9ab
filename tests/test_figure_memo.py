"""Figures are built once per distinct input and rebuilt when any number, label or type changes."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from components.figure_memo import fingerprint, memo_figure
from queries.gateway import clear_caches

calls: list[int] = []


def build_bars(frame: pd.DataFrame, title: str) -> go.Figure:
    calls.append(1)
    return go.Figure(go.Bar(x=frame["area"], y=frame["cases"]), layout={"title": title})


def frame(cases=(3, 5)) -> pd.DataFrame:
    return pd.DataFrame({"area": ["甲村", "乙村"], "cases": list(cases)})


def test_equal_inputs_reuse_the_figure_and_other_inputs_build_again():
    clear_caches()
    calls.clear()
    first = memo_figure(build_bars, frame(), "新识别")
    again = memo_figure(build_bars, frame(), "新识别")  # equal content, other objects (as the query cache gives)
    assert again is first and len(calls) == 1
    assert memo_figure(build_bars, frame((3, 6)), "新识别") is not first  # one cell changed
    assert memo_figure(build_bars, frame(), "已消除") is not first  # another argument
    renamed = frame().rename(columns={"cases": "people"}).rename(columns={"people": "cases"})
    assert memo_figure(build_bars, renamed, "新识别") is first  # same labels after the round trip
    assert len(calls) == 3
    assert list(first.data[0].y) == [3, 5]


def test_columns_types_and_index_are_part_of_the_key():
    base = frame()
    assert fingerprint((base,)) != fingerprint((base.rename(columns={"cases": "people"}),))
    assert fingerprint((base,)) != fingerprint((base.astype({"cases": "float64"}),))
    assert fingerprint((base,)) != fingerprint((base.set_index("area"),))
    assert fingerprint((base["cases"],)) != fingerprint((base["cases"].rename("people"),))
    assert fingerprint((date(2026, 1, 1),)) != fingerprint((date(2026, 1, 2),))


def test_cells_that_cannot_be_hashed_still_key_by_content():
    lists = pd.DataFrame({"codes": [["a", "b"], ["c"]]})
    assert fingerprint((lists,)) == fingerprint((lists.copy(),))
    assert fingerprint((lists,)) != fingerprint((pd.DataFrame({"codes": [["a"], ["c"]]}),))


def test_clearing_the_caches_forgets_the_figures():
    calls.clear()
    first = memo_figure(build_bars, frame(), "清空")
    clear_caches()
    assert memo_figure(build_bars, frame(), "清空") is not first and len(calls) == 2
