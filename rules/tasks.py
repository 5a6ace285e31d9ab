"""The status of one unit's part of a key task (a matrix cell), as plain Python.

One rule serves the matrix, the unit view, the ranking, the cockpit tiles and the briefing pack:

1. a milestone of the unit on the task that was due before the date and not done by it makes the
   cell overdue (逾期), whatever the latest report says, even 100 % or 已完成;
2. otherwise a 100 % or 已完成 report makes it done;
3. otherwise the latest report's own status stands (no report yet: not started).

A unit or a task is late (逾期) when any of its cells is.
"""

from __future__ import annotations

from datetime import date

STATUSES = ("overdue", "at_risk", "not_started", "on_track", "done")  # worst first
BEHIND = ("overdue", "at_risk")
DUE_SOON_DAYS = 14  # 待办: a milestone due within this many days is listed with the overdue ones


def task_status(reported_status: str | None, percent: float | None, overdue: int) -> str:
    """A cell's status from its latest report and its count of milestones overdue on the date."""
    if overdue > 0:
        return "overdue"
    if not isinstance(reported_status, str):
        return "not_started"
    if reported_status == "done" or (percent is not None and percent == percent and percent >= 100):
        return "done"
    return reported_status if reported_status in STATUSES else "on_track"


def is_open_overdue(due_on: date, done_on: date | None, asof: date) -> bool:
    """A milestone due before the date and not done by it."""
    return due_on < asof and (done_on is None or done_on > asof)


def is_due_soon(due_on: date, done_on: date | None, asof: date, days: int = DUE_SOON_DAYS) -> bool:
    """A milestone not done by the date and due on it or within the next `days` days."""
    return (done_on is None or done_on > asof) and 0 <= (due_on - asof).days <= days
