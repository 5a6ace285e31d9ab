"""Signed-in sessions, read: which user a session or a cookie's token belongs to, if it still lives.

Never cached: a sign-out on another process or in another tab must end this one on its next run.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from db.auth_sessions import ensure_session_tables, token_hash
from db.schema import auth_session
from queries.gateway import engine_for


@dataclass(frozen=True)
class SessionRecord:
    """One session row, as the frame needs it."""

    session_id: str
    user_name: str
    last_seen: float
    expires: float
    revoked: float | None

    def live(self, now: float, idle_seconds: float | None) -> bool:
        """Not revoked, not expired and (unless idle_seconds is None) used within idle_seconds."""
        if self.revoked is not None or self.expires <= now:
            return False
        return idle_seconds is None or now - self.last_seen <= idle_seconds


def session_record(db: str, session_id: str | None = None, token: str | None = None) -> SessionRecord | None:
    """The row of a session by its id (this tab's) or by a cookie's token; None when there is none."""
    if not session_id and not token:
        return None
    row = auth_session.c
    where = row.session_id == session_id if session_id else row.token_hash == token_hash(token or "")
    try:
        ensure_session_tables(engine_for(db))
        with engine_for(db).connect() as connection:
            found = connection.execute(select(row.session_id, row.user_name, row.last_seen, row.expires,
                                              row.revoked).where(where)).first()
    except SQLAlchemyError:  # the database is down: nobody is signed in by cookie
        return None
    return SessionRecord(*found) if found else None
