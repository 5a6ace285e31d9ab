"""Who is looking: sign-in (password or OIDC), sample mode, the viewer's scope, and audit entries."""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st

from components.auth_users import UserConfig, UserRecord, check_password, load_users, user_by_email
from components.labels import t
from components.roles import ROLES, SAMPLE_ROLE, build_scope
from components.state import Keys
from components.view import View
from queries.access import assigned_areas, sample_assignments
from queries.audit import AuditEntry, ensure_audit_table, record
from queries.dataset import top_areas
from queries.scope import Scope

LOG = logging.getLogger("dashboard.auth")
SAMPLE_PREFIX = "sample:"  # audit name of a sample persona, never a configured user's name


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


def sample_user(db: str, role_code: str) -> UserRecord:
    """The sample persona of a role, assigned to the first township, its villages or the first unit."""
    picks = sample_assignments(db)
    areas: tuple[str, ...] = ()
    if role_code == "township_leader" and picks["township"]:
        areas = (str(picks["township"]),)
    elif role_code == "case_officer":
        areas = tuple(picks["villages"])
    unit = picks["unit"] if role_code == "department_head" else None
    return UserRecord(name=SAMPLE_PREFIX + role_code, display_name=t(f"user_role.{role_code}"), role=role_code,
                      areas=areas, unit=unit)


def audit(db: str, viewer: Viewer | None, action: str, page: str | None = None, area_code: str | None = None,
          household_id: int | None = None, detail: str = "", user_name: str | None = None) -> None:
    """Append an audit entry for the viewer (or a named would-be user); failures go to the server log."""
    ensure_audit_table(db)
    record(db, AuditEntry(user_name=user_name or (viewer.name if viewer else "-"),
                          role=viewer.role if viewer else "-", action=action, page=page,
                          area_code=area_code, household_id=household_id, detail=detail))


def log_export(view: View, page: str, what: str) -> None:
    """For pages that export: record who exported what (call it when the file is handed out)."""
    audit(view.db, st.session_state.get(Keys.VIEWER), "export", page=page, area_code=view.area_code,
          household_id=view.household, detail=what)


def log_view(viewer: Viewer, view: View, page: str, refusals: list[str]) -> None:
    """Log the view once per session (reruns repeat nothing), full-detail views as 'detail', and refusals."""
    seen: set = st.session_state.setdefault(Keys.AUDITED, set())
    for refusal in refusals:
        key = ("refused", viewer.name, page, refusal)
        if key not in seen:
            seen.add(key)
            audit(view.db, viewer, "refused", page=page, area_code=view.area_code, detail=refusal)
    full_detail = viewer.scope.personal_detail and (view.household is not None or view.area_level == "village")
    action = "detail" if full_detail else "view"
    key = (action, viewer.name, page, view.area_code, view.household, view.asof)
    if key not in seen:
        seen.add(key)
        audit(view.db, viewer, action, page=page, area_code=view.area_code, household_id=view.household,
              detail=f"asof={view.asof.isoformat()}")


MAX_FAILURES = 5
LOCKOUT_SECONDS = 600


@st.cache_resource(show_spinner=False)
def _failed_sign_ins() -> tuple[threading.Lock, dict[str, list[float]]]:
    # Per server, not per session: a new browser tab must not reset the count.
    return threading.Lock(), {}


def _locked_out(name: str, failed_now: bool = False) -> bool:
    """True when the name had MAX_FAILURES failed sign-ins within LOCKOUT_SECONDS (recording one if asked)."""
    lock, failures = _failed_sign_ins()
    now = time.monotonic()
    with lock:
        recent = [moment for moment in failures.get(name, []) if now - moment < LOCKOUT_SECONDS]
        if failed_now:
            recent.append(now)
        failures[name] = recent
        return len(recent) >= MAX_FAILURES


def _sign_in_form(db: str, config: UserConfig) -> None:
    st.title(t("app.title"))
    st.subheader(t("auth.sign_in_heading"))
    if config.oidc:
        _oidc_button()
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
    if _locked_out(name):
        audit(db, None, "refused", detail="signin locked", user_name=name or "-")
        st.error(t("auth.locked_out", minutes=LOCKOUT_SECONDS // 60))
        return
    user = check_password(config, name, password)
    if user is None:
        audit(db, None, "refused", detail="signin", user_name=name or "-")
        locked = _locked_out(name, failed_now=True)
        st.error(t("auth.locked_out", minutes=LOCKOUT_SECONDS // 60) if locked else t("auth.sign_in_failed"))
        return
    st.session_state[Keys.USER] = user.name
    st.session_state[Keys.AUDITED] = set()
    audit(db, viewer_for(db, user), "signin", detail="password")
    st.rerun()


def _oidc_button() -> None:
    # st.login needs Authlib; say so in Chinese rather than fail inside Streamlit.
    try:
        import authlib  # noqa: F401
    except ImportError:
        st.warning(t("auth.oidc_needs_authlib"))
        return
    st.button(t("auth.oidc_sign_in"), on_click=st.login, type="primary")


def _oidc_signed_in() -> bool:
    # st.user only knows is_logged_in when an [auth] provider is configured; elsewhere it may raise.
    try:
        return bool(st.user.is_logged_in)
    except Exception:
        return False


def _oidc_user(config: UserConfig) -> UserRecord | None:
    if not config.oidc or not _oidc_signed_in():
        return None
    return user_by_email(config, st.user.get("email"))


def resolve_viewer(db: str, is_sample: bool, before_stop: Callable[[], None]) -> Viewer:
    """The viewer of this run; shows the sign-in page (or the configure-users page) and stops when there is none.

    before_stop runs just before stopping (the frame registers its pages there, hidden).
    """
    config = user_config()
    if not config.configured:
        if is_sample:
            role = st.session_state.get(Keys.SAMPLE_ROLE) or SAMPLE_ROLE
            return viewer_for(db, sample_user(db, role if role in ROLES else SAMPLE_ROLE), sample=True)
        st.title(t("app.title"))
        st.error(t("auth.not_configured"))
        st.code(t("auth.not_configured_example"), language="toml")
        before_stop()
        st.stop()
    name = st.session_state.get(Keys.USER)
    user = config.users.get(name) if name else None
    if user is None:
        user = _oidc_user(config)
        if user is None and config.oidc and _oidc_signed_in():
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
    return viewer_for(db, user)


def sign_out(db: str, viewer: Viewer) -> None:
    """Forget the signed-in user (and end the OIDC session when there is one)."""
    audit(db, viewer, "signout")
    for key in (Keys.USER, Keys.VIEWER, Keys.VIEW, Keys.REMEMBERED_AREA, Keys.REMEMBERED_ASOF):
        st.session_state.pop(key, None)
    st.session_state[Keys.AUDITED] = set()
    if _oidc_signed_in():
        st.logout()
