"""The 责任分工 page through AppTest on the sample county: matrix, unit view, task view, bad links."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from labels import label_of, t
from queries.scope import Scope
from queries.tasks import cell_status
from tests.conftest import read_table
from tests.conftest import copy_sample, shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TASKS_PAGE = str(Path(__file__).resolve().parent.parent / "views" / "tasks.py")
SCOPE = Scope((("429999000000", "county"),), household_detail=True)


@pytest.fixture
def tasks_page(sample_db_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", sample_db_url)

    def open_page(**params: str) -> AppTest:
        test = AppTest.from_file(APP, default_timeout=60)
        for name, value in params.items():
            test.query_params[name] = value
        test.run()
        return test.switch_page(TASKS_PAGE).run()

    return open_page


def _matrix_html(test: AppTest) -> str:
    return next(h.proto.body for h in test.html if "task-matrix" in h.proto.body and "<table" in h.proto.body)


@pytest.mark.parametrize("asof", ["2022-06-30", "2024-06-30"])
def test_matrix_shows_every_cell_with_its_status_as_of_the_date(tasks_page, sample_db_url, asof):
    test = tasks_page(asof=asof)
    assert not test.exception and test.title[0].value == t("tasks.title")
    html = _matrix_html(test)
    tasks = read_table(sample_db_url, "task")
    assert all(f"{seq}. {title}" in html for seq, title in zip(tasks["seq"], tasks["title"]))
    cells = cell_status(sample_db_url, SCOPE, date.fromisoformat(asof))
    shown = re.findall(r'data-status="(\w+)"', html)
    # Rows by sequence number, columns in first-appearance order: compare as multisets.
    assert sorted(shown) == sorted(cells["status"])
    assert len(shown) == len(read_table(sample_db_url, "task_unit")[["task_code", "unit_code"]].drop_duplicates())


def test_past_date_shows_an_earlier_state(tasks_page):
    early = re.findall(r'data-status="(\w+)"', _matrix_html(tasks_page(asof="2021-11-01")))
    late = re.findall(r'data-status="(\w+)"', _matrix_html(tasks_page(asof="2026-11-20")))
    assert early.count("done") < late.count("done")


def test_unit_link_opens_the_units_tasks_split_by_role(tasks_page, sample_db_url):
    test = tasks_page(unit="fpb", asof="2024-06-30")
    assert not test.exception and not test.warning
    units = read_table(sample_db_url, "unit").set_index("code")
    assert units.at["fpb", "name"] in test.subheader[0].value
    links = read_table(sample_db_url, "task_unit")
    mine = links[links["unit_code"] == "fpb"]
    led = set(mine.loc[mine["role"] == "lead", "task_code"])
    supporting = set(mine["task_code"]) - led
    tasks = read_table(sample_db_url, "task").set_index("code")
    labels = [e.label for e in test.expander]
    assert len(labels) == len(led) + len(supporting)
    expected_order = sorted(led, key=lambda c: tasks.at[c, "seq"]) + sorted(supporting, key=lambda c: tasks.at[c, "seq"])
    assert [label.split(" · ")[0] for label in labels] == [
        f"{tasks.at[c, 'seq']}. {tasks.at[c, 'title']}" for c in expected_order]
    milestones = read_table(sample_db_url, "task_milestone")
    in_tasks = sum(len(expander.table) for expander in test.expander)
    assert in_tasks == milestones[milestones["unit_code"] == "fpb"]["task_code"].nunique()


def test_task_view_lists_its_units_and_draws_the_chart(tasks_page, sample_db_url):
    test = tasks_page(task="T05", asof="2024-06-30")
    assert not test.exception
    links = read_table(sample_db_url, "task_unit")
    units = read_table(sample_db_url, "unit").set_index("code")["name"]
    table = test.dataframe[0].value
    assert sorted(table["unit"]) == sorted(units[links.loc[links["task_code"] == "T05", "unit_code"]])
    assert table["role"].iloc[0] == t("tasks.role_lead")
    assert test.get("plotly_chart")
    steps = read_table(sample_db_url, "task_milestone")
    assert len(test.dataframe[1].value) == (steps["task_code"] == "T05").sum()


@pytest.mark.parametrize("params, key", [
    ({"unit": "nosuchunit"}, "tasks.unknown_unit"),
    ({"task": "T99"}, "tasks.unknown_task"),
    ({"task": "<script>"}, "tasks.unknown_task"),
])
def test_unknown_unit_or_task_gets_a_message_and_the_matrix(tasks_page, params, key):
    test = tasks_page(**params)
    assert not test.exception
    value = next(iter(params.values()))
    assert any(shown(t(key, value=value)) in shown(w.value) for w in test.warning)
    assert _matrix_html(test)


def test_who_is_behind_ranks_units_with_overdue_milestones_first(tasks_page):
    test = tasks_page(asof="2024-06-30")
    ranking = test.dataframe[0].value
    overdue = ranking["overdue_milestones"].tolist()
    assert overdue == sorted(overdue, reverse=True) and overdue[0] > 0
    listed = test.dataframe[1].value
    assert len(listed) == sum(overdue) and listed["overdue_days"].is_monotonic_decreasing


def test_status_labels_exist_for_every_status():
    for status in ("done", "on_track", "at_risk", "overdue", "not_started"):
        assert label_of("task_status", status) != status


def test_database_text_shows_as_typed(sample_db_url, tmp_path, monkeypatch):

    from sqlalchemy import create_engine, text

    from components.text import md_escape

    copy = tmp_path / "copy.db"
    copy_sample(sample_db_url, copy)
    hostile = "**粗体** [链接](http://example.com) <img src=x onerror=alert(1)>"
    engine = create_engine(f"sqlite:///{copy}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE task_milestone SET title = :t WHERE unit_code = 'fpb'"), {"t": hostile})
        connection.execute(text("UPDATE task SET title = :t WHERE code = 'T01'"), {"t": hostile})
        connection.execute(text("UPDATE unit SET name = :t WHERE code = 'xq'"), {"t": hostile})
    engine.dispose()
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{copy}")
    test = AppTest.from_file(APP, default_timeout=60)
    test.query_params["unit"] = "fpb"
    test.query_params["asof"] = "2024-06-30"
    test.run()
    test.switch_page(TASKS_PAGE).run()
    assert not test.exception
    assert test.expander[0].label.startswith("1. " + md_escape(hostile))
    cells = {str(v) for table in test.table for v in table.value.to_numpy().ravel()}
    assert md_escape(hostile) in cells and hostile not in cells
    others = [m.value for m in test.markdown if "onerror" in m.value]
    assert others and all(hostile not in value for value in others)


def test_sort_controls_reorder_rows_and_columns(tasks_page, sample_db_url):
    from components.task_grid import order_tasks, order_units
    from queries.tasks import task_links, tasks_in_scope

    test = tasks_page(asof="2024-06-30")
    by_seq = re.findall(r'<tr data-task="(\w+)"', _matrix_html(test))
    assert by_seq == [f"T{n:02d}" for n in range(1, 17)]
    asof = date(2024, 6, 30)
    cells = cell_status(sample_db_url, SCOPE, asof)
    links = task_links(sample_db_url, SCOPE)
    test.button_group[0].set_value("late").run()
    test.button_group[1].set_value("status").run()
    html = _matrix_html(test)
    assert re.findall(r'<tr data-task="(\w+)"', html) == order_tasks(tasks_in_scope(sample_db_url, SCOPE), cells, "status")
    assert re.findall(r'<th class="tm-unit"[^>]*><a href="[^"]*unit=(\w+)', html) == order_units(links, cells, "late")
    assert order_units(links, cells, "late") != order_units(links, cells, "default")
    assert order_tasks(tasks_in_scope(sample_db_url, SCOPE), cells, "status") != by_seq  # the click changed something
    first_row = re.search(r'<tr data-task="\w+">(.*?)</tr>', html).group(1)
    assert 'data-status="overdue"' in first_row  # the worst task comes first


def test_a_date_before_the_first_task_says_so(tasks_page):
    test = tasks_page(asof="2021-06-30")
    assert not test.exception
    page_notes = [i.value for i in test.info if i.value != t("auth.sample_banner")]  # the sidebar's banner aside
    assert page_notes == [t("tasks.none_yet", asof="2021-06-30")]


def test_unreported_cells_the_chase_list_and_the_cockpit_line_agree(tasks_page, sample_db_url, app):
    """未报 on the matrix, in the 催办 tab and on the cockpit: the same pairs as queries.reports.unreported."""
    from components.report_chase import build_chase_table, xlsx_bytes
    from queries.reports import unreported
    from queries.tasks import tasks_in_scope, unit_list

    asof = date(2026, 11, 20)
    owing = unreported(sample_db_url, SCOPE, asof)
    assert not owing.empty  # the sample's units last reported weeks before 2026-11-20
    test = tasks_page(asof=asof.isoformat())
    html = _matrix_html(test)
    rows = dict(re.findall(r'<tr data-task="(\w+)">(.*?)</tr>', html, flags=re.S))
    flagged = {code: row.count('data-unreported="1"') for code, row in rows.items()}
    assert flagged == {code: int((owing["task_code"] == code).sum()) for code in rows}
    assert html.count(f'>{t("reports.cell_unreported_mark")}</sub>') == len(owing)
    first = owing.iloc[0]
    assert t("reports.cell_unreported_title", deadline=first["deadline"], days=7).strip() in html
    assert t("notice.button") in [button.proto.label for button in test.get("download_button")]
    tables = [frame.value for frame in test.dataframe]
    chase = next(frame for frame in tables if t("chase_col.days_late") in frame.columns)
    names = unit_list(sample_db_url, SCOPE)["name"]
    assert set(chase[t("chase_col.unit")]) == {names[code] for code in owing["unit_code"]}
    assert len(chase) == len(owing) and set(chase[t("chase_col.days_late")]) == {7}
    table = build_chase_table(owing, tasks_in_scope(sample_db_url, SCOPE, asof), unit_list(sample_db_url, SCOPE))
    import io

    import pandas as pd
    assert pd.read_excel(io.BytesIO(xlsx_bytes(table, "sheet")), engine="openpyxl").shape == table.shape
    cockpit = app("overview", asof=asof.isoformat())
    line = t("overview.change_unreported", units=owing["unit_code"].nunique(), pairs=len(owing),
             days=int(owing["days_late"].max()))
    assert any(line in shown(link.proto.label) for link in cockpit.get("page_link"))
