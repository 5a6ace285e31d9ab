"""Each department signal's state, kept per signal (added, issue 17): rollup_signal_state.

A signal's state is its newest signal_review row. Finding it is a group-by over every review: at
10 million households 650,000 rows, about 1 s for each figure of the signals page, the cockpit's
overdue tile and the briefing. Reviews and signals are only ever appended (a correction is a new
row), so the table is current exactly when it holds the newest signal id and the newest review id
(queries.signal_source compares them). The app's own verification refreshes its signal in the same
transaction; imports and refresh-rollups catch up every signal added or reviewed since (`catch_up`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, insert, select, union
from sqlalchemy.engine import Connection, Engine

from db.rollup_schema import rollup_signal_state, rollup_state
from db.schema import signal, signal_review
from db.upgrade import out_of_shape

STATE_NAME = "signal_state"  # its rollup_state row: present once built (refreshed_at: the caption's time)
SIGNAL_CHUNK = 500  # signals per IN list: well under every engine's bound-parameter limit
COLUMNS = list(rollup_signal_state.columns.keys())  # in the order _state_select gives them


def _state_select(signal_ids: list[int] | None):
    """The state rows of these signals (None: of every signal), from the contract tables."""
    review = signal_review.c
    newest = select(review.signal_id, func.max(review.id).label("review_id")).group_by(review.signal_id)
    if signal_ids is not None:
        newest = newest.where(review.signal_id.in_(signal_ids))
    newest = newest.subquery("newest")
    latest = signal_review.alias("latest")
    statement = (select(signal.c.id, signal.c.area_code, signal.c.department, signal.c.received_on, latest.c.id,
                        latest.c.area_code, latest.c.sent_on, latest.c.verified_on, latest.c.outcome,
                        latest.c.case_id)
                 .select_from(signal.outerjoin(newest, newest.c.signal_id == signal.c.id)
                              .outerjoin(latest, latest.c.id == newest.c.review_id)))
    return statement if signal_ids is None else statement.where(signal.c.id.in_(signal_ids))


def _mark(connection: Connection, signals: int) -> None:
    """Built, when, and how many signals the refresh wrote (rollup_state.villages: rows rebuilt)."""
    connection.execute(delete(rollup_state).where(rollup_state.c.name == STATE_NAME))
    connection.execute(insert(rollup_state).values(name=STATE_NAME, refreshed_at=datetime.now(), villages=signals))


def _built(connection: Connection) -> bool:
    return connection.execute(select(rollup_state.c.name).where(rollup_state.c.name == STATE_NAME)).first() is not None


def rebuild(connection: Connection) -> int:
    """Every signal's state again (the table exists in this version's shape); returns the rows."""
    connection.execute(delete(rollup_signal_state))
    connection.execute(insert(rollup_signal_state).from_select(COLUMNS, _state_select(None)))
    rows = int(connection.execute(select(func.count()).select_from(rollup_signal_state)).scalar() or 0)
    _mark(connection, rows)
    return rows


def refresh_signals(connection: Connection, signal_ids: Iterable[int]) -> int:
    """The state of these signals again, once the table is built (a write in the same transaction);
    returns how many were refreshed (0: never built, the pages read the rows). The state row keeps
    its time: the app's role may write this table, not rollup_state (freshness is by the ids)."""
    ids = sorted(set(signal_ids))
    if not ids or not _built(connection):
        return 0
    for at in range(0, len(ids), SIGNAL_CHUNK):
        chunk = ids[at:at + SIGNAL_CHUNK]
        connection.execute(delete(rollup_signal_state).where(rollup_signal_state.c.signal_id.in_(chunk)))
        connection.execute(insert(rollup_signal_state).from_select(COLUMNS, _state_select(chunk)))
    return len(ids)


def catch_up(engine: Engine) -> int:
    """Refresh every signal added or reviewed since the table's newest ids (after an import, or
    reviews written by another system); returns how many signals were refreshed."""
    if out_of_shape(engine, [rollup_signal_state]):  # never built, or by another version: refresh-rollups
        return 0
    state = rollup_signal_state.c
    with engine.begin() as connection:
        if not _built(connection):
            return 0
        newest_signal, newest_review = connection.execute(select(func.max(state.signal_id),
                                                                 func.max(state.review_id))).one()
        touched = union(select(signal.c.id).where(signal.c.id > (newest_signal or 0)),
                        select(signal_review.c.signal_id).where(signal_review.c.id > (newest_review or 0)))
        refreshed = refresh_signals(connection, connection.execute(touched).scalars())
        if refreshed:
            _mark(connection, refreshed)
        return refreshed
