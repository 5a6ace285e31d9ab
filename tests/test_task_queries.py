"""Task queries: statuses as of a date on both sides of every threshold, scope, and pandas cross-checks."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import insert

from db.engine import make_engine
from db.schema import area, metadata, task, task_milestone, task_progress, task_unit, unit
from queries import tasks as q
from queries.scope import Scope
from tests.conftest import SAMPLE_UNTIL, read_table

COUNTY = "429999000000"
COUNTY_SCOPE = Scope(((COUNTY, "county"),), household_detail=True)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> str:
    """One county, two townships, tasks at each level, one unit with hand-made reports and milestones."""
    url = f"sqlite:///{tmp_path_factory.mktemp('tasks') / 'small.db'}"
    engine = make_engine(url)
    metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(area), [
            {"code": COUNTY, "name": "县", "level": "county", "parent_code": None},
            {"code": "429999101000", "name": "甲镇", "level": "township", "parent_code": COUNTY},
            {"code": "429999102000", "name": "乙镇", "level": "township", "parent_code": COUNTY},
            {"code": "429998000000", "name": "邻县", "level": "county", "parent_code": None},
        ])
        c.execute(insert(unit), [{"code": "a", "name": "甲办"}, {"code": "b", "name": "乙办"}])
        c.execute(insert(task), [
            {"code": "T01", "seq": 1, "title": "县级任务", "area_code": COUNTY},
            {"code": "T02", "seq": 2, "title": "甲镇任务", "area_code": "429999101000"},
            {"code": "T03", "seq": 3, "title": "乙镇任务", "area_code": "429999102000"},
            {"code": "T04", "seq": 4, "title": "邻县任务", "area_code": "429998000000"},
            {"code": "T05", "seq": 5, "title": "不属区域", "area_code": None},
        ])
        c.execute(insert(task_unit), [
            {"task_code": "T01", "unit_code": "a", "role": "lead"},
            {"task_code": "T01", "unit_code": "b", "role": "responsible"},
            {"task_code": "T02", "unit_code": "b", "role": "lead"},
            {"task_code": "T03", "unit_code": "a", "role": "lead"},
            {"task_code": "T04", "unit_code": "a", "role": "lead"},
            {"task_code": "T05", "unit_code": "a", "role": "lead"},
        ])
        c.execute(insert(task_milestone), [
            {"id": 1, "task_code": "T01", "unit_code": "a", "title": "节点一", "due_on": date(2024, 6, 10),
             "done_on": date(2024, 6, 20)},
            {"id": 2, "task_code": "T01", "unit_code": "b", "title": "节点二", "due_on": date(2024, 6, 10),
             "done_on": None},
        ])
        c.execute(insert(task_progress), [
            {"id": 1, "task_code": "T01", "unit_code": "a", "reported_on": date(2024, 5, 25), "percent": 40,
             "status": "on_track", "note": "五月"},
            {"id": 2, "task_code": "T01", "unit_code": "a", "reported_on": date(2024, 6, 25), "percent": 55,
             "status": "at_risk", "note": "六月"},
            # Two reports on one day: the later-entered one (higher id) is the latest.
            {"id": 3, "task_code": "T01", "unit_code": "b", "reported_on": date(2024, 5, 25), "percent": 90,
             "status": "on_track", "note": "初报"},
            {"id": 4, "task_code": "T01", "unit_code": "b", "reported_on": date(2024, 5, 25), "percent": 100,
             "status": "on_track", "note": "完成"},
        ])
    engine.dispose()
    return url


def _cell(url: str, asof: date, task_code: str = "T01", unit_code: str = "a") -> pd.Series:
    cells = q.cell_status(url, COUNTY_SCOPE, asof).set_index(["task_code", "unit_code"])
    return cells.loc[(task_code, unit_code)]


@pytest.mark.parametrize("asof, status, percent, overdue", [
    (date(2024, 5, 24), "not_started", None, 0),  # the day before the first report
    (date(2024, 5, 25), "on_track", 40, 0),       # a report counts from its own day
    (date(2024, 6, 10), "on_track", 40, 0),       # due today is not yet overdue
    (date(2024, 6, 11), "overdue", 40, 1),        # the day after: overdue, done only on 06-20
    (date(2024, 6, 19), "overdue", 40, 1),
    (date(2024, 6, 20), "on_track", 40, 0),       # done that day
    (date(2024, 6, 25), "at_risk", 55, 0),        # the later report replaces the earlier
])
def test_cell_status_on_both_sides_of_each_date(small_db, asof, status, percent, overdue):
    cell = _cell(small_db, asof)
    assert cell["status"] == status and cell["overdue"] == overdue
    assert (pd.isna(cell["percent"]) if percent is None else cell["percent"] == percent)


def test_an_open_overdue_milestone_wins_over_a_100_percent_report(small_db):
    cell = _cell(small_db, date(2024, 7, 1), unit_code="b")
    assert cell["status"] == "overdue" and cell["overdue"] == 1 and cell["percent"] == 100 and cell["note"] == "完成"
    assert _cell(small_db, date(2024, 6, 10), unit_code="b")["status"] == "done"  # due today: not yet late


def test_milestones_hide_a_completion_after_the_date(small_db):
    before = q.milestones(small_db, COUNTY_SCOPE, date(2024, 6, 15), unit_code="a")
    assert before.loc[0, "done_on"] is None and before.loc[0, "overdue_days"] == 5
    after = q.milestones(small_db, COUNTY_SCOPE, date(2024, 6, 30), unit_code="a")
    assert after.loc[0, "done_on"] == date(2024, 6, 20) and after.loc[0, "late_days"] == 10
    assert after.loc[0, "overdue_days"] == 0


@pytest.mark.parametrize("scope, visible", [
    (COUNTY_SCOPE, ["T01", "T02", "T03", "T05"]),
    (Scope((("429999101000", "township"),), household_detail=True), ["T01", "T02", "T05"]),  # its own and the county's
    (Scope((("429999101000", "township"), ("429998000000", "county")), household_detail=True), ["T01", "T02", "T04", "T05"]),
    (Scope((), household_detail=True), []),  # deny by default
])
def test_tasks_follow_the_scope_rule(small_db, scope, visible):
    assert q.tasks_in_scope(small_db, scope)["code"].tolist() == visible
    assert sorted(set(q.task_links(small_db, scope)["task_code"])) == visible
    assert sorted(set(q.cell_status(small_db, scope, date(2024, 7, 1))["task_code"])) == visible


def test_ranking_counts_a_week_ago(small_db):
    ranking = q.unit_ranking(small_db, COUNTY_SCOPE, date(2024, 6, 15)).set_index("unit_code")
    assert ranking.at["a", "overdue_milestones"] == 1 and ranking.at["a", "overdue_change"] == 1  # 06-08: none
    assert ranking.at["a", "behind_tasks"] == 1 and ranking.at["a", "behind_change"] == 1
    assert ranking.at["b", "overdue_milestones"] == 1 and ranking.at["b", "behind_tasks"] == 1  # 100 % yet late
    assert ranking.at["a", "lead_count"] == 3 and ranking.at["b", "task_count"] == 2


def _reference_cells(url: str, asof: date) -> pd.DataFrame:
    """The same statuses from whole tables with pandas: the independent reading of the rule."""
    links = read_table(url, "task_unit")[["task_code", "unit_code"]].drop_duplicates()
    reports = read_table(url, "task_progress")
    reports = reports[reports["reported_on"].dt.date <= asof].sort_values(["reported_on", "id"])
    latest = reports.groupby(["task_code", "unit_code"]).tail(1)
    steps = read_table(url, "task_milestone")
    late = steps[(steps["due_on"].dt.date < asof) & (steps["done_on"].isna() | (steps["done_on"].dt.date > asof))]
    overdue = late.groupby(["task_code", "unit_code"]).size().rename("overdue")
    cells = links.merge(latest, how="left", on=["task_code", "unit_code"]).join(overdue, on=["task_code", "unit_code"])
    cells["overdue"] = cells["overdue"].fillna(0).astype(int)

    def status(row) -> str:
        if row["overdue"] > 0:
            return "overdue"
        if pd.isna(row["status"]):
            return "not_started"
        return "done" if row["status"] == "done" or row["percent"] >= 100 else row["status"]

    cells["expected"] = cells.apply(status, axis=1)
    return cells.set_index(["task_code", "unit_code"]).sort_index()


@pytest.mark.engines
@pytest.mark.parametrize("asof", [date(2022, 3, 1), date(2024, 6, 30), SAMPLE_UNTIL])
def test_cell_status_matches_pandas_on_every_engine(engine_db_url, asof):
    got = q.cell_status(engine_db_url, COUNTY_SCOPE, asof).set_index(["task_code", "unit_code"]).sort_index()
    expected = _reference_cells(engine_db_url, asof)
    assert list(got.index) == list(expected.index)
    assert got["status"].tolist() == expected["expected"].tolist()
    assert got["overdue"].tolist() == expected["overdue"].tolist()
    assert got["percent"].fillna(-1).tolist() == expected["percent"].fillna(-1).tolist()
    assert len(q.overdue_milestones(engine_db_url, COUNTY_SCOPE, asof)) == expected["overdue"].sum()
    ranking = q.unit_ranking(engine_db_url, COUNTY_SCOPE, asof).set_index("unit_code")
    by_unit = expected.groupby(level="unit_code")["overdue"].sum()
    assert (ranking["overdue_milestones"].reindex(by_unit.index) == by_unit).all()
    behind = expected[expected["expected"].isin(["overdue", "at_risk"])].groupby(level="unit_code").size()
    assert (ranking["behind_tasks"].reindex(behind.index) == behind).all()
    assert ranking["behind_tasks"].sum() == behind.sum()


def test_a_task_appears_from_its_start_date(engine_db_url):
    # The sample's tasks come from the document of 2021-09-20.
    assert q.tasks_in_scope(engine_db_url, COUNTY_SCOPE, date(2021, 9, 19)).empty
    assert q.task_links(engine_db_url, COUNTY_SCOPE, date(2021, 9, 19)).empty
    assert q.cell_status(engine_db_url, COUNTY_SCOPE, date(2021, 9, 19)).empty
    assert len(q.tasks_in_scope(engine_db_url, COUNTY_SCOPE, date(2021, 9, 20))) == 16
    assert len(q.tasks_in_scope(engine_db_url, COUNTY_SCOPE)) == 16  # no date: every task
