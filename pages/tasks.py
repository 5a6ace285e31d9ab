"""责任分工: the tasks × units matrix, one unit's tasks, one task's units, and who is behind."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.brief_button import render_brief_download
from components.labels import t
from components.task_details import build_task_units, build_unit_tasks, render_task_view, render_unit_view
from components.task_grid import (LinkQuery, build_matrix_html, order_tasks, order_units, pick_known,
                                  render_matrix, render_matrix_controls, render_pickers)
from components.task_ranking import build_overdue_table, build_ranking_table, render_behind
from components.view import View, current_view
from queries.tasks import (WEEK, cell_status, milestones, overdue_milestones, progress_history, task_links,
                           tasks_in_scope, unit_list, unit_ranking)


def show_overview(view: View, tasks: pd.DataFrame, units: pd.DataFrame, links: pd.DataFrame,
                  cells: pd.DataFrame, link_query: LinkQuery) -> None:
    """The matrix and the who-is-behind ranking, in two tabs."""
    matrix_tab, behind_tab = st.tabs([t("tasks.tab_matrix"), t("tasks.tab_behind")])
    with matrix_tab:
        unit_order, task_order = render_matrix_controls()
        html = build_matrix_html(tasks, units, links, cells, order_units(links, cells, unit_order),
                                 order_tasks(tasks, cells, task_order), link_query)
        render_matrix(html)
    with behind_tab:
        ranking = build_ranking_table(unit_ranking(view.db, view.scope, view.asof), units, link_query)
        overdue = build_overdue_table(overdue_milestones(view.db, view.scope, view.asof), tasks, units, link_query)
        render_behind(ranking, overdue, (view.asof - WEEK).isoformat())


def main() -> None:
    """Draw the page for the current view: ?unit=<code> or ?task=<code> open their own views."""
    view = current_view()
    st.title(t("tasks.title"))
    render_brief_download(view, ("tasks",), "tasks")
    st.caption(t("tasks.caption", asof=view.asof.isoformat()))
    tasks = tasks_in_scope(view.db, view.scope, view.asof)
    if tasks.empty:
        later = not tasks_in_scope(view.db, view.scope).empty  # tasks exist, none started by that date
        st.info(t("tasks.none_yet", asof=view.asof.isoformat()) if later else t("tasks.no_tasks"))
        return
    units = unit_list(view.db, view.scope)
    links = task_links(view.db, view.scope, view.asof)
    cells = cell_status(view.db, view.scope, view.asof)
    unit_code, bad_unit = pick_known(view.unit, list(units["code"]))
    task_code, bad_task = pick_known(st.query_params.get("task"), list(tasks["code"]))
    for problem, key in ((bad_unit, "tasks.unknown_unit"), (bad_task, "tasks.unknown_task")):
        if problem:
            st.warning(t(key, value=problem))

    def link_query(param: str, code: str) -> dict[str, str]:
        return view.link(**{param: code})

    render_pickers(units, tasks, unit_code, task_code)
    if unit_code is not None:
        table = build_unit_tasks(unit_code, tasks, units, links, cells)
        own = milestones(view.db, view.scope, view.asof, unit_code=unit_code)
        render_unit_view(units.loc[unit_code], table, own, units, link_query)
    elif task_code is not None:
        table = build_task_units(task_code, units, links, cells, link_query)
        history = progress_history(view.db, view.scope, task_code, view.asof)
        steps = milestones(view.db, view.scope, view.asof, task_code=task_code)
        render_task_view(tasks.set_index("code").loc[task_code], table, history, steps, units)
    else:
        show_overview(view, tasks, units, links, cells, link_query)


main()
