"""Page-specific URL parameters (map and risk filters) bound to widgets, so a view stays a permalink.

Each widget's state is set from the URL before it is drawn and its change callback writes the URL,
so the URL is the one source of truth across reruns, links and page reloads.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Sequence

import streamlit as st

LIST_SEPARATOR = ","
EMPTY_LIST = "-"  # an emptied multiselect, kept apart from "absent" (which means all)


def _write(param: str, key: str, default: object, encode: Callable[[object], str | None]) -> None:
    value = st.session_state[key]
    text = None if value == default else encode(value)
    if text is None:
        st.query_params.pop(param, None)  # the default stays out of the URL: shorter links
    else:
        st.query_params[param] = text


def parse_choice(raw: str | None, options: Sequence[str], default: str) -> tuple[str, str | None]:
    """A single choice from the URL: (value, the rejected raw text or None)."""
    if raw is None or raw == "":
        return default, None
    return (raw, None) if raw in options else (default, raw)


def parse_list(raw: str | None, options: Sequence[str]) -> tuple[tuple[str, ...], str | None]:
    """A comma-separated subset of options from the URL (all when absent); unknown items are rejected."""
    if raw is None or raw == "":
        return tuple(options), None
    if raw == EMPTY_LIST:
        return (), None
    items = [item for item in raw.split(LIST_SEPARATOR) if item]
    unknown = [item for item in items if item not in options]
    chosen = tuple(option for option in options if option in items)
    return (chosen or tuple(options)), (LIST_SEPARATOR.join(unknown) if unknown or not chosen else None)


def parse_date(raw: str | None, low: date, high: date, default: date) -> tuple[date, str | None]:
    """A date from the URL within [low, high]; otherwise the default and the rejected text."""
    if raw is None or raw == "":
        return default, None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return default, raw[:40]
    return (value, None) if low <= value <= high and len(raw) == 10 else (default, raw[:40])


def url_selectbox(label: str, param: str, options: Sequence[str], value: str, default: str,
                  format_func: Callable[[str], str], key: str, **kwargs: object) -> str:
    """A select box whose choice lives in the URL parameter param."""
    st.session_state[key] = value
    return st.selectbox(label, list(options), key=key, format_func=format_func, on_change=_write,
                        args=(param, key, default, str), **kwargs)


def url_segmented(label: str, param: str, options: Sequence[str], value: str, default: str,
                  format_func: Callable[[str], str], key: str) -> str:
    """A segmented control whose choice lives in the URL (clicking the chosen one again keeps it)."""
    st.session_state[key] = value
    chosen = st.segmented_control(label, list(options), key=key, format_func=format_func, on_change=_write,
                                  args=(param, key, default, lambda v: v or None))
    return chosen or value


def url_multiselect(label: str, param: str, options: Sequence[str], value: Sequence[str],
                    format_func: Callable[[str], str], key: str) -> tuple[str, ...]:
    """A multiselect whose choice lives in the URL as a comma list (all options: left out)."""
    st.session_state[key] = list(value)
    every = list(options)
    chosen = st.multiselect(label, every, key=key, format_func=format_func, on_change=_write,
                            args=(param, key, every, lambda v: LIST_SEPARATOR.join(v) if v else EMPTY_LIST))
    return tuple(option for option in options if option in chosen)


def url_date(label: str, param: str, value: date, default: date, low: date, high: date, key: str) -> date:
    """A date input whose value lives in the URL as YYYY-MM-DD."""
    st.session_state[key] = value
    chosen = st.date_input(label, key=key, min_value=low, max_value=high, on_change=_write,
                           args=(param, key, default, lambda v: v.isoformat() if isinstance(v, date) else None))
    return chosen if isinstance(chosen, date) else value
