"""Passwords, the users file, the OIDC switch and role rules, without Streamlit."""

from __future__ import annotations

import pandas as pd
import pytest

from components.auth_users import (AUTH_FILE_ENV, check_password, hash_password, load_users, user_by_email,
                                   verify_password)
from components.roles import ROLES, build_scope, may_open

ROLE_CODES = frozenset(ROLES)
TOP = pd.DataFrame({"code": ["429999000000"], "level": ["county"]})
FOUND = pd.DataFrame({"code": ["429999101000", "429999101201", "429999000000"],
                      "level": ["township", "village", "county"]})


def test_password_hash_round_trip_and_salt():
    stored = hash_password("s3cret pass")
    assert stored.startswith("scrypt$16384$8$1$")
    assert verify_password("s3cret pass", stored)
    assert not verify_password("s3cret pasS", stored)
    assert hash_password("s3cret pass") != stored  # a fresh salt every time


@pytest.mark.parametrize("stored", [None, "", "plain-text", "scrypt$1$2$3", "pbkdf2$1$1$1$AA==$AA==",
                                    "scrypt$16384$8$1$!!notbase64$AA==", "scrypt$4194304$8$1$AA==$AA=="])
def test_malformed_hashes_never_match(stored):
    assert not verify_password("anything", stored)


def _config(tmp_path, text: str, secrets: dict | None = None):
    path = tmp_path / "users.toml"
    path.write_text(text, encoding="utf-8")
    return load_users(secrets or {}, {AUTH_FILE_ENV: str(path)}, ROLE_CODES)


def test_users_come_from_the_file_and_the_secrets(tmp_path):
    stored = hash_password("pw")
    config = _config(tmp_path, f'[users.a]\nrole = "briefing"\npassword_hash = "{stored}"\n',
                     {"auth": {"users": {"b": {"role": "county_leader", "display_name": "B"}}}})
    assert set(config.users) == {"a", "b"} and config.configured and not config.oidc
    assert config.users["b"].display_name == "B" and config.users["a"].display_name == "a"
    assert check_password(config, "a", "pw") == config.users["a"]
    assert check_password(config, "a", "wrong") is None
    assert check_password(config, "b", "") is None  # no password hash: password sign-in impossible
    assert check_password(config, "nobody", "pw") is None


def test_broken_entries_are_left_out_and_reported(tmp_path):
    config = _config(tmp_path, '[users.a]\nrole = "king"\n[users."bad name"]\nrole = "briefing"\n'
                               '[users.c]\nrole = "township_leader"\nareas = "429999101000"\n'
                               '[users.ok]\nrole = "briefing"\n',
                     {"auth": {"users": {"ok": {"role": "county_leader"}}}})
    assert set(config.users) == {"ok"}
    assert config.users["ok"].role == "county_leader"  # the first definition wins, the second is reported
    assert len(config.problems) == 4


def test_no_users_and_no_provider_is_not_configured(tmp_path, monkeypatch):
    config = load_users({}, {AUTH_FILE_ENV: str(tmp_path / "absent.toml")}, ROLE_CODES)
    assert not config.configured and config.problems  # a configured path that is missing is reported


@pytest.mark.parametrize("auth, expected", [
    ({"client_id": "x", "server_metadata_url": "https://idp/.well-known/openid-configuration"}, True),
    ({"redirect_uri": "http://x/oauth2callback", "keycloak": {"client_id": "x"}}, True),
    ({"users": {"a": {"role": "briefing", "client_id": "not a provider"}}}, False),
    ({}, False),
])
def test_oidc_is_on_when_streamlit_auth_settings_are_present(auth, expected):
    assert load_users({"auth": auth}, {}, ROLE_CODES).oidc is expected


def test_oidc_identity_maps_to_exactly_one_user(tmp_path):
    config = _config(tmp_path, '[users.a]\nrole = "briefing"\nemail = "A@x.cn"\n'
                               '[users.b]\nrole = "briefing"\nemail = "dup@x.cn"\n'
                               '[users.c]\nrole = "briefing"\nemail = "dup@x.cn"\n')
    assert user_by_email(config, "a@x.cn").name == "a"
    assert user_by_email(config, "dup@x.cn") is None  # ambiguous: nobody
    assert user_by_email(config, None) is None


def test_county_leader_sees_the_whole_county_masked_and_reads_the_audit_log():
    scope = build_scope(ROLES["county_leader"], (), FOUND.iloc[0:0], TOP)
    assert scope.roots == (("429999000000", "county"),)
    assert not scope.personal_detail and scope.household_detail and scope.audit_reader


def test_township_leader_sees_only_the_township_masked_unless_configured():
    scope = build_scope(ROLES["township_leader"], ("429999101000",), FOUND, TOP)
    assert scope.roots == (("429999101000", "township"),) and not scope.personal_detail
    assert build_scope(ROLES["township_leader"], ("429999101000",), FOUND, TOP, personal_detail=True).personal_detail
    assert not scope.audit_reader


def test_roles_never_widen_a_bad_assignment():
    # Unknown codes, or areas at another level than the role's, leave nothing: deny by default.
    assert build_scope(ROLES["township_leader"], ("429999999999",), FOUND.iloc[0:0], TOP).roots == ()
    assert build_scope(ROLES["case_officer"], ("429999101000",), FOUND, TOP).roots == ()
    assert build_scope(ROLES["township_leader"], (), FOUND, TOP).roots == ()
    assert build_scope(ROLES["county_leader"], ("429999999999",), FOUND.iloc[0:0], TOP).roots == ()


def test_case_officer_sees_own_villages_in_full():
    scope = build_scope(ROLES["case_officer"], ("429999101201",), FOUND, TOP)
    assert scope.roots == (("429999101201", "village"),) and scope.personal_detail and scope.household_detail
    # The users file cannot mask or unmask other roles: only township leaders are configurable.
    assert build_scope(ROLES["county_leader"], (), FOUND, TOP, personal_detail=True).personal_detail is False


@pytest.mark.parametrize("role", ["department_head", "briefing"])
def test_aggregate_roles_see_the_county_without_households(role):
    scope = build_scope(ROLES[role], (), FOUND, TOP, unit_code="fpb")
    assert scope.roots == (("429999000000", "county"),)
    assert not scope.household_detail and not scope.personal_detail and not scope.audit_reader
    assert scope.unit_code == "fpb"


def test_only_leaders_from_county_up_get_the_audit_page():
    leaders = {"province_leader", "city_leader", "county_leader"}
    assert all(may_open(role, "audit") for role in leaders) and may_open("briefing", "drill")
    assert not any(may_open(role, "audit") for role in ROLES if role not in leaders)
