"""Single sign-on through Streamlit's OIDC support (st.login): the button, the claims, the user they name."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.auth_users import UserConfig, UserRecord, user_for_identity
from labels import t


def oidc_button() -> None:
    # st.login needs Authlib; say so in Chinese rather than fail inside Streamlit.
    try:
        import authlib  # noqa: F401
    except ImportError:
        st.warning(t("auth.oidc_needs_authlib"))
        return
    st.button(t("auth.oidc_sign_in"), on_click=st.login, type="primary")


def oidc_signed_in() -> bool:
    # st.user only knows is_logged_in when an [auth] provider is configured; elsewhere it may raise.
    try:
        return bool(st.user.is_logged_in)
    except Exception:
        return False


def oidc_claims() -> dict[str, Any]:
    try:
        return dict(st.user.to_dict())
    except Exception:  # no provider configured: no claims
        return {}


def oidc_user(config: UserConfig) -> UserRecord | None:
    if not config.oidc or not oidc_signed_in():
        return None
    return user_for_identity(config, oidc_claims())
