"""责任分工: the tasks × units matrix, one unit's tasks, one task's units, and who is behind."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from components.brief_button import render_brief_download
from labels import t
from components.task_details import (build_task_units, build_todo, build_unit_tasks, render_task_view,
                                     render_unit_view)
from components.task_grid import (LinkQuery, build_matrix_html, order_tasks, order_units, read_selection,
                                  render_matrix, render_matrix_controls, render_pickers)
from components.task_ranking import build_overdue_table, build_ranking_table, render_behind
from components.view import View, current_view
from components.wall.frame import message_html, render_wall
from components.wall.tasks import build_tasks_wall
from queries.tasks import (cell_status, milestones, overdue_milestones, progress_history, task_links,
                           tasks_in_scope, unit_list, unit_ranking)
from components.report_form import (build_my_reports, render_my_reports, render_report_form,
                                     render_review_queue)
from components.auth_log import export_logger
from brief.notice import build_notice
from brief.notice_docx import write_notice_docx
from components.report_chase import build_chase_table, cycle_text, render_chase, render_notice_download
from components.state import Keys
from queries.reports import (REPORT_SETTINGS, ReportRefused, attachment_content, attachments, draft, keep_draft,
                             reporting_cycle, review, review_queue, submit, unit_reports, unreported, waiting_cells)
from rules.calendar import WEEK


def show_reporting(view: View, viewer, unit_code: str, tasks: pd.DataFrame, links: pd.DataFrame) -> None:
    """The unit's own reporting form and its report history (only for its own reporters)."""
    own = tasks[tasks["code"].isin(links.loc[links["unit_code"] == unit_code, "task_code"])]
    steps = milestones(view.db, view.scope, view.asof, unit_code=unit_code)
    render_report_form(
        unit_code, own, steps[steps["done_on"].isna()], date.today(),
        load_draft=lambda task_code: draft(view.db, viewer.name, task_code),
        save=lambda task_code, fields: keep_draft(view.db, viewer.name, task_code, unit_code, fields, datetime.now()),
        submit=lambda report: submit(view.db, report, viewer.name, viewer.role, view.scope.reports_unit,
                                     datetime.now()),
        refused=ReportRefused)
    render_my_reports(build_my_reports(unit_reports(view.db, view.scope, unit_code), tasks))


def show_review(view: View, viewer, tasks: pd.DataFrame, units: pd.DataFrame) -> None:
    """The office's queue of submitted reports."""
    queue = review_queue(view.db, view.scope)
    ids = [int(i) for i in queue["id"]]
    render_review_queue(queue, tasks, units, attachments(view.db, ids),
                        lambda file_id: attachment_content(view.db, file_id, ids),
                        lambda progress_id, approve, reason: review(view.db, progress_id, approve, reason, viewer.name,
                                                                    viewer.role, datetime.now()),
                        ReportRefused, export_logger(view, "tasks"))


def show_overview(view: View, tasks: pd.DataFrame, units: pd.DataFrame, links: pd.DataFrame,
                  cells: pd.DataFrame, link_query: LinkQuery, viewer=None) -> None:
    """The matrix and the who-is-behind ranking, in tabs; the county office also reviews reports."""
    names = [t("tasks.tab_matrix"), t("tasks.tab_behind"), t("reports.chase_tab")]
    reviewer = viewer is not None and view.scope.reviews_reports
    if reviewer:
        names.append(t("reports.review_tab"))
    matrix_tab, behind_tab, chase_tab, *more = st.tabs(names)
    if reviewer:
        with more[0]:
            show_review(view, viewer, tasks, units)
    with chase_tab:
        show_chase(view, tasks, units)
    with matrix_tab:
        unit_order, task_order = render_matrix_controls()
        html = build_matrix_html(tasks, units, links, cells, order_units(links, cells, unit_order),
                                 order_tasks(tasks, cells, task_order), link_query)
        render_matrix(html)
    with behind_tab:
        ranking = build_ranking_table(unit_ranking(view.db, view.scope, view.asof), units, link_query)
        overdue = build_overdue_table(overdue_milestones(view.db, view.scope, view.asof), tasks, units, link_query)
        render_behind(ranking, overdue, (view.asof - WEEK).isoformat())


def show_chase(view: View, tasks: pd.DataFrame, units: pd.DataFrame) -> None:
    """催办: who has not reported for the current cycle, exportable."""
    owing = unreported(view.db, view.scope, view.asof)
    start, deadline = reporting_cycle(view.asof)
    render_chase(build_chase_table(owing, tasks, units), owing, start, deadline, view.asof,
                 cycle_text(REPORT_SETTINGS.report_cycle, REPORT_SETTINGS.report_due_day),
                 export_logger(view, "tasks"))


def show_wall(view: View) -> None:
    """The matrix composed for the wall, with the units furthest behind."""
    tasks = tasks_in_scope(view.db, view.scope, view.asof)
    if tasks.empty:
        render_wall(t("tasks.title"), "", message_html(t("tasks.no_tasks")))
        return
    units = unit_list(view.db, view.scope)
    render_wall(t("tasks.title"), t("tasks.caption", asof=view.asof.isoformat()),
                build_tasks_wall(tasks, units, task_links(view.db, view.scope, view.asof),
                                 cell_status(view.db, view.scope, view.asof), unit_ranking(view.db, view.scope, view.asof)))


def main() -> None:
    """Draw the page for the current view: ?unit=<code> or ?task=<code> open their own views."""
    view = current_view()
    if view.screen:
        show_wall(view)
        return
    st.title(t("tasks.title"))
    download_slot = st.container()  # filled once the unit in the URL is checked
    st.caption(t("tasks.caption", asof=view.asof.isoformat()))
    tasks = tasks_in_scope(view.db, view.scope, view.asof)
    if tasks.empty:
        later = not tasks_in_scope(view.db, view.scope).empty  # tasks exist, none started by that date
        st.info(t("tasks.none_yet", asof=view.asof.isoformat()) if later else t("tasks.no_tasks"))
        with download_slot:
            render_brief_download(view, ("tasks",), "tasks")
        return
    units = unit_list(view.db, view.scope)
    links = task_links(view.db, view.scope, view.asof)
    cells = cell_status(view.db, view.scope, view.asof).merge(
        waiting_cells(view.db, view.scope), on=["task_code", "unit_code"], how="left")
    cells["waiting"] = cells["waiting"].fillna(0).astype("int64")
    cells = cells.merge(unreported(view.db, view.scope, view.asof)[["task_code", "unit_code", "deadline", "days_late"]],
                        on=["task_code", "unit_code"], how="left")
    viewer = st.session_state.get(Keys.VIEWER)
    unit_code, task_code = read_selection(view.unit, list(units["code"]), list(tasks["code"]))
    with download_slot:
        render_brief_download(view, ("tasks",), "tasks", unit_code=unit_code)
        render_notice_download(lambda: write_notice_docx(build_notice(view.db, view.scope, view.area_code, view.asof)),
                               t("notice.file", area=view.area_code, asof=view.asof.isoformat()),
                               export_logger(view, "tasks"))

    def link_query(param: str, code: str) -> dict[str, str]:
        return view.link(**{param: code})

    render_pickers(units, tasks, unit_code, task_code)
    if unit_code is not None:
        table = build_unit_tasks(unit_code, tasks, units, links, cells)
        own = milestones(view.db, view.scope, view.asof, unit_code=unit_code)
        render_unit_view(units.loc[unit_code], table, own, units, link_query, build_todo(own, tasks, view.asof))
        if viewer is not None and view.scope.reports_unit == unit_code:
            show_reporting(view, viewer, unit_code, tasks, links)
    elif task_code is not None:
        table = build_task_units(task_code, units, links, cells, link_query)
        history = progress_history(view.db, view.scope, task_code, view.asof)
        steps = milestones(view.db, view.scope, view.asof, task_code=task_code)
        render_task_view(tasks.set_index("code").loc[task_code], table, history, steps, units)
    else:
        show_overview(view, tasks, units, links, cells, link_query, viewer)


main()
