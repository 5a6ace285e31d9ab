"""An open overdue milestone makes its task and unit late on every surface, even over a 100 % report.

The sample county plus one hand-made task: 农业局 leads T99 alone, reported it 100 % 已完成, and
its milestone due months before the as-of date is still open. Matrix, unit view, ranking, cockpit
tiles and the briefing pack must all call it late.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import create_engine, insert

from brief.model import BriefRequest
from brief.sections import build_pack
from db.schema import task, task_milestone, task_progress, task_unit
from labels import label_of, t
from queries.scope import Scope
from queries.tasks import unit_ranking
from tests.conftest import APP_ASOF, copy_sample, on_page, read_table

COUNTY = "429999000000"
SCOPE = Scope(((COUNTY, "county"),), household_detail=True)
ASOF = date.fromisoformat(APP_ASOF)
UNIT = "nyj"
MILESTONE = "全面完成年度目标并验收"


@pytest.fixture(scope="module")
def late_db(sample_db_url, tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("truth") / "late.db"
    copy_sample(sample_db_url, target)
    url = f"sqlite:///{target}"
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(insert(task).values(code="T99", seq=99, title="示例已报完成的任务", area_code=COUNTY,
                                      starts_on=date(2026, 1, 1), due_on=date(2026, 12, 31)))
        c.execute(insert(task_unit).values(task_code="T99", unit_code=UNIT, role="lead"))
        c.execute(insert(task_milestone).values(id=99999, task_code="T99", unit_code=UNIT, title=MILESTONE,
                                                due_on=date(2026, 6, 30), done_on=None))
        c.execute(insert(task_progress).values(id=99999, task_code="T99", unit_code=UNIT, reported_on=date(2026, 7, 1),
                                               percent=100, status="done", note="已完成"))
    engine.dispose()
    return url


@pytest.fixture
def open_app(late_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    monkeypatch.setenv("DASHBOARD_DB_URL", late_db)

    def run(page: str, **params: str):
        test = AppTest.from_file(APP, default_timeout=60)
        for name, value in {"asof": APP_ASOF, **params}.items():
            test.query_params[name] = value
        return on_page(test, page).run()

    return run


def _open_late_pairs(url: str) -> set[tuple[str, str]]:
    """(task, unit) pairs with a milestone due before the date and not done by it, read from the table."""
    steps = read_table(url, "task_milestone")
    late = steps[(steps["due_on"].dt.date < ASOF) & (steps["done_on"].isna() | (steps["done_on"].dt.date > ASOF))]
    return set(zip(late["task_code"], late["unit_code"]))


def test_matrix_cell_is_red(open_app):
    test = open_app("tasks")
    assert not test.exception
    html = next(h.proto.body for h in test.html if "task-matrix" in h.proto.body and "<table" in h.proto.body)
    row = re.search(r'<tr data-task="T99">(.*?)</tr>', html, re.DOTALL).group(1)  # cell titles hold line breaks
    assert re.findall(r'data-status="(\w+)"', row) == ["overdue"]


def test_unit_view_opens_the_task_and_lists_the_milestone_as_todo(open_app, late_db):
    test = open_app("tasks", unit=UNIT)
    assert not test.exception
    expander = next(e for e in test.expander if e.label.startswith("99. "))
    assert label_of("task_status", "overdue") in expander.label and expander.proto.expanded
    todo = [table.value for table in test.table if t("task_col.when") in table.value.columns]  # 待办 lists
    overdue_days = (ASOF - date(2026, 6, 30)).days
    cells = [str(v) for frame in todo for v in frame.values.ravel()]
    assert any(MILESTONE in v for v in cells)
    assert any(t("tasks.overdue_by", days=f"{overdue_days:,}") in v for v in cells)
    pattern = re.escape(t("tasks.unit_summary", lead="L", responsible="R", overdue="O", behind="B"))
    pattern = pattern.replace("L", r"\d+").replace("R", r"\d+").replace("O", r"\d+").replace("B", r"(\d+)")
    behind = next(int(m.group(1)) for m in (re.fullmatch(pattern, e.value) for e in test.markdown) if m)
    late_tasks = {task for task, unit in _open_late_pairs(late_db) if unit == UNIT}
    assert behind >= len(late_tasks)  # 滞后或逾期任务: every task with an open overdue milestone


def test_ranking_counts_the_task_as_behind(late_db):
    ranking = unit_ranking(late_db, SCOPE, ASOF).set_index("unit_code")
    late_tasks = {task for task, unit in _open_late_pairs(late_db) if unit == UNIT}
    assert "T99" in late_tasks
    assert ranking.at[UNIT, "behind_tasks"] >= len(late_tasks)
    # Every unit with an open overdue milestone is behind on at least as many tasks.
    for unit, count in _late_tasks_per_unit(late_db).items():
        assert ranking.at[unit, "behind_tasks"] >= count


def _late_tasks_per_unit(url: str) -> dict[str, int]:
    pairs = _open_late_pairs(url)
    return {unit: sum(1 for _, u in pairs if u == unit) for unit in {u for _, u in pairs}}


def test_cockpit_does_not_count_the_task_as_done(open_app, late_db):
    links = read_table(late_db, "task_unit")
    reports = read_table(late_db, "task_progress")
    reports = reports[reports["reported_on"].dt.date <= ASOF].sort_values(["reported_on", "id"])
    latest = reports.groupby(["task_code", "unit_code"]).tail(1).set_index(["task_code", "unit_code"])
    late = _open_late_pairs(late_db)
    tasks = read_table(late_db, "task")
    started = set(tasks.loc[tasks["starts_on"].isna() | (tasks["starts_on"].dt.date <= ASOF), "code"])
    done = 0
    for code, group in links[links["task_code"].isin(started)].groupby("task_code"):
        pairs = set(zip(group["task_code"], group["unit_code"]))
        reported_done = all(p in latest.index and (latest.at[p, "status"] == "done" or latest.at[p, "percent"] >= 100)
                            for p in pairs)
        done += reported_done and not (pairs & late)
    test = open_app("overview")
    assert not test.exception
    tiles = {m.label: m.value for m in test.metric}
    assert tiles[t("overview.tile_tasks_done")] == f"{done} / {len(started)}"


def test_pack_calls_the_task_and_unit_late(late_db):
    pack = build_pack(BriefRequest(late_db, SCOPE, COUNTY, ASOF, "week", ("tasks",)))
    section = pack.sections[0]
    red = next(f.value for f in section.figures if f.label == t("brief_kpi.red_tasks"))
    assert red >= len({task for task, _ in _open_late_pairs(late_db)})
    units = section.tables[1].frame.set_index(t("brief_col.unit"))
    row = units.loc["农业局"]
    assert row[t("brief_col.red_tasks")] >= 1 and row[t("brief_col.percent")] < 100
    overdue = section.tables[0].frame
    assert ((overdue[t("brief_col.task")] == "99. 示例已报完成的任务") & (overdue[t("brief_col.unit")] == "农业局")).any()


def test_a_unit_pack_holds_that_units_tasks_only(late_db):
    from brief.build import build_files

    built = build_files(BriefRequest(late_db, SCOPE, COUNTY, ASOF, "week", ("tasks",), UNIT), charts=False)
    section = built.pack.sections[0]
    assert set(section.tables[1].frame[t("brief_col.unit")]) == {"农业局"}
    assert set(section.tables[0].frame[t("brief_col.unit")]) <= {"农业局"}
    links = read_table(late_db, "task_unit")
    assert next(f.value for f in section.figures if f.label == t("brief_kpi.tasks")) == \
        links.loc[links["unit_code"] == UNIT, "task_code"].nunique()
    assert "农业局" in built.pack.title() and built.file_name("pdf") == f"brief_{COUNTY}_{UNIT}_{APP_ASOF}.pdf"
