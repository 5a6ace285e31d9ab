"""Calendar arithmetic the rules need: whole months with the day clamped, same-month tests."""

from __future__ import annotations

import calendar as _calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (Aug 31 + 6 -> Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, _calendar.monthrange(year, month + 1)[1]))


def same_month(a: date, b: date) -> bool:
    """True when both dates fall in one calendar month."""
    return (a.year, a.month) == (b.year, b.month)


def whole_months_between(start: date, end: date) -> tuple[int, int]:
    """Whole months and remaining days from start to end (end >= start), as a person counts them."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months, (end - add_months(start, months)).days
