"""The unit's reporting form (填报) and the office's review queue (审核) on the task page.

Callbacks do the writing (the page passes them in), so this module takes values only and never
reads session state; widget keys carry the task code so each task keeps its own form.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Callable

import pandas as pd
import streamlit as st

from components.exports import ExportLog, render_download
from components.text import md_escape
from labels import label_of, t
from rules.reports import REPORT_STATUSES, Attachment, Problem, ReportInput

Submit = Callable[[ReportInput], int]  # raises db.report_store.ReportRefused
SaveDraft = Callable[[str, dict], None]
Review = Callable[[int, bool, str], None]


def problem_text(problems: list[Problem]) -> str:
    """The refusal as one Chinese message, a line per problem."""
    return "\n".join([t("reports.refused")] + [f"- {t(p.key, **p.params)}" for p in problems])


def _field(draft: dict | None, name: str, default):
    return default if not draft or draft.get(name) in (None, "") else draft[name]


def render_report_form(unit_code: str, tasks: pd.DataFrame, open_milestones: pd.DataFrame, today: date,
                       load_draft: Callable[[str], dict | None], save: SaveDraft, submit: Submit,
                       refused: type[Exception]) -> None:
    """Pick one of the unit's tasks, fill in its report (draft kept on demand), submit it for review."""
    st.markdown(f"#### {t('reports.form_heading')}")
    st.caption(t("reports.form_caption"))
    if tasks.empty:
        st.info(t("tasks.unit_no_tasks"))
        return
    labels = {row.code: f"{row.seq}. {row.title}" for row in tasks.itertuples(index=False)}
    task_code = st.selectbox(t("reports.pick_task"), list(labels), format_func=labels.get, key="report_task")
    draft = load_draft(task_code)
    if draft:
        st.caption(t("reports.draft_loaded", at=draft.get("_saved_at", "")))
    steps = open_milestones[open_milestones["task_code"] == task_code]
    step_labels = {int(row.id): f"{row.title}（{row.due_on}）" for row in steps.itertuples(index=False)}
    with st.form(f"report_form_{task_code}"):
        percent = st.number_input(t("reports.percent"), value=float(_field(draft, "percent", 0.0)), step=5.0,
                                  key=f"report_percent_{task_code}")
        status = st.selectbox(t("reports.status"), REPORT_STATUSES,
                              index=REPORT_STATUSES.index(_field(draft, "status", "on_track")),
                              format_func=lambda code: label_of("task_status", code), key=f"report_status_{task_code}")
        texts = {name: st.text_area(t(f"reports.{name}"), value=_field(draft, name, ""), key=f"report_{name}_{task_code}",
                                    height=68)
                 for name in ("status_text", "done_text", "problems", "next_steps", "lower_reason")}
        reached = st.multiselect(t("reports.milestones"), list(step_labels), format_func=step_labels.get,
                                 default=[i for i in _field(draft, "milestones", []) if i in step_labels],
                                 key=f"report_milestones_{task_code}")
        reached_on = st.date_input(t("reports.milestone_date"), value=date.fromisoformat(_field(
            draft, "reached_on", today.isoformat())), key=f"report_reached_{task_code}")
        files = st.file_uploader(t("reports.files"), accept_multiple_files=True, key=f"report_files_{task_code}")
        keep, send = st.columns(2)
        keep_clicked = keep.form_submit_button(t("reports.save_draft"))
        send_clicked = send.form_submit_button(t("reports.submit"), type="primary")
    fields = {"percent": percent, "status": status, **texts, "milestones": reached, "reached_on": reached_on}
    if keep_clicked:
        save(task_code, fields)
        st.success(t("reports.draft_saved", at=datetime.now().strftime("%H:%M")))
    if send_clicked:
        report = ReportInput(task_code=task_code, unit_code=unit_code, percent=float(percent), status=status,
                             milestones=tuple((i, reached_on) for i in reached),
                             attachments=tuple(Attachment(f.name, f.getvalue()) for f in files or ()), **texts)
        try:
            progress_id = submit(report)
        except refused as error:
            st.error(problem_text(error.problems))
        else:
            st.success(t("reports.submitted", id=progress_id))


def build_my_reports(reports: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    """The unit's own reports with their review state and the office's reason, labelled."""
    titles = tasks.set_index("code")["title"]
    return pd.DataFrame({
        t("report_col.reported_on"): [str(d) for d in reports["reported_on"]],
        t("report_col.task"): [titles.get(c, c) for c in reports["task_code"]],
        t("report_col.percent"): reports["percent"],
        t("report_col.status"): [label_of("task_status", s) for s in reports["status"]],
        t("report_col.review_state"): [label_of("review_state", s) for s in reports["review_state"]],
        t("report_col.return_reason"): reports["return_reason"].fillna(""),
    })


def render_my_reports(table: pd.DataFrame) -> None:
    """The unit's report history (returned ones show why)."""
    st.markdown(f"#### {t('reports.my_reports')}")
    if table.empty:
        st.caption(t("reports.no_reports"))
    else:
        st.dataframe(table, hide_index=True, width="stretch")


def _side(label: str, percent, status, on, lines: list[tuple[str, object]]) -> None:
    st.markdown(f"**{label}**")
    st.markdown(t("reports.review_line", percent=f"{percent:g}", status=label_of("task_status", status), on=on))
    for name, value in lines:
        if isinstance(value, str) and value:
            st.markdown(t("reports.field_line", label=t(f"reports.{name}"), value=md_escape(value)))


def render_review_queue(queue: pd.DataFrame, tasks: pd.DataFrame, units: pd.DataFrame, files: pd.DataFrame,
                        file_bytes: Callable[[int], bytes | None], review: Review, refused: type[Exception],
                        log: ExportLog) -> None:
    """Each waiting report beside the unit's previous approved one; approve or return in one click.

    An attachment is handed out like every other file (components.exports): on click, and logged.
    """
    if queue.empty:
        st.info(t("reports.review_empty"))
        return
    table = tasks.set_index("code")
    for row in queue.itertuples(index=False):
        title, unit = table.at[row.task_code, "title"], units["name"].get(row.unit_code, row.unit_code)
        with st.container(border=True, key=f"review_{row.id}"):
            st.markdown(md_escape(t("reports.review_item", seq=table.at[row.task_code, "seq"], title=title, unit=unit,
                                    by=row.reported_by, at=str(row.submitted_at)[:16])))
            before, now = st.columns(2)
            with before:
                if pd.isna(row.previous_percent):
                    st.markdown(f"**{t('reports.review_previous')}**")
                    st.caption(t("reports.review_none_before"))
                else:
                    _side(t("reports.review_previous"), row.previous_percent, row.previous_status, row.previous_on,
                          [("status_text", row.previous_note)])
            with now:
                _side(t("reports.review_this"), row.percent, row.status, row.reported_on,
                      [(name, getattr(row, name)) for name in ("status_text", "done_text", "problems", "next_steps",
                                                               "lower_reason")])
                for item in files[files["progress_id"] == row.id].itertuples(index=False):
                    content = file_bytes(int(item.id))
                    if content is not None:
                        render_download(t("reports.attachment", name=item.file_name, size=round(item.size / 1024)),
                                        lambda content=content: content, item.file_name, item.media_type,
                                        f"review_file_{item.id}", log, f"attachment: {item.id} {item.file_name}")
            reason = st.text_input(t("reports.review_reason"), key=f"review_reason_{row.id}")
            ok, back = st.columns(2)
            decision = (True if ok.button(t("reports.approve"), key=f"review_approve_{row.id}", type="primary")
                        else False if back.button(t("reports.return_"), key=f"review_return_{row.id}") else None)
            if decision is not None:
                try:
                    review(int(row.id), decision, reason)
                except refused as error:
                    st.error(problem_text(error.problems))
                else:
                    st.success(md_escape(t("reports.approved" if decision else "reports.returned", title=title, unit=unit)))
                    st.rerun()
