"""The trends page's period: `from` / `to` months in the URL, validated, and a picker that writes them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

import streamlit as st

from components.labels import t
from components.url_params import FIRST_DAY
from queries.trend_period import Period, month_end, month_key, month_range

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
PICKER_KEY = "trends_period_picker"


@dataclass(frozen=True)
class PeriodChoice:
    """The validated period, its URL values, and what was wrong with the given ones."""

    period: Period
    first_month: str
    last_month: str
    problems: tuple[str, ...] = field(default=())  # messages, already in Chinese


def _short(value: str, limit: int = 20) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def parse_period(raw: Mapping[str, str], asof: date) -> PeriodChoice:
    """Read `from` and `to` (YYYY-MM); a bad value is replaced by its default and named in problems.

    The period never reaches past the as-of date: its last month is cut on that day.
    """
    earliest, latest = month_key(FIRST_DAY), month_key(asof)
    problems: list[str] = []
    chosen: dict[str, str] = {}
    for name, default in (("from", earliest), ("to", latest)):
        value = str(raw.get(name) or "").strip()
        if not value:
            chosen[name] = default
        elif not _MONTH.fullmatch(value):
            problems.append(t("trends_period.bad_month", name=name, value=_short(value)))
            chosen[name] = default
        elif not earliest <= value <= latest:
            problems.append(t("trends_period.out_of_range", name=name, value=value, first=earliest, last=latest))
            chosen[name] = default
        else:
            chosen[name] = value
    if chosen["from"] > chosen["to"]:
        problems.append(t("trends_period.reversed", first=chosen["from"], last=chosen["to"]))
        chosen = {"from": earliest, "to": latest}
    first = date(int(chosen["from"][:4]), int(chosen["from"][5:]), 1)
    cut = min(month_end(chosen["to"]), asof)
    return PeriodChoice(Period(first, cut), chosen["from"], chosen["to"], tuple(problems))


def period_params(choice: PeriodChoice, asof: date) -> dict[str, str]:
    """The URL values of a period; the defaults (from 2021-01 to the as-of month) are omitted."""
    params = {}
    if choice.first_month != month_key(FIRST_DAY):
        params["from"] = choice.first_month
    if choice.last_month != month_key(asof):
        params["to"] = choice.last_month
    return params


def _set_period(key: str, asof: date) -> None:
    first, last = st.session_state[key]
    for name, value, default in (("from", first, month_key(FIRST_DAY)), ("to", last, month_key(asof))):
        if value == default:
            st.query_params.pop(name, None)  # the default stays out of the URL, so links follow the calendar
        else:
            st.query_params[name] = value


def render_period_picker(choice: PeriodChoice, asof: date) -> None:
    """A month-range slider from 2021-01 to the as-of month; moving it rewrites `from` / `to`."""
    months = month_range(FIRST_DAY, asof)
    # One widget per period shown: a new URL (link, back button) then shows its own range, which
    # writing a range slider's value into session state does not do reliably.
    key = f"{PICKER_KEY}_{choice.first_month}_{choice.last_month}_{month_key(asof)}"
    st.select_slider(t("trends_period.label"), options=months, value=(choice.first_month, choice.last_month),
                     key=key, help=t("trends_period.help"), on_change=_set_period, args=(key, asof))
