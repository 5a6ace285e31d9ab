"""访问日志: who saw, exported or was refused what; county leaders only (the query checks the scope)."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from components.auth_audit import build_audit_table, render_audit_table
from labels import label_of, t
from components.wall.frame import render_not_on_wall
from components.view import current_view
from components.page_head import render_page_head
from queries.audit import AUDIT_ACTIONS, READ_LIMIT, audit_entries, ensure_audit_table


def main() -> None:
    """Filters (dates, action, user) and the newest entries first."""
    view = current_view()
    if view.screen:  # nothing to watch on a wall: no controls there
        render_not_on_wall(t("audit_log.title"))
        return
    render_page_head(view, t("audit_log.title"), t("audit_log.caption"))
    if not view.scope.audit_reader:
        st.error(t("audit_log.not_allowed"))
        st.stop()
    if not ensure_audit_table(view.db):
        st.error(t("audit_log.table_missing"))
        st.stop()
    today = date.today()  # the log is about real time, not the "as of" date of the data
    since_col, until_col, action_col, user_col, refresh_col = st.columns([2, 2, 2, 2, 1],
                                                                        vertical_alignment="bottom")
    until = until_col.date_input(t("audit_log.until"), value=today, max_value=today, format="YYYY-MM-DD",
                                 key="audit_until")
    since = since_col.date_input(t("audit_log.since"), value=until - timedelta(days=7), max_value=until,
                                 format="YYYY-MM-DD", key="audit_since")
    action = action_col.selectbox(t("audit_log.action"), ("",) + AUDIT_ACTIONS, key="audit_action",
                                  format_func=lambda code: label_of("audit_action", code) if code
                                  else t("audit_log.action_all"))
    user = user_col.text_input(t("audit_log.user"), max_chars=64, key="audit_user",
                               placeholder=t("audit_log.user_all")).strip()
    if refresh_col.button(t("audit_log.refresh"), key="audit_refresh"):
        audit_entries.clear()  # entries are cached for minutes; a reader asking to refresh wants the newest
    entries = audit_entries(view.db, view.scope, since, until, action or None, user or None)
    if entries.empty:
        st.info(t("audit_log.empty"))
        return
    st.caption(t("audit_log.count", count=f"{len(entries):,}"))
    if len(entries) >= READ_LIMIT:
        st.warning(t("audit_log.truncated", limit=f"{READ_LIMIT:,}"))
    render_audit_table(build_audit_table(entries))


main()
