"""Where the signal figures find each signal's state: the per-signal rollup while it is current, else
each signal's newest review found among all review rows (the same answer, slower: db.signal_state)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from db.rollup_schema import rollup_signal_state, rollup_state
from db.schema import signal, signal_review
from db.signal_state import STATE_NAME
from queries.gateway import cached, read
from queries.rollups import Freshness


@dataclass(frozen=True)
class SignalSource:
    """A signal's own columns and its newest review's, in one selectable: `counted` for the figures
    (no signal columns beyond those), `listed` joined to the signal rows for lists of signals."""

    counted: object
    listed: object
    signal_id: object
    signal_area: object  # signal.area_code: the household's village, or the receiving county
    received_on: object
    area_code: object  # the newest review's area (where the verification was sent); NULL: never sent
    sent_on: object
    verified_on: object
    outcome: object
    case_id: object


def _latest_review():
    """Subquery: each signal's newest review row (the highest id)."""
    review = signal_review.c
    newest = select(review.signal_id, func.max(review.id).label("review_id")).group_by(review.signal_id).subquery()
    return (select(review.signal_id, review.id, review.area_code, review.sent_on, review.verified_on,
                   review.outcome, review.case_id)
            .select_from(signal_review.join(newest, newest.c.review_id == review.id))
            .subquery("latest"))


def _same(first, second) -> bool:
    return (pd.isna(first) and pd.isna(second)) or (not pd.isna(first) and not pd.isna(second)
                                                    and int(first) == int(second))


@cached
def signal_state_freshness(db: str) -> Freshness:
    """Current when the rollup holds the newest signal and the newest review (four index look-ups):
    rows are only ever appended, so equal maxima mean nothing was written since."""
    try:
        state = read(db, select(rollup_state.c.refreshed_at).where(rollup_state.c.name == STATE_NAME))
        if state.empty:
            return Freshness(STATE_NAME, None, False)
        read(db, select(rollup_signal_state).limit(1))  # every column there (not a table of another version)
        held = rollup_signal_state.c
        marks = read(db, select(select(func.max(signal.c.id)).scalar_subquery().label("signal"),
                                select(func.max(signal_review.c.id)).scalar_subquery().label("review"),
                                select(func.max(held.signal_id)).scalar_subquery().label("held_signal"),
                                select(func.max(held.review_id)).scalar_subquery().label("held_review"))).iloc[0]
    except DBAPIError:  # a database older than the table: the figures read the rows
        return Freshness(STATE_NAME, None, False)
    fresh = _same(marks["signal"], marks["held_signal"]) and _same(marks["review"], marks["held_review"])
    return Freshness(STATE_NAME, state["refreshed_at"].iloc[0].to_pydatetime(), fresh)


def signal_source(db: str) -> SignalSource:
    """The rollup while it is current, else the rows."""
    return rollup_source() if signal_state_freshness(db).fresh else rows_source()


def rollup_source() -> SignalSource:
    """Each signal's state from rollup_signal_state (one row per signal)."""
    held = rollup_signal_state.c
    return SignalSource(rollup_signal_state, rollup_signal_state.join(signal, signal.c.id == held.signal_id),
                        held.signal_id, held.signal_area, held.received_on, held.area_code, held.sent_on,
                        held.verified_on, held.outcome, held.case_id)


def rows_source() -> SignalSource:
    """Each signal's state found among the review rows (the rollup's oracle, and its stand-in)."""
    latest = _latest_review()
    joined = signal.outerjoin(latest, latest.c.signal_id == signal.c.id)
    return SignalSource(joined, joined, signal.c.id, signal.c.area_code, signal.c.received_on, latest.c.area_code,
                        latest.c.sent_on, latest.c.verified_on, latest.c.outcome, latest.c.case_id)
