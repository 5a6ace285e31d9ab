"""数据质量: checks on the data as it stands (per child area, down to the list), import history, upload."""

from __future__ import annotations

import streamlit as st

from components.quality_panels import (build_checks_table, build_history_table, build_list_table,
                                       build_problem_table, render_checks_table, render_history_table,
                                       render_list_table, render_problem_table)
from components.quality_upload import may_import, render_upload
from components.view import View, current_view
from components.page_head import render_page_head
from components.wall.frame import render_not_on_wall
from labels import label_of, t
from queries.areas import area_tree, children
from queries.quality import CHECKS, LIST_LIMIT, batch_problems, check_list, import_history, quality_checks


def show_checks(view: View, tree) -> None:
    """Each check per child area (a village shows itself), a link down, and the list behind a count."""
    st.subheader(t("quality.checks_header"))
    kids = children(tree, view.area_code)
    if kids.empty:
        kids = tree.loc[[view.area_code]]
    level = str(kids["level"].iloc[0])
    figures = quality_checks(view.db, view.scope, view.area_code, view.area_level, level, view.asof)
    st.caption(t("quality.checks_caption", asof=view.asof.isoformat(), area=tree.at[view.area_code, "name"],
                 level=label_of("level", level)))
    drillable = level != "village" or view.area_level != "village"
    table = build_checks_table(kids, figures, CHECKS, (lambda code: view.link(area=code)) if drillable else None)
    render_checks_table(table, CHECKS)

    st.markdown(f"**{t('quality.list_header')}**")
    check = st.selectbox(t("quality.list_check"), CHECKS, key="quality_list_check",
                         format_func=lambda code: label_of("quality_check", code))
    if check != "village_no_boundary" and not view.scope.household_detail:
        st.info(t("quality.list_counts_only"))
        return
    rows = check_list(view.db, view.scope, check, view.area_code, view.area_level, view.asof)
    if rows.empty:
        st.info(t("quality.list_empty"))
        return
    render_list_table(build_list_table(rows, tree["name"]))
    if len(rows) >= LIST_LIMIT:
        st.caption(t("quality.list_limited", limit=LIST_LIMIT))


def show_history(view: View) -> None:
    """Import batches, newest first; pick one to read its problems."""
    st.subheader(t("quality.history_header"))
    history = import_history(view.db, view.scope)
    if history.empty:
        st.info(t("quality.history_empty"))
        return
    render_history_table(build_history_table(history))
    labels = {int(row.id): t("quality.history_batch", id=int(row.id), file=row.file_name,
                             status=label_of("import_status", row.status)) for row in history.itertuples()}
    batch = st.selectbox(t("quality.history_pick"), list(labels), format_func=labels.get, key="quality_batch")
    problems = batch_problems(view.db, view.scope, int(batch))
    if problems.empty:
        st.info(t("quality.problems_empty"))
    else:
        render_problem_table(build_problem_table(problems), key="quality_batch_problems")


def main() -> None:
    """Checks first (what leaders ask about), then the history, then the upload for those who may."""
    view = current_view()
    if view.screen:  # checks, history and uploads: nothing to watch on a wall
        render_not_on_wall(t("quality.title"))
        return
    render_page_head(view, t("quality.title"), t("quality.caption"))
    tree = area_tree(view.db, view.scope)
    if view.area_code not in tree.index:
        st.error(t("quality.not_allowed"))
        st.stop()
    checks, history = st.tabs([t("quality.checks_header"), t("quality.history_header")])
    with checks:
        show_checks(view, tree)
    with history:
        if may_import():
            render_upload(view)  # first: a check or an import shows in the history below at once
        show_history(view)


main()
