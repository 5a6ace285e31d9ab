"""Calendar arithmetic in one place: whole months with the day clamped, "YYYY-MM" month keys, periods, the week."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, timedelta

WEEK = timedelta(days=7)  # the weekly dispatch meeting's period: "this week" and "a week earlier"


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


@dataclass(frozen=True)
class Period:
    """From the first day of a month to a cut-off day (a month's end, or an earlier as-of date)."""

    first: date
    cut: date

    def months(self) -> list[str]:
        """Every month of the period as "YYYY-MM", oldest first."""
        return month_range(self.first, self.cut)

    def years(self) -> list[int]:
        """Every calendar year the period touches."""
        return list(range(self.first.year, self.cut.year + 1))


def month_key(day: date) -> str:
    """The "YYYY-MM" key of a day."""
    return f"{day.year:04d}-{day.month:02d}"


def month_start(key: str) -> date:
    """The first day of a "YYYY-MM" month."""
    return date(int(key[:4]), int(key[5:7]), 1)


def month_end(key: str) -> date:
    """The last day of a "YYYY-MM" month."""
    year, month = int(key[:4]), int(key[5:7])
    return date(year, month, _calendar.monthrange(year, month)[1])


def shift_month(key: str, months: int) -> str:
    """The "YYYY-MM" key `months` later (earlier when negative)."""
    index = int(key[:4]) * 12 + int(key[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(first: date, last: date) -> list[str]:
    """Month keys from first's month to last's month inclusive (months without data included)."""
    keys, key, stop = [], month_key(first), month_key(last)
    while key <= stop:
        keys.append(key)
        key = shift_month(key, 1)
    return keys


def quarter_of(key: str) -> str:
    """The "YYYY-Qn" label of a "YYYY-MM" month."""
    return f"{key[:4]}-Q{(int(key[5:7]) - 1) // 3 + 1}"
