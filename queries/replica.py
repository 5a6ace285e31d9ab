"""Where a read goes: the streaming replica (DASHBOARD_DB_READ_URL) while it is up and current, else the primary.

Writes never come here: they use `gateway.engine_for(db)` on the primary URL the app was given.
Reads of that primary URL go to the replica, except
- for a while after a user-visible write in this process (`note_write`: a report, a review, a
  verification, an import), so what a user just wrote is shown from the primary (nginx keeps a
  browser on one process, so the writer's session is always among them);
- while the replica is unreachable, not streaming, or lagging more than DASHBOARD_REPLICA_MAX_LAG
  seconds (default 10): checked at most every few seconds, each change of state logged once.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from db.engine import URL_ENV, safe_url

READ_URL_ENV = "DASHBOARD_DB_READ_URL"
MAX_LAG_ENV = "DASHBOARD_REPLICA_MAX_LAG"
DEFAULT_MAX_LAG_SECONDS = 10.0
CHECK_EVERY_SECONDS = 5.0
# Long enough that a replica within the lag bound, checked since, holds the write when reads return to it.
READ_YOUR_WRITES_SECONDS = 30.0
LOG = logging.getLogger("dashboard.replica")

# PostgreSQL: seconds the replica's replayed data is behind; 0 when it has replayed all it received.
# None when it is not streaming from a primary (a stale copy that cannot tell how stale it is).
_PG_LAG = text("""
SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0
            WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN NULL
            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END
""")


@dataclass
class _State:
    checked_at: float = -1e9
    usable: bool = False
    reason: str = "unchecked"


_lock = threading.Lock()
_states: dict[str, _State] = {}
_primary_until = 0.0


def replica_url_for(url: str) -> str | None:
    """The replica that stands in for reads of url: only the configured primary has one."""
    replica = os.environ.get(READ_URL_ENV, "").strip()
    if not replica or replica == url or url != os.environ.get(URL_ENV):
        return None
    return replica


def max_lag_seconds() -> float:
    """The lag bound beyond which reads go to the primary (setting DASHBOARD_REPLICA_MAX_LAG)."""
    try:
        return max(0.0, float(os.environ.get(MAX_LAG_ENV, DEFAULT_MAX_LAG_SECONDS)))
    except ValueError:
        return DEFAULT_MAX_LAG_SECONDS


def note_write() -> None:
    """A user-visible write just reached the primary: this process reads the primary for a while."""
    global _primary_until
    with _lock:
        _primary_until = time.monotonic() + READ_YOUR_WRITES_SECONDS


def route(url: str, engine_for: Callable[[str], Engine]) -> str:
    """The URL to read url's data from now: its replica when usable, else url itself."""
    replica = replica_url_for(url)
    if replica is None or time.monotonic() < _primary_until:
        return url
    with _lock:
        state = _states.setdefault(replica, _State())
        due = time.monotonic() - state.checked_at >= CHECK_EVERY_SECONDS
        if due:
            state.checked_at = time.monotonic()  # one thread checks; the others use the last verdict
    if due:
        usable, reason = _check(engine_for(replica))
        _set_state(replica, usable, reason)
    return replica if _states[replica].usable else url


def replica_failed(replica: str, error: BaseException) -> None:
    """A read on the replica failed: use the primary until the next check finds the replica well."""
    with _lock:
        _states.setdefault(replica, _State()).checked_at = time.monotonic()
    _set_state(replica, False, f"read failed: {str(error).splitlines()[0] if str(error) else type(error).__name__}")


def reset() -> None:
    """Forget every verdict and the write window (tests; a changed setting)."""
    global _primary_until
    with _lock:
        _states.clear()
        _primary_until = 0.0


def _check(engine: Engine) -> tuple[bool, str]:
    try:
        with engine.connect() as connection:
            if engine.dialect.name != "postgresql":
                connection.execute(text("SELECT 1"))  # other engines: reachable is all we can tell
                return True, "reachable"
            lag = connection.execute(_PG_LAG).scalar()
    except SQLAlchemyError as error:
        return False, f"unreachable: {str(error).splitlines()[0]}"
    if lag is None:
        return False, "not streaming from the primary"
    if float(lag) > max_lag_seconds():
        return False, f"lagging {float(lag):.1f} s (bound {max_lag_seconds():g} s)"
    return True, f"lag {float(lag):.1f} s"


def _set_state(replica: str, usable: bool, reason: str) -> None:
    with _lock:
        state = _states.setdefault(replica, _State())
        changed = state.usable != usable or state.reason == "unchecked"
        state.usable, state.reason = usable, reason
    if changed and usable:
        LOG.info("replica %s in use for reads (%s)", safe_url(replica), reason)
    elif changed:
        LOG.warning("replica %s not used, reads go to the primary: %s", safe_url(replica), reason)
