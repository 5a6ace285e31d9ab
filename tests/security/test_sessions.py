"""Session records and the cookie route: hashed tokens, one-time tickets, revocation, the same key on
every process, and no cookie for another site's request (issue 18)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.routing import Route

from components.auth_sessions import (CLAIM_PATH, COOKIE, cookie_value, idle_seconds, session_key,
                                      token_from_cookie)
from components.roles import ROLES
from db.auth_sessions import (TICKET_SECONDS, claim_ticket, ensure_session_tables, open_session, revoke_session,
                              revoke_user, shared_secret, token_hash, touch)
from db.schema import auth_session
from queries.auth_sessions import session_record
from queries.gateway import engine_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def session_db(request, tmp_path_factory, server_database) -> str:
    """An empty database on each engine (the tables are made on first use)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sessions') / 'sessions.db'}"
    return server_database(request.param, "sessions")


def _clear(db: str) -> None:
    ensure_session_tables(engine_for(db))
    with engine_for(db).begin() as connection:
        connection.execute(auth_session.delete())


def test_a_ticket_becomes_a_token_once_and_the_table_keeps_only_hashes(session_db):
    engine, now = engine_for(session_db), time.time()
    _clear(session_db)
    session_id, ticket = open_session(engine, "county", now, 3600)
    token = claim_ticket(engine, ticket, now + 1)
    assert token and claim_ticket(engine, ticket, now + 2) is None  # spent
    with engine.connect() as connection:
        stored = connection.execute(select(auth_session)).mappings().one()
    assert stored["token_hash"] == token_hash(token) and stored["ticket_hash"] is None
    assert token not in str(dict(stored)) and ticket not in str(dict(stored))
    by_cookie = session_record(session_db, token=token)
    assert by_cookie.session_id == session_id and by_cookie.user_name == "county"
    assert by_cookie.live(now + 2, 1800) and not by_cookie.live(now + 2 + 1801, 1800)  # idle
    assert by_cookie.live(now + 7200 - 1, None) is False  # past its lifetime, idle or not
    touch(engine, session_id, now + 1000)
    assert session_record(session_db, session_id=session_id).live(now + 2000, 1800)
    assert session_record(session_db, token="forged") is None


def test_a_stale_or_revoked_ticket_is_worth_nothing(session_db):
    engine, now = engine_for(session_db), time.time()
    _clear(session_db)
    _old, stale = open_session(engine, "county", now - TICKET_SECONDS - 1, 3600)
    assert claim_ticket(engine, stale, now) is None
    revoked_id, revoked = open_session(engine, "county", now, 3600)
    revoke_session(engine, revoked_id, now)
    assert claim_ticket(engine, revoked, now) is None


def test_sign_out_revokes_every_session_of_the_user_and_no_other(session_db):
    engine, now = engine_for(session_db), time.time()
    _clear(session_db)
    mine = [open_session(engine, "county", now, 3600) for _ in range(3)]
    theirs, _ticket = open_session(engine, "town", now, 3600)
    assert revoke_user(engine, "county", now + 1) == 3
    assert all(session_record(session_db, session_id=sid).revoked for sid, _t in mine)
    assert session_record(session_db, session_id=theirs).live(now + 2, 1800)


def test_every_process_shares_the_signing_key(session_db):
    first = shared_secret(engine_for(session_db), "session_cookie")
    other = ("import sys; from db.auth_sessions import shared_secret; from queries.gateway import engine_for\n"
             "print(shared_secret(engine_for(sys.argv[1]), 'session_cookie'))")
    printed = subprocess.run([sys.executable, "-c", other, session_db], cwd=ROOT, capture_output=True,
                             text=True, check=True)
    assert printed.stdout.strip() == first and len(first) == 64


def test_a_cookie_is_accepted_only_with_its_signature():
    key = b"k" * 32
    value = cookie_value(key, "tok-en_1")
    assert token_from_cookie(key, value) == "tok-en_1"
    assert token_from_cookie(b"other key", value) is None
    assert token_from_cookie(key, "tok-en_1") is None and token_from_cookie(key, value[:-1]) is None
    assert token_from_cookie(key, "x." + value.split(".")[1]) is None


def test_the_idle_timeout_is_a_setting_and_none_for_the_big_screen(monkeypatch):
    monkeypatch.delenv("DASHBOARD_SESSION_IDLE_MINUTES", raising=False)
    assert idle_seconds("county_leader") == 30 * 60
    assert idle_seconds("big_screen") is None
    wall = ROLES["big_screen"]  # the read-only account of the meeting room: counts only, writes nothing
    assert not (wall.personal_detail or wall.household_detail or wall.may_import or wall.may_verify
                or wall.reports_progress or wall.reviews_reports or wall.audit_reader)
    monkeypatch.setenv("DASHBOARD_SESSION_IDLE_MINUTES", "0.1")
    assert idle_seconds("township_leader") == pytest.approx(6)


class Answer:
    """What an ASGI app answered: status and headers (lower-case names)."""

    def __init__(self, status: int, headers: dict[str, str]) -> None:
        self.status_code, self.headers = status, headers


class Client:
    """A GET through an ASGI app in this process (no httpx here), as from host dash.local."""

    def __init__(self, app) -> None:
        self.app = app

    def get(self, path: str, params: dict, headers: dict) -> Answer:
        raw = [(b"host", b"dash.local")] + [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "scheme": "http",
                 "query_string": urlencode(params).encode(), "headers": raw, "http_version": "1.1",
                 "server": ("dash.local", 80), "client": ("10.0.0.5", 5000), "root_path": ""}
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        # Its own thread: a session-wide Playwright browser keeps an event loop running in this one.
        worker = threading.Thread(target=asyncio.run, args=(self.app(scope, receive, send),))
        worker.start()
        worker.join()
        start = next(message for message in sent if message["type"] == "http.response.start")
        return Answer(start["status"], {k.decode(): v.decode() for k, v in start["headers"]})


@pytest.fixture
def client(tmp_path, monkeypatch):
    from components.session_route import claim_session

    db = f"sqlite:///{tmp_path / 'route.db'}"
    monkeypatch.setenv("DASHBOARD_DB_URL", db)
    return db, Client(Starlette(routes=[Route(CLAIM_PATH, claim_session, methods=["GET"])]))


def test_the_route_sets_an_httponly_strict_cookie_for_its_own_page_only(client):
    db, http = client
    _sid, ticket = open_session(engine_for(db), "county", time.time(), 3600)
    # Another site's page (an <img> it embeds) gets nothing and does not spend the ticket.
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                    {"Referer": "http://evil.example/page"}, {}):
        refused = http.get(CLAIM_PATH, params={"ticket": ticket}, headers=headers)
        assert refused.status_code == 403 and "set-cookie" not in refused.headers
    answer = http.get(CLAIM_PATH, params={"ticket": ticket}, headers={"Sec-Fetch-Site": "same-origin"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/gif"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(COOKIE + "=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/" in cookie and "Secure" not in cookie
    token = token_from_cookie(session_key(db), cookie.split(";")[0].split("=", 1)[1])
    assert session_record(db, token=token).user_name == "county"
    again = http.get(CLAIM_PATH, params={"ticket": ticket}, headers={"Referer": "http://dash.local/drill"})
    assert again.status_code == 403  # one time only


def test_behind_tls_the_cookie_is_secure(client):
    db, http = client
    _sid, ticket = open_session(engine_for(db), "county", time.time(), 3600)
    answer = http.get(CLAIM_PATH, params={"ticket": ticket},
                      headers={"Sec-Fetch-Site": "same-origin", "X-Forwarded-Proto": "https"})
    assert "Secure" in answer.headers["set-cookie"]
