"""Single sign-on signs in only a verified identity, and every such sign-in is audited (issue 21, finding 4)."""

from __future__ import annotations

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from components.auth_users import AUTH_FILE_ENV, load_users, user_for_identity
from components.roles import ROLES
from labels import t
from tests.auth.conftest import APP, ASOF, audit_rows, users_toml
from tests.conftest import on_page

PROVIDER = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
            "client_id": "dashboard", "client_secret": "s",
            "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}
SSO_USERS = ('[users.sso_county]\nrole = "county_leader"\nemail = "chief@county.gov.cn"\n'
             '[users.sso_subject]\nrole = "county_leader"\noidc_subject = "idp-4711"\nemail = "deputy@county.gov.cn"\n')


class FakeUser:
    """What st.user holds after a provider's callback: the identity token's claims."""

    def __init__(self, claims: dict) -> None:
        self._claims = {"is_logged_in": True, **claims}

    def __getattr__(self, name: str):
        try:
            return self._claims[name]
        except KeyError as missing:
            raise AttributeError(name) from missing

    def get(self, name: str, default=None):
        return self._claims.get(name, default)

    def to_dict(self) -> dict:
        return dict(self._claims)


@pytest.fixture
def sso_app(sample, sample_db_url, tmp_path, monkeypatch):
    users = tmp_path / "users.toml"
    users.write_text(users_toml(sample) + SSO_USERS, encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_DB_URL", sample_db_url)
    monkeypatch.setenv(AUTH_FILE_ENV, str(users))

    def open_as(claims: dict) -> AppTest:
        monkeypatch.setattr(streamlit, "user", FakeUser(claims))
        test = AppTest.from_file(APP, default_timeout=60)
        test.secrets["auth"] = PROVIDER
        test.query_params["asof"] = ASOF
        return on_page(test).run()

    return open_as


def _signins(url: str, name: str):
    rows = audit_rows(url)
    return rows[(rows["user_name"] == name) & (rows["action"] == "signin") & (rows["detail"] == "oidc")]


@pytest.mark.parametrize("verified", [None, False, "false"])
def test_an_unverified_email_signs_nobody_in(sso_app, sample_db_url, verified):
    claims = {"sub": f"attacker-{verified}", "email": "chief@county.gov.cn"}
    if verified is not None:
        claims["email_verified"] = verified
    test = sso_app(claims)
    assert not test.exception
    assert test.error[0].value == t("auth.oidc_unknown_user")
    assert not test.dataframe and not test.metric
    rows = audit_rows(sample_db_url)
    refused = rows[(rows["action"] == "refused") & (rows["detail"] == "signin oidc")]
    assert refused["user_name"].str.startswith("?").all() and len(refused)
    assert not rows["user_name"].str.contains("attacker").any()


def test_a_verified_email_signs_in_and_is_audited_once(sso_app, sample_db_url):
    before = len(_signins(sample_db_url, "sso_county"))
    test = sso_app({"sub": "idp-1", "email": "Chief@county.gov.cn", "email_verified": True})
    assert not test.exception and test.dataframe
    test.run()  # a rerun of the same session is not a new sign-in
    assert len(_signins(sample_db_url, "sso_county")) == before + 1


def test_a_configured_subject_signs_in_whatever_the_email_says(sso_app, sample_db_url):
    test = sso_app({"sub": "idp-4711", "email": "someone@else.cn", "email_verified": False})
    assert not test.exception and test.dataframe
    assert len(_signins(sample_db_url, "sso_subject")) >= 1


def test_a_user_with_a_subject_is_not_reached_by_email(tmp_path):
    users = {"a": {"role": "briefing", "email": "a@x.cn", "oidc_subject": "s-a"},
             "b": {"role": "briefing", "email": "b@x.cn"}}
    config = load_users({"auth": {"users": users}}, {AUTH_FILE_ENV: str(tmp_path / "none.toml")}, frozenset(ROLES))
    assert user_for_identity(config, {"sub": "other", "email": "a@x.cn", "email_verified": True}) is None
    assert user_for_identity(config, {"sub": "s-a"}).name == "a"
    assert user_for_identity(config, {"sub": "x", "email": "B@x.cn", "email_verified": "true"}).name == "b"
    assert user_for_identity(config, {"sub": "x", "email": "b@x.cn"}) is None
