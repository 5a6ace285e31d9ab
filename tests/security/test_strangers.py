"""What a stranger gets from the sign-in form and the error page (issue 21, findings 3 and 5)."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from components.auth_users import AUTH_FILE_ENV
from components.state import Keys
from labels import t
from tests.auth.conftest import APP, audit_rows, tree_text
from tests.auth.test_auth_app import _sign_in

# A server on a port nothing listens on, with an account name and a database name to look for.
UNREACHABLE = "postgresql+psycopg://dashreader:s3cretpw@127.0.0.1:{port}/monitoring_prod"


def _failed_sign_ins(url: str):
    rows = audit_rows(url)
    return rows[(rows["action"] == "refused") & rows["detail"].str.startswith("signin")]


def test_a_password_typed_as_the_name_never_reaches_the_audit_log(signed_in_app, sample_db_url):
    typed = "Tr0ub4dor&3-in-the-name-field"
    test = _sign_in(signed_in_app(None), typed, "anything")
    assert test.error[0].value == t("auth.sign_in_failed")
    rows = audit_rows(sample_db_url)
    assert not rows["user_name"].str.contains("Tr0ub4dor").any()
    assert not rows["detail"].fillna("").str.contains("Tr0ub4dor").any()
    assert rows["user_name"].str.match(r"^\?[0-9a-f]{12}/%d$" % len(typed)).any()


def test_a_stranger_cannot_flood_the_audit_log(signed_in_app, sample_db_url):
    before = len(_failed_sign_ins(sample_db_url))
    test = signed_in_app(None)
    for attempt in range(14):
        test = _sign_in(test, f"flood{attempt}", "x")  # a new name each time: no lockout helps
    assert test.error[0].value == t("auth.sign_in_failed")  # the form still answers
    written = _failed_sign_ins(sample_db_url).iloc[before:]
    assert len(written) == 11  # ten entries, then one note that more were not logged
    assert list(written["detail"]).count("signin throttled") == 1


def _open_with_database_down(monkeypatch, users_file, port: int, user: str | None) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", UNREACHABLE.format(port=port))
    monkeypatch.setenv(AUTH_FILE_ENV, str(users_file))
    test = AppTest.from_file(APP, default_timeout=30)
    if user is not None:
        test.session_state[Keys.USER] = user
    return test.run()


@pytest.mark.parametrize("user", [None, "town_a", "officer"])
def test_with_the_database_down_strangers_and_others_see_a_generic_page(monkeypatch, users_file, caplog, user):
    caplog.set_level(logging.ERROR, logger="dashboard.database")
    port = {None: 9, "town_a": 10, "officer": 11}[user]  # a URL of its own: the health check is cached
    test = _open_with_database_down(monkeypatch, users_file, port, user)
    assert not test.exception
    assert test.title[0].value == t("security.unavailable_title")
    assert test.error[0].value == t("security.unavailable")
    shown = tree_text(test)
    for secret in ("dashreader", "127.0.0.1", str(port), "monitoring_prod", "psycopg", "postgresql",
                   "s3cretpw", "connection", "views/", ".py"):
        assert secret not in shown, secret
    assert not test.text_input  # no sign-in form either: nothing to do here but wait
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "127.0.0.1" in logged and "monitoring_prod" in logged and "s3cretpw" not in logged


def test_with_the_database_down_a_signed_in_county_leader_reads_why(monkeypatch, users_file):
    test = _open_with_database_down(monkeypatch, users_file, 12, "county")
    assert not test.exception
    assert test.title[0].value == t("error.title")
    message = test.error[0].value
    assert "127.0.0.1:12" in message and "monitoring_prod" in message and "s3cretpw" not in message

