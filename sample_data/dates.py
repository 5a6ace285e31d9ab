"""Calendar arithmetic without dateutil: whole months with the day clamped, month indexes."""

from __future__ import annotations

import calendar
import datetime as dt

from rules.calendar import add_months  # noqa: F401  (re-exported for the generator's modules)

HISTORY_START = dt.date(2021, 1, 1)


def month_index(day: dt.date) -> int:
    """Months since January 2021 (0 for any day of that month)."""
    return (day.year - 2021) * 12 + day.month - 1


def month_start(index: int) -> dt.date:
    """The first day of the month `index` months after January 2021."""
    year, month = divmod(index, 12)
    return dt.date(2021 + year, month + 1, 1)


def days_in_month(index: int) -> int:
    """How many days the month `index` (months since January 2021) has."""
    year, month = divmod(index, 12)
    return calendar.monthrange(2021 + year, month + 1)[1]


def same_month(a: dt.date, b: dt.date) -> bool:
    """True when both dates fall in one calendar month."""
    return (a.year, a.month) == (b.year, b.month)
