"""Who is looking: sign-in (password or OIDC), sample mode, the viewer's scope, and audit entries."""

from __future__ import annotations

import logging
import math
import os
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from components.auth_limits import AuditThrottle, anonymous_name, audit_name
from components.auth_log import audit
from db.auth_sessions import shared_secret
from queries.gateway import engine_for
from components.auth_oidc import oidc_button, oidc_claims, oidc_signed_in, oidc_user
from components.auth_sessions import end_sessions, session_user, start_session
from components.auth_users import UserConfig, UserRecord, check_password, load_users
from labels import t
from components.roles import ROLES, SAMPLE_ROLE, build_scope
from components.state import Keys
from queries.access import assigned_areas, sample_assignments
from queries.dataset import top_areas
from queries.scope import Scope
from queries.sign_in_throttle import ADDRESS, NAME_AT_ADDRESS, forget, record_failure, wait_seconds

LOG = logging.getLogger("dashboard.auth")
SAMPLE_PREFIX = "sample:"  # audit name of a sample persona, never a configured user's name
AUDIT_KEY_ENV = "DASHBOARD_AUDIT_KEY"  # the key of the hashes the audit log keeps of unknown names
LOOPBACK = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class Viewer:
    """The signed-in person (or sample persona), their role and the scope every query gets."""

    name: str
    display_name: str
    role: str
    scope: Scope
    sample: bool = False


def _secrets() -> dict[str, Any]:
    # No secrets file is the normal sample-mode case, not an error.
    try:
        return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    except Exception as error:  # a malformed secrets.toml must not show a traceback
        LOG.error("secrets.toml unreadable: %s", error)
        return {}


def user_config() -> UserConfig:
    """The configured users, read on every run so a removed user loses access at once."""
    config = load_users(_secrets(), os.environ, frozenset(ROLES))
    for problem in config.problems:
        LOG.warning("users file: %s", problem)
    return config


def viewer_for(db: str, user: UserRecord, sample: bool = False) -> Viewer:
    """The viewer of a configured user (or sample persona): role rules applied to their areas."""
    role = ROLES[user.role]
    found = assigned_areas(db, tuple(user.areas))
    scope = build_scope(role, tuple(user.areas), found, top_areas(db), user.unit, user.personal_detail)
    return Viewer(name=user.name, display_name=user.display_name, role=user.role, scope=scope, sample=sample)


_SAMPLE_LEVEL = {"province_leader": "province", "city_leader": "city", "county_leader": "county",
                 "township_leader": "township"}


def default_sample_role(db: str) -> str:
    """Whom the sample signs in as: the leader of the tree's top (a province's sample opens as its
    province leader, not as a county leader who would see the province)."""
    picks = sample_assignments(db)
    return next((f"{level}_leader" for level in ("province", "city") if picks[level]), SAMPLE_ROLE)


def sample_roles(db: str) -> list[str]:
    """The roles the sample switcher offers: not a province or city leader where the tree has none."""
    picks = sample_assignments(db)
    return [code for code in ROLES if _SAMPLE_LEVEL.get(code) in (None, "township") or picks[_SAMPLE_LEVEL[code]]]


def sample_user(db: str, role_code: str) -> UserRecord:
    """The sample persona of a role, assigned to the first province, city, county or township, the
    first township's villages or the first unit."""
    picks = sample_assignments(db)
    areas: tuple[str, ...] = ()
    level = _SAMPLE_LEVEL.get(role_code)
    if level and picks[level]:
        areas = (str(picks[level]),)
    elif role_code == "case_officer":
        areas = tuple(picks["villages"])
    unit = picks["unit"] if role_code in ("department_head", "unit_reporter") else None
    return UserRecord(name=SAMPLE_PREFIX + role_code, display_name=t(f"user_role.{role_code}"), role=role_code,
                      areas=areas, unit=unit)


AUDIT_WINDOW_SECONDS = 600
AUDIT_FAILURES_PER_CLIENT = 10  # failed sign-ins a client may put into the audit log per window
AUDIT_FAILURES_OVERALL = 300  # and everyone together


@st.cache_resource(show_spinner=False)
def _name_key(db: str) -> bytes:
    """The key of the hashes kept of names (throttle rows, unknown names in the audit log): configured,
    else one kept in the database, so every app process (and a restarted one) counts under the same keys."""
    configured = os.environ.get(AUDIT_KEY_ENV) or (_secrets().get("audit") or {}).get("name_key")
    if configured:
        return str(configured).encode("utf-8")
    try:
        return shared_secret(engine_for(db), "audit_name_key").encode("utf-8")
    except SQLAlchemyError as error:  # never cached: the next run asks the database again
        LOG.error("no %s configured and the shared key is unreadable: %s", AUDIT_KEY_ENV,
                  str(error).splitlines()[0])
        raise


@st.cache_resource(show_spinner=False)
def _audit_throttle() -> AuditThrottle:
    return AuditThrottle(AUDIT_WINDOW_SECONDS, AUDIT_FAILURES_PER_CLIENT, AUDIT_FAILURES_OVERALL)


def _client_address() -> str | None:
    """The browser's address: Streamlit's peer, or the X-Real-IP our nginx sets when the peer is nginx."""
    try:
        address = st.context.ip_address
        if address in LOOPBACK:
            # Only a proxy on this machine may name the client; from anyone else the header is a lie.
            forwarded = st.context.headers.get("X-Real-IP")
            address = forwarded.strip()[:64] if forwarded else address
        return address if isinstance(address, str) and address else None  # AppTest has no real peer
    except Exception:  # no server context (scripts, tests): the session alone identifies the client
        return None


def _throttle_keys(db: str, name: str) -> tuple[str, dict]:
    """The name-at-this-address key (cleared by a success) and every key a failure counts under.

    Keyed hashes, so the table holds no typed text; per name *and* address, so a stranger typing a
    colleague's name elsewhere cannot lock that colleague out.
    """
    address = _client_address() or "-"
    pair = "n:" + anonymous_name(f"{name}\0{address}", _name_key(db))
    keyed = {pair: NAME_AT_ADDRESS}
    if address != "-":
        keyed["a:" + anonymous_name(address, _name_key(db))] = ADDRESS
    return pair, keyed


def _wait_text(seconds: float) -> str:
    return t("auth.wait", seconds=max(1, math.ceil(seconds)))


def _client_keys() -> tuple[str, ...]:
    token = st.session_state.setdefault(Keys.CLIENT, secrets.token_hex(8))
    address = _client_address()
    return (f"session:{token}",) + ((f"address:{address}",) if address else ())


def _audit_failed_sign_in(db: str, config: UserConfig, name: str, detail: str) -> None:
    """A refused sign-in, logged under the name only if it is a user's; at most a few per client and window."""
    verdict = _audit_throttle().decide(_client_keys(), time.monotonic())
    if verdict == "skip":
        return
    logged = audit_name(name, name in config.users, _name_key(db))
    audit(db, None, "refused", detail=detail if verdict == "write" else "signin throttled", user_name=logged)


def _sign_in_form(db: str, config: UserConfig) -> None:
    st.title(t("app.title"))
    st.subheader(t("auth.sign_in_heading"))
    if config.oidc:
        oidc_button()
    if not any(user.password_hash for user in config.users.values()):
        return
    narrow, _rest = st.columns([2, 3])  # a sign-in box, not a full-width banner
    with narrow, st.form("sign_in", clear_on_submit=True, enter_to_submit=True):
        name = st.text_input(t("auth.user_name"), max_chars=64, key="auth_form_name")
        password = st.text_input(t("auth.password"), type="password", max_chars=256, key="auth_form_password")
        submitted = st.form_submit_button(t("auth.sign_in"), type="primary")
    if not submitted:
        return
    name = name.strip()[:64]
    pair, keyed = _throttle_keys(db, name)
    waiting = wait_seconds(db, tuple(keyed), time.time())
    if waiting > 0:  # the password is not even checked: guessing during the delay gains nothing
        _audit_failed_sign_in(db, config, name, "signin locked")
        st.error(_wait_text(waiting))
        return
    user = check_password(config, name, password)
    if user is None:
        _audit_failed_sign_in(db, config, name, "signin")
        delay = record_failure(db, keyed, time.time())
        st.error(_wait_text(delay) if delay > 0 else t("auth.sign_in_failed"))
        return
    forget(db, (pair,))
    st.session_state[Keys.USER] = user.name
    start_session(db, user)
    st.session_state[Keys.AUDITED] = set()
    audit(db, viewer_for(db, user), "signin", detail="password")
    st.rerun()


def _signed_in_user(config: UserConfig, db: str | None = None) -> tuple[UserRecord | None, bool, bool]:
    """The user this session signed in as; whether through single sign-on (no database needed); and
    whether the user came back through the session cookie just now (a reload, a new tab).

    Without db (the database is down) only this tab's memory counts, and no session is checked.
    """
    if db is not None:
        user, resumed = session_user(db, config)
    else:
        name = st.session_state.get(Keys.USER)
        user, resumed = (config.users.get(name) if name else None), False
    if user is not None:
        return user, False, resumed
    return oidc_user(config), True, False


def may_see_server_details(is_default_db: bool) -> bool:
    """True when this session may read why the server cannot work (database down, and the like).

    Signed-in users whose role reads the audit log (county leaders) may; so may anyone on an
    install without users on the embedded sample file, where everyone is a sample county leader.
    Strangers may not: the details name hosts, ports, accounts and files.
    """
    config = user_config()
    if not config.configured:
        return is_default_db
    user, _by_sso, _resumed = _signed_in_user(config)
    return user is not None and ROLES[user.role].audit_reader


def _audit_sso(db: str, config: UserConfig, viewer: Viewer | None) -> None:
    """One audit entry per session and identity: 'signin' for a known user, else a (throttled) refusal."""
    claims = oidc_claims()
    identity = viewer.name if viewer else str(claims.get("sub") or claims.get("email") or "")
    if st.session_state.get(Keys.SSO_AUDITED) == identity:
        return
    st.session_state[Keys.SSO_AUDITED] = identity
    if viewer is not None:
        audit(db, viewer, "signin", detail="oidc")
    else:
        _audit_failed_sign_in(db, config, identity, "signin oidc")


def resolve_viewer(db: str, is_sample: bool, before_stop: Callable[[], None]) -> Viewer:
    """The viewer of this run; shows the sign-in page (or the configure-users page) and stops when there is none.

    before_stop runs just before stopping (the frame registers its pages there, hidden).
    """
    config = user_config()
    if not config.configured:
        if is_sample:
            role = st.session_state.get(Keys.SAMPLE_ROLE)
            return viewer_for(db, sample_user(db, role if role in ROLES else default_sample_role(db)), sample=True)
        st.title(t("app.title"))
        st.error(t("auth.not_configured"))
        st.code(t("auth.not_configured_example"), language="toml")
        before_stop()
        st.stop()
    user, by_sso, resumed = _signed_in_user(config, db)
    if user is None and config.oidc and oidc_signed_in():
        _audit_sso(db, config, None)
        st.title(t("app.title"))
        st.error(t("auth.oidc_unknown_user"))
        st.button(t("auth.sign_out"), on_click=st.logout)
        before_stop()
        st.stop()
    if user is None:
        st.session_state.pop(Keys.USER, None)
        _sign_in_form(db, config)
        before_stop()
        st.stop()
    viewer = viewer_for(db, user)
    if by_sso:
        _audit_sso(db, config, viewer)
    elif resumed:
        audit(db, viewer, "signin", detail="session")
    return viewer


def sign_out(db: str, viewer: Viewer) -> None:
    """End every session of the signed-in user, in all tabs and browsers (and the OIDC session when
    there is one)."""
    audit(db, viewer, "signout")
    end_sessions(db, viewer.name)
    for key in (Keys.USER, Keys.VIEWER, Keys.VIEW, Keys.REMEMBERED_AREA, Keys.REMEMBERED_ASOF, Keys.SSO_AUDITED):
        st.session_state.pop(key, None)
    st.session_state[Keys.AUDITED] = set()
    if oidc_signed_in():
        st.logout()
