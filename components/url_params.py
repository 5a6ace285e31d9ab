"""URL parameters: the shared validators, the declared parameter sets they check, and permalinks.

No Streamlit here (components/url_state.py reads and writes the URL). Every page declares its
parameters once (components/page_params.py) as Param rows built from the validators below.

The one message convention: a value that fails its validator is dropped (its default is used) and
reported as a Problem, (label key, the value as given, cut to 40 characters). The label's only
placeholder is {value}; url_state.report_rejected shows all of a run's problems in one warning,
with every value escaped, so a link can never put Markdown, links or images on a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Mapping, Sequence

from components.text import shorten

FIRST_DAY = date(2021, 1, 1)  # the transition period's first day: no history before it
LIST_SEPARATOR = ","
EMPTY_LIST = "-"  # an emptied multiselect, kept apart from "absent" (which means all)
MAX_ID = 2**31 - 1
AREA_CODE = re.compile(r"[0-9]{12}")  # ASCII digits only: \d also matches other scripts' digits
UNIT_CODE = re.compile(r"[A-Za-z0-9_\-]{1,32}")
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]+")

Problem = tuple[str, str]  # (label key with a {value} placeholder, the rejected value as given, shortened)


class Rejected(ValueError):
    """A validator refused the text; fallback, when given, replaces the parameter's default."""

    def __init__(self, fallback: object = None, shown: str | None = None) -> None:
        super().__init__()
        self.fallback = fallback
        self.shown = shown  # the part of the text to name in the message (default: all of it)


Parse = Callable[[str], object]  # raises Rejected


# --- validators: each returns a parser from URL text to a value ----------------------------------

def choice(options: Sequence[str]) -> Parse:
    """One of options, exactly."""
    def parse(text: str) -> str:
        if text not in options:
            raise Rejected
        return text
    return parse


def list_of(options: Sequence[str], keep_order: bool = False) -> Parse:
    """A comma-separated subset of options (in the options' order unless keep_order); `-` is none.

    Unknown items are rejected and named; the known ones are kept (the default when none is known).
    """
    def parse(text: str) -> tuple[str, ...]:
        if text == EMPTY_LIST:
            return ()
        items = list(dict.fromkeys(item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()))
        known = [item for item in items if item in options]
        chosen = tuple(known) if keep_order else tuple(option for option in options if option in known)
        unknown = [item for item in items if item not in options]
        if unknown or not chosen:
            raise Rejected(chosen or None, LIST_SEPARATOR.join(unknown) or text)
        return chosen
    return parse


def day(low: date, high: date) -> Parse:
    """A date written YYYY-MM-DD within [low, high]."""
    def parse(text: str) -> date:
        if not _DAY.fullmatch(text):
            raise Rejected
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise Rejected from None
        if not low <= value <= high:
            raise Rejected
        return value
    return parse


def month(low: str, high: str) -> Parse:
    """A month written YYYY-MM within [low, high] (both YYYY-MM)."""
    def parse(text: str) -> str:
        if not _MONTH.fullmatch(text) or not low <= text <= high:
            raise Rejected
        return text
    return parse


def integer(low: int, high: int) -> Parse:
    """A whole number written in digits within [low, high]."""
    def parse(text: str) -> int:
        if not _DIGITS.fullmatch(text) or len(text) > len(str(high)) or not low <= int(text) <= high:
            raise Rejected
        return int(text)
    return parse


def code(pattern: re.Pattern[str]) -> Parse:
    """A code matching pattern in full (what it names is checked against the data by the page)."""
    def parse(text: str) -> str:
        if not pattern.fullmatch(text):
            raise Rejected
        return text
    return parse


def flag() -> Parse:
    """1 (on) or 0 (off)."""
    def parse(text: str) -> bool:
        if text not in ("0", "1"):
            raise Rejected
        return text == "1"
    return parse


# --- declared parameter sets -------------------------------------------------------------------

@dataclass(frozen=True)
class Param:
    """One URL parameter: its name, validator, default, the message key of a bad value, old names."""

    name: str
    parse: Parse
    default: object = None
    problem: str = "params.bad_value"
    aliases: tuple[str, ...] = field(default=())  # older names still read from links, never written


def parse_declared(params: Sequence[Param], raw: Mapping[str, object]) -> tuple[dict[str, object], tuple[Problem, ...]]:
    """Validate raw query parameters against a declared set: (value of each parameter, problems)."""
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for param in params:
        text = next((raw[name] for name in (param.name, *param.aliases) if raw.get(name) not in (None, "")), None)
        if isinstance(text, list):  # a repeated parameter: the last one counts, as in st.query_params
            text = text[-1] if text else None
        if text is None or str(text).strip() == "":
            values[param.name] = param.default
            continue
        try:
            values[param.name] = param.parse(str(text).strip())
        except Rejected as rejected:
            values[param.name] = param.default if rejected.fallback is None else rejected.fallback
            problems.append((param.problem, shorten(text if rejected.shown is None else rejected.shown)))
    return values, tuple(problems)


def encode(value: object) -> str | None:
    """The URL text of a parameter value (None: leave it out of the URL)."""
    if value is None or value is False or value == "":
        return None
    if value is True:
        return "1"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return LIST_SEPARATOR.join(str(item) for item in value) if value else EMPTY_LIST
    return str(value)


def url_value(param: Param, value: object) -> str | None:
    """The URL text of a parameter, or None when it is the default (defaults stay out of links)."""
    if isinstance(value, (tuple, list)) and isinstance(param.default, (tuple, list)):
        same = set(value) == set(param.default)  # a multiselect keeps the order of clicks
    else:
        same = value == param.default
    return None if same else encode(value)


def permalink(params: Mapping[str, object]) -> dict[str, str]:
    """Query parameters for a link, dropping empty values and formatting dates."""
    result = {}
    for name, value in params.items():
        text = encode(value) if not isinstance(value, (tuple, list)) or value else None
        if text is not None:
            result[name] = text
    return result


def asof_param(asof: date | None, today: date) -> str | None:
    """The URL value of an "as of" date: omitted for today, so a bookmark follows the calendar."""
    return None if asof is None or asof == today else asof.isoformat()
