"""The comparison date of a pack and the exact Chinese wording of a change against it."""

from __future__ import annotations

from datetime import date, timedelta

from labels import t
from rules.calendar import add_months


def compare_date(asof: date, compare: str) -> date:
    """The day the pack compares with: a week, a month or a year before the as-of date."""
    if compare == "week":
        return asof - timedelta(days=7)
    if compare == "month":
        return add_months(asof, -1)  # clamped: a month before Mar 31 is Feb 28 (or 29)
    if compare == "year":
        return add_months(asof, -12)
    raise ValueError(f"unknown comparison: {compare}")


def period_word(compare: str) -> str:
    """上周 / 上月 / 去年同期."""
    return t(f"brief_compare.{compare}")


def number(value: float, decimals: int = 0) -> str:
    """1,234 or 1,234.5: thousands separators, a fixed number of decimals."""
    return f"{value:,.{decimals}f}"


def change_phrase(now: float, before: float, period: str, unit: str, decimals: int = 0) -> str:
    """较上周增加12户 / 较上周减少3户 / 与上周持平: the exact difference of two stocks."""
    diff = round(now - before, decimals)
    if diff > 0:
        return t("brief_say.change_up", period=period, n=number(diff, decimals), unit=unit)
    if diff < 0:
        return t("brief_say.change_down", period=period, n=number(-diff, decimals), unit=unit)
    return t("brief_say.change_same", period=period)


def new_phrase(count: int, period: str, unit: str) -> str:
    """较上周新增12户, or 较上周无新增 when nothing was added."""
    if count > 0:
        return t("brief_say.flow_new", period=period, n=number(count), unit=unit)
    return t("brief_say.flow_new_none", period=period)


def eliminated_phrase(count: int, unit: str) -> str:
    """风险消除8户, or 无风险消除."""
    if count > 0:
        return t("brief_say.flow_eliminated", n=number(count), unit=unit)
    return t("brief_say.flow_eliminated_none")


def net_phrase(diff: int) -> str:
    """净增加5户 / 净减少5户 / 总数不变."""
    if diff > 0:
        return t("brief_say.trends_net_up", n=number(diff))
    if diff < 0:
        return t("brief_say.trends_net_down", n=number(-diff))
    return t("brief_say.trends_net_same")


def day_text(day: date, with_year: bool = False) -> str:
    """11月20日 (or 2026年11月20日)."""
    key = "brief_say.full_date" if with_year else "brief_say.date"
    return t(key, year=day.year, month=day.month, day=day.day)


def comparison_text(compare: str, day: date) -> str:
    """上周（2026年11月13日）: the period and the exact day compared with."""
    return t("brief_doc.compared_with", period=period_word(compare), date=day_text(day, with_year=True))


def month_text(month: str) -> str:
    """2026-07 -> 2026年7月."""
    year, number_ = month.split("-")
    return t("brief_say.month", year=int(year), month=int(number_))


def top_items(counts: dict[str, int], unit: str, limit: int = 3) -> str:
    """A（5户）、B（3户）: the largest positive counts, ties broken by name for a stable text."""
    ranked = sorted(((name, n) for name, n in counts.items() if n > 0), key=lambda item: (-item[1], item[0]))
    return t("brief_say.list_sep").join(t("brief_say.item", name=name, n=number(n), unit=unit)
                                        for name, n in ranked[:limit])
