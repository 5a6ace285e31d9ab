"""The one HTTP route of the app's own: GET /auth/session?ticket=… sets the session cookie.

Mounted by serve.py next to Streamlit's routes, on the same origin. A tab that signed in shows the
browser a one-time ticket as an invisible image (components/auth_sessions.py); this route spends the
ticket and answers with an HttpOnly, SameSite=Strict cookie holding the session's random token, signed.
Requests another site could have made (cross-site, or no sign of the origin) get nothing.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from components.auth_sessions import COOKIE, cookie_value, lifetime_seconds, session_key
from db.auth_sessions import claim_ticket
from db.engine import configured_url
from queries.gateway import engine_for

# The smallest transparent GIF: the claim is an <img>, so it answers with an image.
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


def same_origin(request: Request) -> bool:
    """True for a request the app's own page made: the browser's Sec-Fetch-Site says so, or (older
    browsers) its Origin or Referer names this host. Anything else may be another site's forgery."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    host = request.headers.get("host", "")
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    return bool(host) and urlsplit(source).netloc == host


def _secure(request: Request) -> bool:
    # Behind nginx with TLS the app sees http; nginx says what the browser used.
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def _claim(db: str, ticket: str) -> tuple[str | None, bytes]:
    return claim_ticket(engine_for(db), ticket, time.time()), session_key(db)


async def claim_session(request: Request) -> Response:
    """Set the session cookie for a fresh one-time ticket; 403 (and no cookie) for anything else."""
    ticket = request.query_params.get("ticket", "")
    if not same_origin(request) or not 20 <= len(ticket) <= 100:
        return Response(status_code=403, headers={"Cache-Control": "no-store"})
    token, key = await run_in_threadpool(_claim, configured_url(), ticket)
    if token is None:
        return Response(status_code=403, headers={"Cache-Control": "no-store"})
    response = Response(PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})
    response.set_cookie(COOKIE, cookie_value(key, token), max_age=int(lifetime_seconds()), path="/",
                        httponly=True, samesite="strict", secure=_secure(request))
    return response
