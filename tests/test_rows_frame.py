"""queries.gateway.rows_frame builds the frame pandas would build from the rows, column by column."""

from __future__ import annotations

import datetime as dt
import decimal

import pandas as pd
import pytest
from sqlalchemy import literal, select, union_all

from queries.gateway import read, rows_frame

COLUMNS = {
    "whole": [1, 2, 3], "whole_gaps": [1, None, 3], "real": [1.5, None, 2.0], "flag": [True, False, True],
    "flag_gaps": [True, None, False], "day": [dt.date(2020, 1, 1), None, dt.date(2021, 1, 1)],
    "amount": [decimal.Decimal("1.5"), decimal.Decimal("2"), None], "name": ["甲", None, "c"],
    "moment": [dt.datetime(2020, 1, 1, 1), dt.datetime(2020, 1, 2), None], "mixed": [1, 2.5, None],
    "nothing": [None, None, None], "large": [2**40, 3, None],
}


@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_frame_equals_what_pandas_builds_from_the_rows(count):
    names = list(COLUMNS)
    rows = list(zip(*COLUMNS.values()))[:count]
    pd.testing.assert_frame_equal(rows_frame(rows, names), pd.DataFrame(rows, columns=names))


def test_columns_that_share_a_name_are_both_kept():
    frame = rows_frame([(1, "a"), (2, "b")], ["code", "code"])
    assert frame.shape == (2, 2) and frame.iloc[:, 0].tolist() == [1, 2] and frame.iloc[:, 1].tolist() == ["a", "b"]


def test_a_database_read_gives_the_same_frame(engine_db_url):
    rows = union_all(select(literal(1).label("n"), literal("x").label("s")),
                     select(literal(2).label("n"), literal(None).label("s"))).subquery()
    frame = read(engine_db_url, select(rows.c.n, rows.c.s).order_by(rows.c.n))
    assert frame["n"].tolist() == [1, 2] and frame["s"].tolist()[0] == "x" and pd.isna(frame["s"].iloc[1])
    assert read(engine_db_url, select(rows.c.n).where(rows.c.n > 5)).empty
