"""What a unit's progress report must satisfy before anything is written (plain Python, no Streamlit).

Every check returns label keys (with their parameters) so the page shows a Chinese message and the
writer refuses the whole report: one bad field or file and nothing is stored.

Attachments are typed by their first bytes, never by their name: an .exe renamed .jpg is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # a phone photo or a scanned page; local choice
MAX_ATTACHMENTS = 5
REVIEW_STATES = ("submitted", "approved", "returned")
REPORT_STATUSES = ("not_started", "on_track", "at_risk", "done")  # 逾期 comes from milestones, not a report

# (magic prefix, media type, offset of the prefix): photos and scans as counties have them.
MAGIC: tuple[tuple[bytes, str, int], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", 0),
    (b"\x89PNG\r\n\x1a\n", "image/png", 0),
    (b"%PDF-", "application/pdf", 0),
    (b"II*\x00", "image/tiff", 0),
    (b"MM\x00*", "image/tiff", 0),
    (b"GIF87a", "image/gif", 0),
    (b"GIF89a", "image/gif", 0),
)


@dataclass(frozen=True)
class Problem:
    """One reason a report is refused: a label key and its parameters."""

    key: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Attachment:
    """One uploaded file, as received."""

    file_name: str
    content: bytes


@dataclass(frozen=True)
class ReportInput:
    """What the form hands over: the unit's report on one task."""

    task_code: str
    unit_code: str
    percent: float
    status: str
    status_text: str = ""
    done_text: str = ""
    problems: str = ""
    next_steps: str = ""
    lower_reason: str = ""
    milestones: tuple[tuple[int, date], ...] = ()  # (milestone id, date reached)
    attachments: tuple[Attachment, ...] = ()


def sniff_media_type(content: bytes) -> str | None:
    """The media type the bytes themselves say, or None when they are none of the accepted kinds."""
    for prefix, media_type, offset in MAGIC:
        if content[offset:offset + len(prefix)] == prefix:
            return media_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_attachment(attachment: Attachment, limit: int = MAX_ATTACHMENT_BYTES) -> list[Problem]:
    """Problems with one file: too large, empty, or not a photo/scan by its magic bytes."""
    size = len(attachment.content)
    if size == 0:
        return [Problem("reports.file_empty", {"name": attachment.file_name})]
    if size > limit:
        return [Problem("reports.file_too_large", {"name": attachment.file_name,
                                                   "size_mb": f"{size / 1048576:.1f}",
                                                   "limit_mb": f"{limit / 1048576:.0f}"})]
    if sniff_media_type(attachment.content) is None:
        return [Problem("reports.file_bad_type", {"name": attachment.file_name})]
    return []


def check_report(report: ReportInput, today: date, last_approved_percent: float | None) -> list[Problem]:
    """Every problem with a report; an empty list means it may be written."""
    problems: list[Problem] = []
    percent = report.percent
    if percent is None or percent != percent or not 0 <= percent <= 100:
        problems.append(Problem("reports.percent_range", {"value": percent}))
    elif (last_approved_percent is not None and percent < last_approved_percent
          and not report.lower_reason.strip()):
        problems.append(Problem("reports.percent_lower", {"value": f"{percent:g}",
                                                         "last": f"{last_approved_percent:g}"}))
    if report.status not in REPORT_STATUSES:
        problems.append(Problem("reports.status_unknown", {"value": report.status}))
    for milestone_id, reached_on in report.milestones:
        if reached_on is None:
            problems.append(Problem("reports.milestone_no_date", {"id": milestone_id}))
        elif reached_on > today:
            problems.append(Problem("reports.milestone_future", {"date": reached_on.isoformat()}))
    if len(report.attachments) > MAX_ATTACHMENTS:
        problems.append(Problem("reports.too_many_files", {"limit": MAX_ATTACHMENTS}))
    for attachment in report.attachments:
        problems.extend(check_attachment(attachment))
    return problems


def _month_day(year: int, month: int, day: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, day)


def last_deadline(asof: date, cycle: str, due_day: int) -> date:
    """The latest reporting deadline strictly before asof: a report is late from the day after it."""
    if cycle == "weekly":
        back = (asof.isoweekday() - due_day) % 7 or 7
        return asof - timedelta(days=back)
    if cycle == "monthly":
        day = min(max(due_day, 1), 28)
        this_month = asof.replace(day=day)
        return this_month if this_month < asof else _month_day(asof.year, asof.month - 1, day)
    raise ValueError(f"unknown reporting cycle {cycle!r}")


def cycle_start(deadline: date, cycle: str, due_day: int) -> date:
    """The first day of the cycle that ends on a deadline: the day after the deadline before it."""
    before = last_deadline(deadline, cycle, due_day)
    return before + timedelta(days=1)
