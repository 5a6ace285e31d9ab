"""The URL as page state: the one place that reads and writes st.query_params.

read_params parses a page's declared set and reports what it rejected; set_params and
replace_params are the only URL writers; the url_* widgets keep a choice in the URL, so the URL is
the one source of truth across reruns, links and reloads.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Mapping, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.text import echo
from components.url_params import Param, Problem, parse_declared, url_value
from labels import t


def current_params() -> dict[str, str]:
    """The query parameters of this run, as given."""
    return st.query_params.to_dict()


def problem_text(problems: Sequence[Problem]) -> str:
    """The one message for rejected values: each named by its label, its value cut and escaped."""
    return t("params.ignored", items="；".join(t(key, value=echo(value)) for key, value in problems))


def report_rejected(problems: Sequence[Problem]) -> None:
    """One warning listing every rejected parameter value (nothing when there is none)."""
    if problems:
        st.warning(problem_text(problems))


def read_params(params: Sequence[Param]) -> dict[str, object]:
    """The values of a page's declared parameters; rejected ones are reported and replaced by defaults."""
    values, problems = parse_declared(params, current_params())
    report_rejected(problems)
    return values


def set_params(changes: Mapping[str, str | None], drop: Sequence[str] = ()) -> None:
    """Change some URL parameters (None removes one) and remove the names in drop."""
    for name in drop:
        st.query_params.pop(name, None)
    for name, value in changes.items():
        if value is None:
            st.query_params.pop(name, None)
        else:
            st.query_params[name] = value


def replace_params(query: Mapping[str, str]) -> None:
    """Replace the whole query (a drill to another view)."""
    st.query_params.from_dict(dict(query))


def go_to(query: Mapping[str, str], forget: Sequence[str] = ()) -> None:
    """Open another view of this page now; forget the widget states in forget first.

    A table's row selection or a map's last click would otherwise drill down again on the way back.
    """
    for key in forget:
        st.session_state.pop(key, None)
    replace_params(query)
    st.rerun()


def open_page(page: str, query: Mapping[str, str], forget: Sequence[str] = ()) -> None:
    """Switch to another page with query as its URL parameters; forget the widget states in forget."""
    for key in forget:
        st.session_state.pop(key, None)
    st.switch_page(page, query_params=dict(query))


def restore_params(remembered: Mapping[str, str | None]) -> None:
    """Put back remembered values the URL lacks (st.navigation drops them on a page switch)."""
    missing = {name: value for name, value in remembered.items() if value and name not in st.query_params}
    set_params(missing)


def _write(param: Param, key: str) -> None:
    set_params({param.name: url_value(param, st.session_state[key])}, drop=param.aliases)


def url_selectbox(label: str, param: Param, options: Sequence[str], value: str,
                  format_func: Callable[[str], str], key: str, **kwargs: object) -> str:
    """A select box whose choice lives in the URL parameter param."""
    st.session_state[key] = value
    return st.selectbox(label, list(options), key=key, format_func=format_func, on_change=_write,
                        args=(param, key), **kwargs)


def url_segmented(label: str, param: Param, options: Sequence[str], value: str,
                  format_func: Callable[[str], str], key: str) -> str:
    """A segmented control whose choice lives in the URL (clicking the chosen one again keeps it)."""
    st.session_state[key] = value
    chosen = st.segmented_control(label, list(options), key=key, format_func=format_func, on_change=_write,
                                  args=(param, key))
    return chosen or value


def _write_tab(param: Param, key: str, options: Mapping[str, str]) -> None:
    set_params({param.name: url_value(param, options[st.session_state[key]])}, drop=param.aliases)


def url_tabs(param: Param, options: Sequence[str], value: str, format_func: Callable[[str], str],
             key: str) -> DeltaGenerator:
    """Tabs whose open tab lives in the URL; returns the open tab, the only one whose content should run.

    Lazy on purpose: a page that drew every tab's charts at once kept a cold browser busy for seconds.
    """
    labels = [format_func(option) for option in options]
    st.session_state[key] = format_func(value)
    tabs = st.tabs(labels, key=key, on_change=_write_tab, args=(param, key, dict(zip(labels, options))))
    return tabs[list(options).index(value)]


def url_multiselect(label: str, param: Param, options: Sequence[str], value: Sequence[str],
                    format_func: Callable[[str], str], key: str) -> tuple[str, ...]:
    """A multiselect whose choice lives in the URL as a comma list (all options: left out)."""
    st.session_state[key] = list(value)
    chosen = st.multiselect(label, list(options), key=key, format_func=format_func, on_change=_write,
                            args=(param, key))
    return tuple(option for option in options if option in chosen)


def url_date(label: str, param: Param, value: date, low: date, high: date, key: str) -> date:
    """A date input whose value lives in the URL as YYYY-MM-DD."""
    st.session_state[key] = value
    chosen = st.date_input(label, key=key, min_value=low, max_value=high, on_change=_write, args=(param, key))
    return chosen if isinstance(chosen, date) else value
