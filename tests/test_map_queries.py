"""Map queries against an independent pandas count on the raw tables, on every engine."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from queries.map import (child_boundaries, map_figures, village_assets, village_map_figures, village_points,
                         villages_without_boundary)
from queries.scope import Scope, ScopeError
from tests.conftest import read_table
from tests.conftest import copy_sample

COUNTY = "429999000000"
SCOPE = Scope(((COUNTY, "county"),), household_detail=True)
ASOF = date(2026, 11, 20)
WORST = {"done": 0, "not_started": 1, "on_track": 1, "at_risk": 2, "overdue": 3}


def _expected_village_figures(url: str, asof: date) -> pd.DataFrame:
    """The map's per-village inputs, computed from whole tables with pandas."""
    households = read_table(url, "household")
    cases = read_table(url, "monitoring_case").merge(households[["id", "village_code"]],
                                                     left_on="household_id", right_on="id")
    for column in ("identified_on", "eliminated_on"):
        cases[column] = pd.to_datetime(cases[column]).dt.date
    cases = cases[cases["identified_on"] <= asof]
    year_start = date(asof.year, 1, 1)
    eliminated = cases["eliminated_on"].map(lambda d: d if pd.notna(d) else None)
    frame = pd.DataFrame({
        "new_cases_4w": cases["identified_on"] > asof - timedelta(days=28),
        "eliminated_year": eliminated.map(lambda d: d is not None and year_start <= d <= asof),
        "cases_in_year": eliminated.map(lambda d: d is None or d >= year_start),
        "village_code": cases["village_code"]}).groupby("village_code").sum()
    assets = read_table(url, "asset")
    assets = assets[assets["formed_year"].isna() | (assets["formed_year"] <= asof.year)]
    frame = frame.join(assets.groupby("village_code")["value"].sum().rename("asset_value"), how="outer")
    progress = read_table(url, "task_progress")
    progress["reported_on"] = pd.to_datetime(progress["reported_on"]).dt.date
    progress = progress[progress["reported_on"] <= asof]
    latest = progress.groupby(["task_code", "unit_code"])["reported_on"].transform("max")
    progress = progress[progress["reported_on"] == latest]
    unit_rank = progress.assign(rank=progress["status"].map(WORST)).groupby("unit_code")["rank"].max()
    steps = read_table(url, "task_milestone")
    open_late = steps[(steps["due_on"].dt.date < asof) & (steps["done_on"].isna() | (steps["done_on"].dt.date > asof))]
    unit_rank = unit_rank.combine(pd.Series(WORST["overdue"], index=open_late["unit_code"].unique()), max,
                                  fill_value=-1)  # an open overdue milestone wins over any report
    helpers = households.dropna(subset=["helper_unit_code"])[["village_code", "helper_unit_code"]].drop_duplicates()
    helpers["rank"] = helpers["helper_unit_code"].map(unit_rank)
    frame = frame.join(helpers.groupby("village_code")["rank"].max().rename("task_rank"), how="outer")
    return frame.fillna({"new_cases_4w": 0, "eliminated_year": 0, "cases_in_year": 0, "asset_value": 0})


@pytest.mark.engines
def test_village_figures_match_pandas_on_every_engine(engine_db_url):
    got = village_map_figures(engine_db_url, SCOPE, COUNTY, "county", ASOF)
    expected = _expected_village_figures(engine_db_url, ASOF)
    for column in ("new_cases_4w", "eliminated_year", "cases_in_year", "asset_value"):
        pd.testing.assert_series_equal(got[column].reindex(expected.index).fillna(0).astype(float),
                                       expected[column].astype(float), check_names=False, obj=column)
    pd.testing.assert_series_equal(got["task_rank"].reindex(expected.index).astype(float),
                                   expected["task_rank"].astype(float), check_names=False, obj="task_rank")
    assert expected["new_cases_4w"].sum() > 0 and expected["eliminated_year"].sum() > 0  # not a vacuous check


def test_township_rollup_sums_counts_and_takes_the_worst_status(sample_db_url):
    per_village = village_map_figures(sample_db_url, SCOPE, COUNTY, "county", ASOF)
    townships = map_figures(sample_db_url, SCOPE, COUNTY, "county", "township", ASOF)
    keys = [code[:9] + "000" for code in per_village.index]
    assert townships["open_cases"].to_dict() == per_village.groupby(keys)["open_cases"].sum().to_dict()
    assert townships["task_rank"].to_dict() == per_village.groupby(keys)["task_rank"].max().to_dict()
    share = (100 * townships["eliminated_year"] / townships["cases_in_year"]).round(1)
    pd.testing.assert_series_equal(townships["elimination_share"], share, check_names=False)
    rate = (100 * townships["open_cases"] / townships["households"]).round(2)
    pd.testing.assert_series_equal(townships["open_rate"], rate, check_names=False)


@pytest.fixture
def task_db(sample_db_url, tmp_path):
    """A copy of the sample where one village is helped by one unit with hand-made progress reports."""
    copy = tmp_path / "tasks.db"
    copy_sample(sample_db_url, copy)
    url = f"sqlite:///{copy}"
    engine = create_engine(url)
    with engine.begin() as connection:
        village = connection.execute(text("SELECT village_code FROM household GROUP BY village_code "
                                          "ORDER BY village_code LIMIT 1")).scalar()
        connection.execute(text("INSERT INTO unit (code, name) VALUES ('hand', 'hand-made unit')"))
        connection.execute(text("UPDATE household SET helper_unit_code = 'hand' WHERE village_code = :v"), {"v": village})
        task = connection.execute(text("SELECT code FROM task ORDER BY code LIMIT 1")).scalar()
        other = connection.execute(text("SELECT code FROM task ORDER BY code LIMIT 1 OFFSET 1")).scalar()
        rows = [(task, "2026-01-10", "overdue"), (task, "2026-06-01", "on_track"),  # caught up since
                (other, "2026-03-01", "done"),
                (task, "2026-12-01", "overdue")]  # after the as-of date: not yet known
        for number, (code, day, status) in enumerate(rows):
            connection.execute(text("INSERT INTO task_progress (id, task_code, unit_code, reported_on, percent, status)"
                                    " VALUES (:id, :task, 'hand', :day, 50, :status)"),
                               {"id": 10_000_000 + number, "task": code, "day": day, "status": status})
    engine.dispose()
    return url, village


def test_task_status_is_each_tasks_latest_report_worst_first(task_db):
    url, village = task_db
    figures = map_figures(url, SCOPE, COUNTY, "county", "village", ASOF)
    assert figures.at[village, "task_status"] == "on_track"  # latest on_track beats the older overdue
    later = map_figures(url, SCOPE, COUNTY, "county", "village", date(2026, 12, 2))
    assert later.at[village, "task_status"] == "overdue"  # the December report is now known
    before = map_figures(url, SCOPE, COUNTY, "county", "village", date(2026, 2, 1))
    assert before.at[village, "task_status"] == "overdue"


def test_boundaries_cover_the_areas_below_and_missing_villages_are_listed(sample_db_url):
    areas = read_table(sample_db_url, "area")
    stored = set(read_table(sample_db_url, "area_boundary")["area_code"])
    villages = areas[areas["level"] == "village"]
    missing = sorted(set(villages["code"]) - stored)
    assert len(missing) == 1  # the sample's deliberate village without a boundary
    assert villages_without_boundary(sample_db_url, SCOPE, COUNTY, "county")["code"].tolist() == missing
    township = villages.loc[villages["code"] == missing[0], "parent_code"].iloc[0]
    shapes = child_boundaries(sample_db_url, SCOPE, township, "township", "village")
    assert set(shapes) == set(villages.loc[villages["parent_code"] == township, "code"]) - set(missing)
    townships = child_boundaries(sample_db_url, SCOPE, COUNTY, "county", "township")
    assert set(townships) == set(areas.loc[areas["level"] == "township", "code"])


def test_village_points_are_masked_and_carry_the_open_case(sample_db_url):
    households = read_table(sample_db_url, "household")
    cases = read_table(sample_db_url, "monitoring_case")
    open_ids = set(cases.loc[cases["eliminated_on"].isna(), "household_id"])
    village = households.loc[households["id"].isin(open_ids), "village_code"].mode()[0]
    points = village_points(sample_db_url, SCOPE, village, ASOF)
    mine = households[households["village_code"] == village]
    assert sorted(points["id"]) == sorted(mine["id"])
    assert not set(points["head_name"]) & set(mine["head_name"])
    assert set(points.loc[points["open_case_type"].notna(), "id"]) == open_ids & set(mine["id"])
    assets = village_assets(sample_db_url, SCOPE, village, ASOF)
    expected = read_table(sample_db_url, "asset")
    assert sorted(assets["id"]) == sorted(expected.loc[expected["village_code"] == village, "id"])


def test_areas_outside_the_scope_are_refused(sample_db_url):
    other = Scope((("429999101000", "township"),), household_detail=True)
    with pytest.raises(ScopeError):
        map_figures(sample_db_url, other, COUNTY, "county", "township", ASOF)
    with pytest.raises(ScopeError):
        village_points(sample_db_url, other, "429999201001", ASOF)
    with pytest.raises(ScopeError):
        child_boundaries(sample_db_url, Scope((), household_detail=True), COUNTY, "county", "village")
