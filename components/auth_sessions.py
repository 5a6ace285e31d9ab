"""Sign-ins that outlive the browser tab: an HttpOnly session cookie and its record in the database.

At sign-in the tab opens a session record and shows the browser a one-time ticket (an invisible
image), which the server's /auth/session route (serve.py) trades for an HttpOnly, SameSite=Strict
cookie holding a random token, signed. A reload, a new tab, another app process or the same one
after a restart finds the user again through that cookie. Every run checks the record: sign-out
revokes all the user's sessions, a user removed from the users file loses them, and a session
unused for the idle timeout ends.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import time
from urllib.parse import quote

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from components.auth_users import UserConfig, UserRecord
from components.state import Keys
from db.auth_sessions import open_session, revoke_session, revoke_user, shared_secret, touch
from queries.auth_sessions import session_record
from queries.gateway import engine_for
from rules.settings import SESSION_SETTINGS

LOG = logging.getLogger("dashboard.auth")
COOKIE = "dashboard_session"
CLAIM_PATH = "/auth/session"
KEY_ENV = "DASHBOARD_SESSION_KEY"  # the cookie's signing key; else one kept in the database
IDLE_ENV = "DASHBOARD_SESSION_IDLE_MINUTES"  # overrides the idle timeout (tests use seconds' worth)
TOUCH_SECONDS = 60.0  # last-seen is written at most this often (or a quarter of a short timeout)


@functools.lru_cache(maxsize=8)
def session_key(db: str) -> bytes:
    """The key that signs session cookies: configured, else one every process of this database shares."""
    configured = os.environ.get(KEY_ENV)
    if configured:
        return configured.encode("utf-8")
    return shared_secret(engine_for(db), "session_cookie").encode("utf-8")


def _signature(key: bytes, token: str) -> str:
    return hmac.new(key, token.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def cookie_value(key: bytes, token: str) -> str:
    """The cookie: the token and its signature."""
    return f"{token}.{_signature(key, token)}"


def token_from_cookie(key: bytes, value: str | None) -> str | None:
    """The token of a well-signed cookie; None for anything else (absent, forged, truncated)."""
    token, _dot, signature = (value or "").rpartition(".")
    if not token or not hmac.compare_digest(signature, _signature(key, token)):
        return None
    return token


def idle_seconds(role: str) -> float | None:
    """The idle timeout of a role in seconds; None: never (the big screen, or a timeout of 0)."""
    if role in SESSION_SETTINGS.no_idle_roles:
        return None
    try:
        minutes = float(os.environ.get(IDLE_ENV) or SESSION_SETTINGS.idle_minutes)
    except ValueError:
        LOG.warning("%s is not a number: the default idle timeout applies", IDLE_ENV)
        minutes = SESSION_SETTINGS.idle_minutes
    return minutes * 60 if minutes > 0 else None


def lifetime_seconds() -> float:
    """How long a session lasts at most after signing in."""
    return SESSION_SETTINGS.lifetime_hours * 3600


def start_session(db: str, user: UserRecord) -> None:
    """Open the server-side session of a password sign-in; this tab shows its ticket next (claim_image)."""
    try:
        session_id, ticket = open_session(engine_for(db), user.name, time.time(), lifetime_seconds())
    except SQLAlchemyError as error:  # signed in for this tab only; a reload asks again
        LOG.error("session record not written: %s", str(error).splitlines()[0])
        return
    st.session_state[Keys.SESSION] = session_id
    st.session_state[Keys.SESSION_TICKET] = (ticket, time.monotonic())


def render_claim_image() -> None:
    """While a fresh ticket waits, an invisible same-origin image whose answer sets the cookie."""
    pending = st.session_state.get(Keys.SESSION_TICKET)
    if not pending:
        return
    ticket, issued = pending
    if time.monotonic() - issued > 60:
        st.session_state.pop(Keys.SESSION_TICKET, None)
        return
    st.html(f'<img src="{CLAIM_PATH}?ticket={quote(ticket)}" width="1" height="1" alt="">')


def _cookie_token() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no browser connection (AppTest, scripts): no cookie
        return None
    return value if isinstance(value, str) else None


def _forget_tab() -> None:
    for key in (Keys.USER, Keys.SESSION, Keys.SESSION_TICKET):
        st.session_state.pop(key, None)


def _still_valid(db: str, config: UserConfig, session_id: str | None, token: str | None) -> UserRecord | None:
    """The user of a live session, marking it seen; ends a session that idled out or lost its user."""
    record = session_record(db, session_id=session_id, token=token)
    if record is None:
        return None
    now, engine = time.time(), engine_for(db)
    user = config.users.get(record.user_name)
    try:
        if user is None:  # removed from the users file: every session of that name ends
            revoke_user(engine, record.user_name, now)
            return None
        idle = idle_seconds(user.role)
        if not record.live(now, idle):
            if record.revoked is None:
                revoke_session(engine, record.session_id, now)
            return None
        if now - record.last_seen > min(TOUCH_SECONDS, (idle or TOUCH_SECONDS * 4) / 4):
            touch(engine, record.session_id, now)
    except SQLAlchemyError as error:
        LOG.error("session record not updated: %s", str(error).splitlines()[0])
    st.session_state[Keys.SESSION] = record.session_id
    return user


def session_user(db: str, config: UserConfig) -> tuple[UserRecord | None, bool]:
    """The user this tab is signed in as (its own session, else the browser's cookie), and whether the
    session was found through the cookie just now (a reload or a new tab: worth an audit entry)."""
    name = st.session_state.get(Keys.USER)
    session_id = st.session_state.get(Keys.SESSION)
    if name and not session_id:  # signed in without a record (the database refused it): this tab only
        return config.users.get(name), False
    if session_id:
        user = _still_valid(db, config, session_id, None)
        if user is None:
            _forget_tab()
        return user, False
    cookie = _cookie_token()
    try:
        token = token_from_cookie(session_key(db), cookie) if cookie else None
    except SQLAlchemyError as error:  # no key without the database: the cookie cannot be checked
        LOG.error("session key unreadable: %s", str(error).splitlines()[0])
        token = None
    user = _still_valid(db, config, None, token) if token else None
    if user is not None:
        st.session_state[Keys.USER] = user.name
    return user, user is not None


def end_sessions(db: str, user_name: str) -> None:
    """Sign-out: every session of the user ends, in every tab, browser and process."""
    try:
        revoke_user(engine_for(db), user_name, time.time())
    except SQLAlchemyError as error:
        LOG.error("sessions not revoked: %s", str(error).splitlines()[0])
    _forget_tab()
