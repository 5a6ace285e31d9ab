"""The trends page's period: `from_month` / `to_month` (YYYY-MM) in the URL, and a picker that writes them;
the open section (`section`) is read with them, so a run reports every bad value in one warning.

The parameters are declared in components/page_params.py (trends_page); links of the old form
`from` / `to` (months on this page) are still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

import streamlit as st

from labels import t
from components.page_params import trends_page, trends_period
from components.state import Keys
from components.url_params import FIRST_DAY, Param, Problem, parse_declared, url_value
from components.url_state import current_params, report_rejected, set_params
from rules.calendar import Period, month_end, month_key, month_range


@dataclass(frozen=True)
class PeriodChoice:
    """The validated period, its URL values, the open section, and what was wrong with the given ones."""

    period: Period
    first_month: str
    last_month: str
    problems: tuple[Problem, ...] = field(default=())
    section: str = "cases"


def parse_period(raw: Mapping[str, str], asof: date) -> PeriodChoice:
    """Read the period's months; a bad value is replaced by its default and named in problems.

    The period never reaches past the as-of date: its last month is cut on that day.
    """
    values, problems = parse_declared(trends_page(asof), raw)
    first_month, last_month = values["from_month"], values["to_month"]
    if first_month > last_month:
        problems += (("trends_period.reversed", f"{first_month} > {last_month}"),)
        first_month, last_month = month_key(FIRST_DAY), month_key(asof)
    first = date(int(first_month[:4]), int(first_month[5:]), 1)
    cut = min(month_end(last_month), asof)
    return PeriodChoice(Period(first, cut), first_month, last_month, problems, values["section"])


def period_params(choice: PeriodChoice, asof: date) -> dict[str, str]:
    """The URL values of a period; the defaults (from 2021-01 to the as-of month) are omitted."""
    params = {param.name: url_value(param, value) for param, value
              in zip(trends_period(asof), (choice.first_month, choice.last_month))}
    return {name: value for name, value in params.items() if value is not None}


def read_period(asof: date) -> PeriodChoice:
    """The period the URL asks for; what was wrong with it is shown as the one warning."""
    choice = parse_period(current_params(), asof)
    report_rejected(choice.problems)
    return choice


def _set_period(key: str, params: tuple[Param, Param]) -> None:
    first, last = st.session_state[key]
    # The defaults stay out of the URL, so links follow the calendar; old names are dropped.
    set_params({param.name: url_value(param, value) for param, value in zip(params, (first, last))},
               drop=[alias for param in params for alias in param.aliases])


def render_period_picker(choice: PeriodChoice, asof: date) -> None:
    """A month-range slider from 2021-01 to the as-of month; moving it rewrites the period's parameters."""
    months = month_range(FIRST_DAY, asof)
    # One widget per period shown: a new URL (link, back button) then shows its own range, which
    # writing a range slider's value into session state does not do reliably.
    key = Keys.TRENDS_PERIOD.format(first=choice.first_month, last=choice.last_month, asof=month_key(asof))
    st.select_slider(t("trends_period.label"), options=months, value=(choice.first_month, choice.last_month),
                     key=key, help=t("trends_period.help"), on_change=_set_period, args=(key, trends_period(asof)))
