"""Signed-in sessions, written: opened at sign-in, claimed once by the browser, seen, revoked.

The browser keeps a random token in an HttpOnly cookie; these rows keep only its SHA-256 hash, so a
copy of the table signs nobody in. Every app process reads and writes the same rows, so a session
opened on one process is valid on every other and survives a restart.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from db.schema import auth_session, server_secret

TICKET_SECONDS = 60.0  # the browser claims its cookie within this time after signing in, or never
_created: set[str] = set()


def token_hash(token: str) -> str:
    """What the table keeps of a token or ticket."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def ensure_session_tables(engine: Engine) -> None:
    """Create the tables once per process and database if missing."""
    key = engine.url.render_as_string(hide_password=True)
    if key not in _created:
        auth_session.create(engine, checkfirst=True)
        server_secret.create(engine, checkfirst=True)
        _created.add(key)


def open_session(engine: Engine, user_name: str, now: float, lifetime_seconds: float) -> tuple[str, str]:
    """A new session of the user: its id (this tab remembers it) and the one-time ticket the browser
    trades for its cookie."""
    ensure_session_tables(engine)
    session_id, ticket = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    with engine.begin() as connection:
        # Rows long past their end are of no use to anyone: drop them while here.
        connection.execute(delete(auth_session).where(auth_session.c.expires < now - 86400))
        connection.execute(auth_session.insert(), [{
            "session_id": session_id, "ticket_hash": token_hash(ticket), "user_name": user_name[:64],
            "created": now, "last_seen": now, "expires": now + lifetime_seconds}])
    return session_id, ticket


def claim_ticket(engine: Engine, ticket: str, now: float) -> str | None:
    """Trade a fresh, unused ticket for the session's token (None: unknown, used, stale or revoked).
    The ticket is spent at once, so a second claim, here or on another process, gets nothing."""
    ensure_session_tables(engine)
    row = auth_session.c
    token = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        claimed = connection.execute(update(auth_session).where(and_(
            row.ticket_hash == token_hash(ticket), row.revoked.is_(None), row.created > now - TICKET_SECONDS,
            row.expires > now)).values(ticket_hash=None, token_hash=token_hash(token), last_seen=now))
    return token if claimed.rowcount == 1 else None


def touch(engine: Engine, session_id: str, now: float) -> None:
    """The session was used now (the idle timeout counts from here)."""
    with engine.begin() as connection:
        connection.execute(update(auth_session).where(auth_session.c.session_id == session_id)
                           .values(last_seen=now))


def revoke_user(engine: Engine, user_name: str, now: float) -> int:
    """End every session of the user (sign-out, removal from the users file); how many were live."""
    ensure_session_tables(engine)
    row = auth_session.c
    with engine.begin() as connection:
        ended = connection.execute(update(auth_session).where(and_(row.user_name == user_name,
                                                                   row.revoked.is_(None)))
                                   .values(revoked=now))
    return ended.rowcount


def revoke_session(engine: Engine, session_id: str, now: float) -> None:
    """End one session (it idled out or expired), so its cookie never works again."""
    row = auth_session.c
    with engine.begin() as connection:
        connection.execute(update(auth_session).where(and_(row.session_id == session_id,
                                                           or_(row.revoked.is_(None), row.revoked > now)))
                           .values(revoked=now))


def shared_secret(engine: Engine, name: str) -> str:
    """A random key every process of this database shares, made by whichever process asks first."""
    ensure_session_tables(engine)
    with engine.begin() as connection:
        found = connection.execute(select(server_secret.c.value).where(server_secret.c.name == name)).scalar()
    if found:
        return found
    try:
        with engine.begin() as connection:
            connection.execute(server_secret.insert(), [{"name": name, "value": secrets.token_hex(32)}])
    except IntegrityError:  # another process made it first: use theirs
        pass
    with engine.begin() as connection:
        return connection.execute(select(server_secret.c.value).where(server_secret.c.name == name)).scalar_one()
