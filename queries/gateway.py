"""One gateway for all SQL: a cached engine per URL and cached, parameterised reads."""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.sql import Executable

from db.engine import make_engine

DATA_TTL_SECONDS = 300
F = TypeVar("F", bound=Callable[..., Any])

# Outside a Streamlit server (tests, bench, command line) queries are cached in memory on purpose;
# Streamlit warns about that once per cached function, which only buries real output.
logging.getLogger("streamlit.runtime.caching.cache_data_api").addFilter(
    lambda record: "No runtime found" not in record.getMessage())


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """The one engine for a database URL, created lazily and shared by all sessions."""
    return make_engine(url)


def read(url: str, statement: Executable) -> pd.DataFrame:
    """Run a statement (values already bound) and return its rows; retry once on a dropped link."""
    for attempt in (1, 2):
        try:
            with engine_for(url).connect() as connection:
                result = connection.execute(statement)
                return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        except (OperationalError, DBAPIError) as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")


def cached(function: F) -> F:
    """Cache a query function's DataFrame for a few minutes; every argument (scope too) is in the key."""
    wrapped = st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=512)(function)
    return functools.wraps(function)(wrapped)  # type: ignore[return-value]
