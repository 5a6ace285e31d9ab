"""The task matrix as a department head and a secretary use it, in a real browser at 1920×1080."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import create_engine

from labels import t
from tests.browser.conftest import SCREENSHOTS, wait_for_app

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
ASOF = "2024-06-30"


@pytest.fixture(scope="module")
def matrix_rows(sample_db_url):
    engine = create_engine(sample_db_url)
    try:
        return (pd.read_sql_table("unit", engine).set_index("code"), pd.read_sql_table("task", engine),
                pd.read_sql_table("task_unit", engine))
    finally:
        engine.dispose()


def test_matrix_fits_a_full_hd_screen_without_horizontal_scrolling(open_page, matrix_rows):
    units, tasks, links = matrix_rows
    opened = open_page(f"/tasks?asof={ASOF}", viewport=(1920, 1080))
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0
    table = page.locator("table.task-matrix")
    assert table.locator("tbody tr").count() == len(tasks)
    assert table.locator("thead th").count() == links["unit_code"].nunique() + 1
    marks = table.locator("td[data-status]")
    assert marks.count() == len(links[["task_code", "unit_code"]].drop_duplicates())
    # Nothing wider than the window: the page does not scroll sideways and no cell is clipped off.
    widths = page.evaluate("""() => ({doc: document.documentElement.scrollWidth, win: window.innerWidth,
        table: document.querySelector('table.task-matrix').getBoundingClientRect().right})""")
    assert widths["doc"] <= widths["win"] and widths["table"] <= widths["win"]
    clipped = page.evaluate("""() => [...document.querySelectorAll('table.task-matrix th.tm-unit')]
        .filter(th => th.scrollWidth > th.clientWidth).map(th => th.innerText)""")
    assert clipped == []  # every abbreviation readable in full
    header = table.locator("thead th[title]").first
    assert header.get_attribute("title") in set(units["name"]) | {
        n + t("tasks.unit_alias", alias=a) for n, a in zip(units["name"], units["alias"]) if isinstance(a, str)}
    assert opened.errors == [] and opened.foreign_requests == []


def test_thirty_two_units_still_fit_the_same_width(open_page):
    """The sample has 26 units; a county with ~30 must still fit: render 16 × 32 at the page's width."""
    from components.task_grid import build_matrix_html

    opened = open_page(f"/tasks?asof={ASOF}", viewport=(1920, 1080))
    width = opened.page.evaluate("document.querySelector('table.task-matrix').parentElement.clientWidth")
    codes = [f"u{i:02d}" for i in range(32)]
    units = pd.DataFrame({"code": codes, "name": [f"第{i}号单位办" for i in range(32)], "alias": None})
    tasks = pd.DataFrame({"code": [f"T{i:02d}" for i in range(1, 17)], "seq": range(1, 17),
                          "title": ["抓党建促巩固拓展脱贫攻坚成果和乡村振兴"] * 16})
    links = pd.DataFrame([(task, unit, "lead" if (i + j) % 7 == 0 else "responsible")
                          for i, task in enumerate(tasks["code"]) for j, unit in enumerate(codes) if (i * j) % 3 == 0],
                         columns=["task_code", "unit_code", "role"])
    cells = links[["task_code", "unit_code"]].drop_duplicates().assign(
        percent=50.0, reported_status="on_track", reported_on=None, note="", overdue=0, status="on_track")
    html = build_matrix_html(tasks, units.set_index("code", drop=False), links, cells, codes, list(tasks["code"]),
                             lambda param, code: {param: code})
    page = opened.page.context.new_page()
    page.set_content(f'<body style="margin:0;font-family:sans-serif"><div style="width:{width}px">{html}</div></body>')
    sizes = page.evaluate("""() => ({right: document.querySelector('table').getBoundingClientRect().right,
        clipped: [...document.querySelectorAll('th.tm-unit')].filter(th => th.scrollWidth > th.clientWidth).length,
        doc: document.documentElement.scrollWidth, win: window.innerWidth})""")
    assert sizes["right"] <= width + 1 and sizes["doc"] <= sizes["win"] and sizes["clipped"] == 0
    page.screenshot(path=str(SCREENSHOTS / "tasks_matrix_32_units.png"))


def test_unit_link_opens_straight_onto_that_units_tasks(open_page, matrix_rows):
    units, tasks, links = matrix_rows
    opened = open_page(f"/tasks?unit=fpb&asof={ASOF}", viewport=(1920, 1080))
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0
    name = units.at["fpb", "name"]
    assert page.get_by_text(t("tasks.unit_heading", unit=name + t("tasks.unit_alias", alias=units.at["fpb", "alias"])),
                            exact=True).is_visible()
    mine = links[links["unit_code"] == "fpb"]
    assert page.locator('[data-testid="stExpander"]').count() == mine["task_code"].nunique()
    led = tasks[tasks["code"].isin(mine.loc[mine["role"] == "lead", "task_code"])]
    for title in led["title"]:
        assert page.get_by_text(title).first.is_visible()
    page.screenshot(path=str(SCREENSHOTS / "tasks_unit_fpb.png"), full_page=True)
    page.get_by_text(t("tasks.unit_supporting"), exact=True).scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "tasks_unit_fpb_supporting.png"))
    assert opened.errors == [] and opened.foreign_requests == []


def test_clicking_a_unit_in_the_matrix_opens_its_view(open_page, matrix_rows):
    units, _tasks, _links = matrix_rows
    opened = open_page(f"/tasks?asof={ASOF}", viewport=(1920, 1080))
    page = opened.page
    page.locator("table.task-matrix thead th a").first.click()
    page.wait_for_function("location.search.includes('unit=')")
    wait_for_app(page)
    code = page.evaluate("new URLSearchParams(location.search).get('unit')")
    assert page.get_by_text(units.at[code, "name"], exact=False).first.is_visible()
    assert "asof=" + ASOF in page.url
    assert page.locator(EXCEPTION).count() == 0 and opened.errors == []


def test_task_view_draws_the_progress_chart(open_page):
    opened = open_page(f"/tasks?task=T03&asof={ASOF}", viewport=(1920, 1080))
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    assert page.locator(".js-plotly-plot .scatterlayer .trace").count() >= 2
    page.screenshot(path=str(SCREENSHOTS / "tasks_task_T03.png"), full_page=True)
    assert opened.errors == [] and opened.foreign_requests == []


def test_who_is_behind_tab(open_page):
    opened = open_page(f"/tasks?asof={ASOF}", viewport=(1920, 1080))
    page = opened.page
    page.get_by_role("tab", name=t("tasks.tab_behind")).click()
    page.wait_for_timeout(800)
    assert page.get_by_text(t("tasks.overdue_heading")).is_visible()
    page.screenshot(path=str(SCREENSHOTS / "tasks_behind.png"), full_page=True)
    assert page.locator(EXCEPTION).count() == 0 and opened.errors == []


def test_picking_a_task_puts_it_in_the_url(open_page):
    opened = open_page(f"/tasks?asof={ASOF}", viewport=(1920, 1080))
    page = opened.page
    picker = page.locator('[data-testid="stSelectbox"]').filter(has_text=t("tasks.pick_task"))
    picker.get_by_role("combobox").click()
    page.get_by_role("option", name="5. 巩固拓展饮水安全有保障").click()
    page.wait_for_function("location.search.includes('task=T05')")
    wait_for_app(page)
    assert page.locator("h3").filter(has_text="5. 巩固拓展饮水安全有保障").count() == 1
    assert page.locator(EXCEPTION).count() == 0 and opened.errors == [] and opened.foreign_requests == []


def test_unit_view_shows_todo_first_within_the_first_screen(open_page, sample_db_url, matrix_rows):
    """民政办's head sees the milestone due soon, and the overdue ones in red, before anything else."""
    from datetime import date, timedelta

    units, tasks, _links = matrix_rows
    asof = date(2026, 11, 20)
    engine = create_engine(sample_db_url)
    try:
        steps = pd.read_sql_table("task_milestone", engine)
    finally:
        engine.dispose()
    mine = steps[(steps["unit_code"] == "mzb") & (steps["done_on"].isna() | (steps["done_on"].dt.date > asof))]
    soon = mine[(mine["due_on"].dt.date >= asof) & (mine["due_on"].dt.date <= asof + timedelta(days=14))]
    late = mine[mine["due_on"].dt.date < asof]
    assert not soon.empty and not late.empty  # the sample has both for 民政办 on this date
    opened = open_page(f"/tasks?unit=mzb&asof={asof}", viewport=(1920, 1080))
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0
    heading = page.get_by_text(t("tasks.todo_heading", days=14), exact=True)
    first_task = page.locator('[data-testid="stExpander"]').first
    assert heading.bounding_box()["y"] < first_task.bounding_box()["y"]  # 待办 above every task
    for title in list(soon["title"]) + list(late["title"]):
        cell = page.locator('[data-testid="stTable"]').first.get_by_text(title).or_(
            page.locator('[data-testid="stTable"]').nth(1).get_by_text(title)).first
        box = cell.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 1080  # inside the first screen, unscrolled
    days = (asof - late["due_on"].min().date()).days
    badge = page.get_by_text(t("tasks.overdue_by", days=f"{days:,}"), exact=True).first
    colours = badge.evaluate("""e => { const seen = [];
        for (let n = e; n && n.tagName !== 'TD'; n = n.parentElement) seen.push(getComputedStyle(n).backgroundColor);
        return seen; }""")
    assert any(c not in ("rgba(0, 0, 0, 0)", "transparent") for c in colours)  # highlighted, not plain text
    page.screenshot(path=str(SCREENSHOTS / "tasks_unit_mzb_todo.png"))
    assert opened.errors == [] and opened.foreign_requests == []
