"""Writes of the unit reporting loop: drafts, submitted reports with files, and the office's review.

Each write is one transaction together with its audit entry, so a report never exists without the
entry that says who wrote it. The checks of rules/reports.py run again here: a page that forgot one
still writes nothing bad. Reads live in queries/reports.py.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

from sqlalchemy import and_, delete, func, inspect, insert, select, text, update
from sqlalchemy.engine import Connection, Engine

from db.schema import (REPORT_TABLES, audit_log, metadata, task_attachment, task_milestone, task_progress,
                       task_report_draft, task_report_milestone, task_unit)
from rules.reports import Problem, ReportInput, check_report, sniff_media_type


class ReportRefused(ValueError):
    """The write was refused; `problems` say why, as label keys."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(problem.key for problem in problems))
        self.problems = problems


def ensure_report_schema(engine: Engine) -> None:
    """Add the review columns to an older task_progress and create the report tables, if missing."""
    present = {column["name"] for column in inspect(engine).get_columns("task_progress")}
    preparer = engine.dialect.identifier_preparer
    with engine.begin() as connection:
        for column in task_progress.columns:
            if column.name in present:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            default = " DEFAULT 'approved' NOT NULL" if column.name == "review_state" else ""
            # Identifiers come from our own metadata, never from input.
            connection.execute(text(f"ALTER TABLE {preparer.quote('task_progress')} "
                                    f"ADD COLUMN {preparer.quote(column.name)} {kind}{default}"))
    metadata.create_all(engine, tables=[metadata.tables[name] for name in REPORT_TABLES], checkfirst=True)


def _audit(connection: Connection, user_name: str, role: str, action: str, detail: str, now: datetime) -> None:
    connection.execute(insert(audit_log), [{"at": now, "user_name": user_name, "role": role, "page": "tasks",
                                            "action": action, "detail": detail[:500]}])


def last_approved_percent(connection: Connection, task_code: str, unit_code: str) -> float | None:
    """The percent of the unit's latest approved report on the task (None before its first)."""
    p = task_progress.c
    row = connection.execute(
        select(p.percent).where(p.task_code == task_code, p.unit_code == unit_code, p.review_state == "approved")
        .order_by(p.reported_on.desc(), p.id.desc()).limit(1)).first()
    return None if row is None else float(row.percent)


def _unit_on_task(connection: Connection, task_code: str, unit_code: str) -> bool:
    u = task_unit.c
    return connection.execute(select(func.count()).where(u.task_code == task_code, u.unit_code == unit_code)
                              ).scalar_one() > 0


def submit_report(engine: Engine, report: ReportInput, user_name: str, role: str, user_unit: str | None,
                  now: datetime) -> int:
    """Store a submitted report with its files and milestones; its id. Raises ReportRefused."""
    if user_unit is None or user_unit != report.unit_code:
        raise ReportRefused([Problem("reports.not_your_unit")])
    with engine.begin() as connection:
        if not _unit_on_task(connection, report.task_code, report.unit_code):
            raise ReportRefused([Problem("reports.not_your_task")])
        problems = check_report(report, now.date(), last_approved_percent(connection, report.task_code,
                                                                          report.unit_code))
        if problems:
            raise ReportRefused(problems)
        p = task_progress.c
        # task_progress.id is part of the contract without autoincrement (other systems load ids).
        new_id = (connection.execute(select(func.max(p.id))).scalar() or 0) + 1
        connection.execute(insert(task_progress), [{
            "id": new_id, "task_code": report.task_code, "unit_code": report.unit_code,
            "reported_on": now.date(), "percent": float(report.percent), "status": report.status,
            "note": (report.status_text or report.done_text)[:500] or None, "review_state": "submitted",
            "status_text": report.status_text[:200], "done_text": report.done_text[:1000],
            "problems": report.problems[:1000], "next_steps": report.next_steps[:1000],
            "lower_reason": report.lower_reason[:500] or None, "reported_by": user_name, "submitted_at": now}])
        if report.milestones:
            connection.execute(insert(task_report_milestone), [
                {"progress_id": new_id, "milestone_id": milestone_id, "done_on": reached_on}
                for milestone_id, reached_on in report.milestones])
        for attachment in report.attachments:
            connection.execute(insert(task_attachment), [{
                "progress_id": new_id, "file_name": attachment.file_name[:255],
                "media_type": sniff_media_type(attachment.content), "size": len(attachment.content),
                "sha256": hashlib.sha256(attachment.content).hexdigest(), "content": attachment.content}])
        connection.execute(delete(task_report_draft).where(task_report_draft.c.user_name == user_name,
                                                           task_report_draft.c.task_code == report.task_code))
        _audit(connection, user_name, role, "report",
               f"submit {report.task_code}/{report.unit_code} #{new_id} {report.percent:g}% "
               f"files={len(report.attachments)}", now)
    return new_id


def review_report(engine: Engine, progress_id: int, approve: bool, reason: str, reviewer: str, role: str,
                  now: datetime) -> None:
    """Approve a submitted report (its milestones become done) or return it with a reason."""
    if not approve and not reason.strip():
        raise ReportRefused([Problem("reports.reason_required")])
    p = task_progress.c
    with engine.begin() as connection:
        row = connection.execute(select(p.task_code, p.unit_code, p.reported_by)
                                 .where(p.id == progress_id, p.review_state == "submitted")).first()
        if row is None:
            raise ReportRefused([Problem("reports.not_waiting")])
        if row.reported_by == reviewer:
            raise ReportRefused([Problem("reports.own_report")])
        state = "approved" if approve else "returned"
        connection.execute(update(task_progress).where(p.id == progress_id, p.review_state == "submitted")
                           .values(review_state=state, reviewed_by=reviewer, reviewed_at=now,
                                   return_reason=None if approve else reason.strip()[:500]))
        if approve:
            reached = connection.execute(select(task_report_milestone.c.milestone_id, task_report_milestone.c.done_on)
                                         .where(task_report_milestone.c.progress_id == progress_id)).all()
            m = task_milestone.c
            for milestone_id, done_on in reached:
                connection.execute(update(task_milestone).where(and_(m.id == milestone_id, m.done_on.is_(None)))
                                   .values(done_on=done_on))
        _audit(connection, reviewer, role, "review",
               f"{state} {row.task_code}/{row.unit_code} #{progress_id}" + ("" if approve else f": {reason.strip()}"),
               now)


def save_draft(engine: Engine, user_name: str, task_code: str, unit_code: str, fields: dict, now: datetime) -> None:
    """Keep the form's fields for this user and task (one draft each; files are not kept in drafts)."""
    payload = json.dumps(fields, ensure_ascii=False, default=lambda value: value.isoformat()
                         if isinstance(value, date) else str(value))
    d = task_report_draft.c
    with engine.begin() as connection:
        connection.execute(delete(task_report_draft).where(d.user_name == user_name, d.task_code == task_code))
        connection.execute(insert(task_report_draft), [{"user_name": user_name, "task_code": task_code,
                                                        "unit_code": unit_code, "payload": payload,
                                                        "saved_at": now}])
