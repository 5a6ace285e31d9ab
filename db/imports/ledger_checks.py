"""Pure checks of one cell of an export: ID numbers, YYYYMM months and dates, money, yes/no."""

from __future__ import annotations

import datetime as dt
import difflib
import re

from db.imports.ledger_columns import NO, TITLE_DATE, YES

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"\d{17}[\dX](\d{2}|\d{4})?")  # 18; 20 or 22 for a 残疾人证 number
_MONTH = re.compile(r"(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*月?")
_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{4})(\d{2})(\d{2})")


class BadValue(ValueError):
    """A cell that cannot be what its column says; code is the problem code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def id_number_ok(value: str) -> bool:
    """True for an 18-digit ID with a right check digit, or a 20/22-digit 残疾人证 built on one."""
    value = value.upper()
    if not _ID_SHAPE.fullmatch(value):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], ID_WEIGHTS))
    return CHECK_CHARS[total % 11] == value[17]


def birth_of_id(value: str) -> dt.date | None:
    """The birth date an ID number carries, or None when it carries no valid one."""
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except (ValueError, IndexError):
        return None


def parse_month(value: object) -> dt.date | None:
    """A YYYYMM month (or a full date) as a date; empty -> None; 202613 -> BadValue."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    day = _DAY.fullmatch(text)
    if day:
        parts = [int(p) for p in (day.groups()[:3] if day.group(1) else day.groups()[3:])]
        return _date(*parts)
    month = _MONTH.fullmatch(text)
    if month and (len(text) == 6 or not text.isdigit()):
        return _date(int(month.group(1)), int(month.group(2)), 1)
    raise BadValue("bad_date")


def parse_day(value: object) -> dt.date | None:
    """A birth date: a full date (YYYYMMDD, YYYY-MM-DD …) or a month; empty -> None."""
    return parse_month(value)


def _date(year: int, month: int, day: int) -> dt.date:
    if not 1900 <= year <= 2100:
        raise BadValue("bad_date")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadValue("bad_date") from None


def parse_money(value: object) -> float | None:
    """Yuan as a float; empty -> None; thousands separators allowed; anything else -> BadValue."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace(",", "").replace("，", "")
    if text.endswith("元"):
        text = text[:-1]
    try:
        return float(text)
    except ValueError:
        raise BadValue("bad_money") from None


def parse_yes(value: str) -> bool | None:
    """是/否 (and 1/0, Y/N) as True/False; empty or unknown -> None."""
    if value in YES:
        return True
    if value in NO:
        return False
    return None


def title_date(lines: list[str]) -> dt.date | None:
    """The export date a title line states (导出时间：2026年11月20日, 截至2026-11-20 …), if any."""
    for line in lines:
        match = TITLE_DATE.search(line)
        if not match:
            continue
        groups = match.groups()
        parts = groups[:3] if groups[0] else groups[3:]
        try:
            return dt.date(*(int(part) for part in parts))
        except ValueError:
            continue
    return None


def nearest(name: str, candidates: list[str], count: int = 3) -> list[str]:
    """The candidate names closest to a misspelt one (difflib), best first."""
    return difflib.get_close_matches(name, candidates, n=count, cutoff=0.4)
