"""Reads of the unit reporting loop: a user's draft, a unit's reports, the review queue, waiting cells.

Not cached: a unit that just submitted and an office that just approved must see it at once. Every
table grows with tasks and reports, never with households.
"""

from __future__ import annotations

import functools
import json
import logging
from datetime import date, datetime

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.exc import SQLAlchemyError

from db.report_store import ReportRefused, ensure_report_schema, review_report, save_draft, submit_report
from db.schema import task_attachment, task_progress, task_report_draft, task_unit
from queries.gateway import clear_caches, engine_for, note_write, read
from queries.scope import Scope
from queries.tasks import cell_status, visible_task_codes
from rules.reports import ReportInput, cycle_start, last_deadline
from rules.settings import REPORT_SETTINGS  # noqa: F401 (pages read the cycle through here)

LOG = logging.getLogger("dashboard.reports")

REPORT_COLUMNS = ("id", "task_code", "unit_code", "reported_on", "percent", "status", "status_text", "done_text",
                  "problems", "next_steps", "lower_reason", "reported_by", "submitted_at", "review_state",
                  "reviewed_by", "reviewed_at", "return_reason")


def draft(db: str, user_name: str, task_code: str) -> dict | None:
    """The user's saved draft for a task, or None; only ever the user's own."""
    d = task_report_draft.c
    with engine_for(db).connect() as connection:
        row = connection.execute(select(d.payload, d.saved_at)
                                 .where(d.user_name == user_name, d.task_code == task_code)).first()
    return None if row is None else {**json.loads(row.payload), "_saved_at": str(row.saved_at)[:16]}


def unit_reports(db: str, scope: Scope, unit_code: str) -> pd.DataFrame:
    """Every report the unit sent through the app on visible tasks, newest first, with its review state."""
    p = task_progress.c
    statement = (select(*(p[name] for name in REPORT_COLUMNS))
                 .where(p.unit_code == unit_code, p.reported_by.isnot(None), p.task_code.in_(visible_task_codes(scope)))
                 .order_by(p.id.desc()))
    return read(db, statement)


def review_queue(db: str, scope: Scope) -> pd.DataFrame:
    """Submitted reports waiting for review, oldest first, each beside the unit's previous approved report."""
    p = task_progress.c
    waiting = read(db, select(*(p[name] for name in REPORT_COLUMNS))
                   .where(p.review_state == "submitted", p.task_code.in_(visible_task_codes(scope)))
                   .order_by(p.submitted_at, p.id))
    if waiting.empty:
        return waiting.assign(previous_percent=[], previous_on=[], previous_status=[], previous_note=[])
    previous = read(db, select(p.task_code, p.unit_code, p.percent, p.reported_on, p.status, p.note, p.id)
                    .where(p.review_state == "approved",
                           p.task_code.in_(sorted(set(waiting["task_code"]))))
                    .order_by(p.reported_on, p.id))
    last = previous.groupby(["task_code", "unit_code"]).tail(1).rename(columns={
        "percent": "previous_percent", "reported_on": "previous_on", "status": "previous_status",
        "note": "previous_note"}).drop(columns="id")
    return waiting.merge(last, on=["task_code", "unit_code"], how="left")


def waiting_cells(db: str, scope: Scope) -> pd.DataFrame:
    """(task_code, unit_code) pairs with a report waiting for review: the matrix marks them."""
    p = task_progress.c
    return read(db, select(p.task_code, p.unit_code, func.count().label("waiting"))
                .where(p.review_state == "submitted", p.task_code.in_(visible_task_codes(scope)))
                .group_by(p.task_code, p.unit_code))


def reporting_cycle(asof: date) -> tuple[date, date]:
    """(first day, deadline) of the latest reporting cycle whose deadline has passed by asof."""
    cycle, due_day = REPORT_SETTINGS.report_cycle, REPORT_SETTINGS.report_due_day
    deadline = last_deadline(asof, cycle, due_day)
    return cycle_start(deadline, cycle, due_day), deadline


def unreported(db: str, scope: Scope, asof: date) -> pd.DataFrame:
    """未报: (task, unit) pairs with no report in the latest cycle whose deadline passed (late reports count).

    A report counts when submitted or approved (a returned one must be sent again); a pair whose cell is
    done, or whose task started after the deadline, owes nothing. Columns: task_code, unit_code,
    last_reported_on (None before the first report), deadline, days_late. The matrix, the 催办 list, the
    cockpit and the 督办通报 all read this one function.
    """
    start, deadline = reporting_cycle(asof)
    p, u = task_progress.c, task_unit.c
    pairs = read(db, select(u.task_code, u.unit_code).where(u.task_code.in_(visible_task_codes(scope, deadline)))
                 .distinct())
    counted = p.review_state.in_(("submitted", "approved"))
    last = read(db, select(p.task_code, p.unit_code, func.max(p.reported_on).label("last_reported_on"))
                .where(counted, p.reported_on <= asof, p.task_code.in_(visible_task_codes(scope, deadline)))
                .group_by(p.task_code, p.unit_code))
    frame = pairs.merge(last, on=["task_code", "unit_code"], how="left")
    on = pd.to_datetime(frame["last_reported_on"], errors="coerce").dt.date
    cells = cell_status(db, scope, asof)
    done = set(zip(cells.loc[cells["status"] == "done", "task_code"], cells.loc[cells["status"] == "done", "unit_code"]))
    # A Series, not a list: an empty list would select no columns of a frame without pairs (no tasks yet).
    owing = pd.Series([(pd.isna(day) or day < start) and (task_code, unit_code) not in done
                       for day, task_code, unit_code in zip(on, frame["task_code"], frame["unit_code"])],
                      index=frame.index, dtype=bool)
    frame = frame.assign(last_reported_on=on)[owing].copy()
    frame["deadline"] = deadline
    frame["days_late"] = (asof - deadline).days
    return frame.sort_values(["unit_code", "task_code"]).reset_index(drop=True)


def attachments(db: str, progress_ids: list[int]) -> pd.DataFrame:
    """The files of some reports, without their bytes."""
    a = task_attachment.c
    return read(db, select(a.id, a.progress_id, a.file_name, a.media_type, a.size)
                .where(a.progress_id.in_(progress_ids)).order_by(a.id))


def attachment_content(db: str, attachment_id: int, progress_ids: list[int]) -> bytes | None:
    """One file's bytes, only when it belongs to a report the caller may see."""
    a = task_attachment.c
    with engine_for(db).connect() as connection:
        row = connection.execute(select(a.content).where(and_(a.id == attachment_id,
                                                              a.progress_id.in_(progress_ids)))).first()
    return None if row is None else bytes(row.content)


def submit(db: str, report: ReportInput, user_name: str, role: str, user_unit: str | None, now: datetime) -> int:
    """Write a submitted report (see db/report_store.py); cached matrix reads are dropped afterwards."""
    progress_id = submit_report(engine_for(db), report, user_name, role, user_unit, now)
    note_write()
    clear_caches()
    return progress_id


def review(db: str, progress_id: int, approve: bool, reason: str, reviewer: str, role: str, now: datetime) -> None:
    """Approve or return a report; the matrix, ranking, cockpit and briefing read it at once."""
    review_report(engine_for(db), progress_id, approve, reason, reviewer, role, now)
    note_write()
    clear_caches()


def keep_draft(db: str, user_name: str, task_code: str, unit_code: str, fields: dict, now: datetime) -> None:
    """Save the form's fields as the user's draft for the task."""
    save_draft(engine_for(db), user_name, task_code, unit_code, fields, now)
    note_write()


@functools.lru_cache(maxsize=8)
def ensure_report_tables(db: str) -> bool:
    """Bring an older database up to the reporting loop's schema once per server; False when not allowed."""
    try:
        ensure_report_schema(engine_for(db))
        return True
    except SQLAlchemyError as error:  # a restricted role cannot alter tables: `python -m db init` must
        LOG.error("report tables missing and cannot be created: %s", str(error).splitlines()[0])
        return False
