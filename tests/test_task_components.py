"""Task components without Streamlit: escaping, orderings, abbreviations, week-change text."""

from __future__ import annotations

from datetime import date

import pandas as pd

from labels import t
from components.task_details import build_milestone_table, build_progress_figure, build_unit_tasks
from components.task_grid import build_matrix_html, order_tasks, order_units, pick_known, unit_abbreviation
from components.task_ranking import change_text

EVIL = "<img src=x onerror=alert(1)>"
TASKS = pd.DataFrame({"code": ["T01", "T02"], "seq": [1, 2], "title": [EVIL + "任务", "第二项"]})
UNITS = pd.DataFrame({"code": ["fpb", "u_x", "xq"], "name": ["扶贫办", EVIL, "学区"],
                      "alias": ["乡村振兴办", None, None]}).set_index("code", drop=False)
LINKS = pd.DataFrame({"task_code": ["T01", "T01", "T02", "T02", "T02"],
                      "unit_code": ["xq", "u_x", "fpb", "xq", "fpb"],
                      "role": ["lead", "responsible", "lead", "responsible", "responsible"]})
CELLS = pd.DataFrame({"task_code": ["T01", "T01", "T02", "T02"], "unit_code": ["u_x", "xq", "fpb", "xq"],
                      "percent": [10.0, None, 50.0, 100.0], "reported_status": ["at_risk", None, "on_track", "done"],
                      "reported_on": [date(2024, 1, 25), None, date(2024, 1, 25), date(2024, 1, 25)],
                      "note": [EVIL, None, "ok", "done"], "overdue": [0, 0, 2, 0],
                      "status": ["at_risk", "not_started", "overdue", "done"]})


def _link(param: str, code: str) -> dict[str, str]:
    return {param: code, "asof": "2024-06-30"}


def test_matrix_escapes_database_text_and_links_each_unit_and_task():
    html = build_matrix_html(TASKS, UNITS, LINKS, CELLS, ["fpb", "xq", "u_x"], ["T01", "T02"], _link)
    assert EVIL not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="tasks?unit=fpb&amp;asof=2024-06-30"' in html and 'href="tasks?task=T02&amp;asof=2024-06-30"' in html
    assert 'title="扶贫办（又称 乡村振兴办）"' in html
    assert html.count("data-status=") == 4 and html.count("<td></td>") == 2
    # 扶贫办 both leads and is responsible on T02: it shows as lead, its hover names both roles.
    assert "牵头、责任" in html and 'data-status="overdue">' + t("tasks.lead_mark") in html
    assert "完成 50%" in html and "逾期节点 2 个" in html


def test_unit_and_task_orders():
    assert order_units(LINKS, CELLS, "default") == ["xq", "u_x", "fpb"]
    assert order_units(LINKS, CELLS, "lead") == ["xq", "fpb", "u_x"]   # one lead each: first seen wins
    assert order_units(LINKS, CELLS, "late") == ["fpb", "u_x", "xq"]   # 2 overdue, then 1 at risk
    assert order_tasks(TASKS, CELLS, "seq") == ["T01", "T02"]
    assert order_tasks(TASKS, CELLS, "status") == ["T02", "T01"]       # T02 has an overdue cell


def test_headers_show_full_names_where_they_fit_and_reviewed_abbreviations_otherwise(sample_db_url):
    from tests.conftest import read_table

    units = read_table(sample_db_url, "unit")
    shown = {code: unit_abbreviation(code, name) for code, name in zip(units["code"], units["name"])}
    assert shown["mzb"] == "民政办" and shown["mzj"] == "民政局" and shown["pcs"] == "派出所"  # not 民局 / 派出
    assert shown["shswb"] == t("unit_abbr.shswb") != "unit_abbr.shswb"
    assert len(set(shown.values())) == len(shown)  # no two units read alike
    assert all(len(text) <= 3 for text in shown.values())
    assert unit_abbreviation("u_x", "新设单位办") == "新设单"


def test_no_abbreviation_calls_todays_lead_unit_poverty_alleviation(sample_db_url):
    """Issue 20: the county's matrix may name 扶贫办 (shown in full, as written); an abbreviation the
    dashboard makes must not: the wall's header reads 乡振办. Issue 19: nor a cut stem (派出, 社事, 民政 for
    both 民政办 and 民政局): full names where they fit, else the reviewed abbreviation."""
    from components.wall.tasks import wall_unit_label
    from tests.conftest import read_table

    units = read_table(sample_db_url, "unit")
    stems = {code: wall_unit_label(code, name) for code, name in zip(units["code"], units["name"])}
    assert stems["fpb"] == "乡振办" and stems["czj"] == "财政局" and stems["pcs"] == "派出所"
    assert stems["shswb"] == "社事办" and stems["rszx"] == "人社中心"
    assert len(set(stems.values())) == len(stems)  # 民政办 and 民政局 no longer read alike
    assert [code for code, stem in stems.items() if "扶贫" in stem] == []
    shortened = {code: unit_abbreviation(code, name) for code, name in zip(units["code"], units["name"])}
    names = dict(zip(units["code"], units["name"]))
    assert [code for code, short in shortened.items() if "扶贫" in short and short != names[code]] == []


def test_unit_tasks_split_roles_and_list_the_others():
    table = build_unit_tasks("xq", TASKS, UNITS, LINKS, CELLS).set_index("task_code")
    assert table.at["T01", "role"] == "lead" and table.at["T02", "role"] == "responsible"
    assert table.at["T01", "others"] == EVIL and table.at["T02", "others"] == "扶贫办"
    assert table.at["T01", "status"] == "not_started" and table.at["T02", "status"] == "done"


def test_progress_chart_escapes_names_and_notes():
    history = pd.DataFrame({"unit_code": ["u_x", "u_x"], "reported_on": [date(2024, 1, 25), date(2024, 2, 25)],
                            "percent": [10.0, 20.0], "status": ["on_track", "at_risk"], "note": [EVIL, None]})
    figure = build_progress_figure(history, UNITS)
    assert figure.data[0].name == "&lt;img src=x onerror=alert(1)&gt;"
    assert EVIL not in str(figure.to_plotly_json())


def test_milestone_table_shows_lateness_only_when_late():
    steps = pd.DataFrame({"unit_code": ["xq", "xq"], "title": ["a", "b"], "due_on": [date(2024, 1, 1)] * 2,
                          "done_on": [None, date(2024, 1, 5)], "overdue_days": [30, 0], "late_days": [0, 4]})
    table = build_milestone_table(steps, UNITS)
    assert table[t("task_col.overdue_days")].tolist() == ["30", ""]
    assert table[t("task_col.late")].tolist() == ["", "4"]
    assert table[t("task_col.done_on")].tolist() == [t("tasks.none"), "2024-01-05"]


def test_week_change_and_url_codes():
    assert [change_text(n) for n in (2, 0, -1)] == ["▲2", "—", "▼1"]
    assert pick_known("fpb", ["fpb"]) == ("fpb", None)
    assert pick_known("T99", ["T01"]) == (None, "T99")
    assert pick_known(None, ["T01"]) == (None, None) and pick_known(" ", ["T01"]) == (None, None)
