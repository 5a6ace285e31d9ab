"""One gateway for all SQL: a shared engine per URL and cached, parameterised reads (no Streamlit here)."""

from __future__ import annotations

import copy
import functools
import pickle
import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Sequence, TypeVar

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.sql import Executable

from db.engine import make_engine
from queries import replica

DATA_TTL_SECONDS = 300
MAX_ENTRIES = 512  # per query function: a few areas × dates × scopes in use at once
F = TypeVar("F", bound=Callable[..., Any])

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()
_caches: list["TtlCache"] = []


def engine_for(url: str) -> Engine:
    """The one engine for a database URL, created lazily and shared by all sessions of the process."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url)
        return engine


def read(url: str, statement: Executable) -> pd.DataFrame:
    """Run a statement (values already bound) and return its rows; from the replica when one serves url.

    A read on the replica that fails for its connection (down, cancelled by recovery) is run again on
    the primary; the replica is left out until its next check (queries/replica.py).
    """
    source = replica.route(url, engine_for)
    if source == url:
        return _read(url, statement)
    try:
        return _read(source, statement)
    except OperationalError as error:
        replica.replica_failed(source, error)
        return _read(url, statement)


def note_write() -> None:
    """Call after a write the user will look for: reads come from the primary for a while."""
    replica.note_write()


def _read(url: str, statement: Executable) -> pd.DataFrame:
    # Retry once on a dropped link (a restarted server): the pool hands out a fresh connection.
    for attempt in (1, 2):
        try:
            with engine_for(url).connect() as connection:
                result = connection.execute(statement)
                return rows_frame(result.fetchall(), list(result.keys()))
        except (OperationalError, DBAPIError) as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")


def rows_frame(rows: Sequence[Sequence[object]], columns: list[str]) -> pd.DataFrame:
    """A result's rows as a frame, built column by column (the same types pandas infers from rows).

    Not pd.DataFrame(rows): pandas asks every row whether it is a named tuple, and SQLAlchemy's Row
    answers a missing attribute by raising and catching a KeyError inside: 0.15 s of the 0.25 s that
    reading a province's 21,511 areas took.
    """
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(dict(enumerate(zip(*rows))))  # numbered: two columns may share a name
    frame.columns = columns
    return frame


class TtlCache:
    """A least-recently-used map whose entries expire after ttl seconds; safe across sessions' threads."""

    def __init__(self, ttl: float, max_entries: int) -> None:
        self.ttl, self.max_entries = ttl, max_entries
        self._entries: OrderedDict[object, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: object) -> tuple[bool, object]:
        """(True, value) while the key's entry is fresh, else (False, None)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] < time.monotonic():
                self._entries.pop(key, None)
                return False, None
            self._entries.move_to_end(key)
            return True, entry[1]

    def put(self, key: object, value: object) -> None:
        """Keep a value, dropping the least recently used beyond max_entries."""
        with self._lock:
            self._entries[key] = (time.monotonic() + self.ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()


def _key(args: tuple, kwargs: dict) -> object:
    key = (args, tuple(sorted(kwargs.items())))
    try:
        hash(key)
        return key
    except TypeError:  # a list or a dict among the arguments: its pickled bytes stand for it
        return pickle.dumps(key)


def _private_copy(value: object) -> object:
    # Callers may change what they get (add a column, sort in place): the cached value must not change.
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=True)
    return copy.deepcopy(value)


def registered_cache(ttl: float, max_entries: int) -> TtlCache:
    """A new cache that clear_caches empties with the rest (what is built from query results, too)."""
    cache = TtlCache(ttl, max_entries)
    _caches.append(cache)
    return cache


def cached(function: F) -> F:
    """Cache a query function's result for a few minutes; every argument (scope too) is in the key."""
    cache = registered_cache(DATA_TTL_SECONDS, MAX_ENTRIES)

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = _key(args, kwargs)
        found, value = cache.get(key)
        if not found:
            value = function(*args, **kwargs)
            cache.put(key, value)
        return _private_copy(value)

    wrapper.clear = cache.clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def clear_caches() -> None:
    """Forget every cached query result (what a page pays with nothing cached; fresh data after an import)."""
    for cache in _caches:
        cache.clear()
