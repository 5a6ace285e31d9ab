"""Scope in the query layer on every engine: aggregate-only roles get no household rows; the audit log
is append-only (SQLite triggers, a restricted role on PostgreSQL and MariaDB)."""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from db.__main__ import main as db_main
from db.app_role import grant_statements
from db.engine import make_engine
from queries.audit import AuditEntry, audit_entries, record
from queries.households import household_cases, household_record, household_village, village_households
from queries.sign_in_throttle import Limit, forget, record_failure, wait_seconds
from queries.scope import Scope, ScopeError
from tests.conftest import read_table

ASOF = date(2026, 11, 20)


def _scopes(village: str) -> tuple[Scope, Scope, Scope]:
    county = Scope(roots=(("429999000000", "county"),), household_detail=True)
    return county, Scope(county.roots, household_detail=False), Scope(((village, "village"),), personal_detail=True, household_detail=True)


@pytest.mark.engines
def test_household_reads_follow_the_role(engine_db_url):
    households = read_table(engine_db_url, "household")
    person = households.iloc[0]
    masked, aggregates, officer = _scopes(person["village_code"])
    assert household_record(engine_db_url, aggregates, int(person["id"])).empty
    assert household_cases(engine_db_url, aggregates, int(person["id"]), ASOF).empty
    assert household_village(engine_db_url, aggregates, int(person["id"])) is None
    assert village_households(engine_db_url, aggregates, person["village_code"], ASOF, 1).empty
    shown = household_record(engine_db_url, masked, int(person["id"])).iloc[0]
    assert shown["id_number"] != person["id_number"] and shown["id_number"][-4:] == person["id_number"][-4:]
    full = household_record(engine_db_url, officer, int(person["id"])).iloc[0]
    assert (full["head_name"], full["id_number"], full["phone"]) == (person["head_name"], person["id_number"],
                                                                     person["phone"])
    listed = village_households(engine_db_url, officer, person["village_code"], ASOF, 1)
    expected = households[households["village_code"] == person["village_code"]]
    assert set(listed["head_name"]) <= set(expected["head_name"]) and len(listed) == min(50, len(expected))
    other = households[households["village_code"] != person["village_code"]].iloc[0]
    assert household_record(engine_db_url, officer, int(other["id"])).empty  # outside the officer's villages


@pytest.mark.engines
def test_audit_entries_are_written_and_read_back_only_by_readers(engine_db_url):
    who = f"tester_{os.getpid()}_{datetime.now():%H%M%S%f}"
    at = datetime(2026, 11, 20, 9, 30)
    assert record(engine_db_url, AuditEntry(who, "county_leader", "refused", "drill", "429999101000", None,
                                            "area=' OR 1=1 --"), at=at)
    assert record(engine_db_url, AuditEntry(who, "county_leader", "view", "drill", "429999000000"),
                  at=at + timedelta(minutes=1))
    reader = Scope((("429999000000", "county"),), audit_reader=True, household_detail=True)
    rows = audit_entries(engine_db_url, reader, date(2026, 11, 20), date(2026, 11, 20), user_name=who)
    assert list(rows["action"]) == ["view", "refused"]  # newest first
    assert rows.iloc[1]["detail"] == "area=' OR 1=1 --"  # stored as given: bound, never spliced
    refused = audit_entries(engine_db_url, reader, date(2026, 11, 20), date(2026, 11, 20), "refused", who)
    assert len(refused) == 1
    assert audit_entries(engine_db_url, reader, date(2026, 11, 21), date(2026, 11, 22), user_name=who).empty
    with pytest.raises(ScopeError):
        audit_entries(engine_db_url, Scope(reader.roots, household_detail=True), date(2026, 11, 20), date(2026, 11, 20))
    with pytest.raises(ValueError):
        record(engine_db_url, AuditEntry(who, "x", "delete"))


def test_sqlite_audit_log_refuses_update_and_delete(tmp_path):
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    assert db_main(["init", "--db", url]) == 0
    assert record(url, AuditEntry("someone", "briefing", "view", "drill"))
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO audit_log (at, user_name, role, action) "
                                "VALUES ('2026-01-01 00:00:00', 'b', 'briefing', 'view')"))
    for statement in ("UPDATE audit_log SET user_name = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(statement))
    assert len(read_table(url, "audit_log")) == 2


def test_grant_statements_quote_names_and_passwords():
    engine = create_engine("postgresql+psycopg://u@h/db")
    statements = grant_statements(engine, "dashboard_app", "it's:%s")
    assert "PASSWORD 'it''s:%s'" in statements[1]
    rewrites = [s for s in statements if "UPDATE" in s or "DELETE" in s]
    # the throttle's counts, the session records (hashed tokens) and the derived signal state only:
    # the verification loop appends review rows, never rewrites one
    assert rewrites and all(s.split(" ON ")[1].split()[0] in ("sign_in_throttle", "auth_session",
                                                                "rollup_signal_state") for s in rewrites)
    assert "GRANT SELECT, INSERT ON signal_review TO dashboard_app" in statements
    with pytest.raises(ValueError):
        grant_statements(engine, "app; DROP TABLE area", "pw")
    with pytest.raises(ValueError):
        grant_statements(create_engine("sqlite://"), "dashboard_app", "pw")


@pytest.mark.engines
@pytest.mark.parametrize("engine_name", ["postgresql", "mariadb"])
def test_app_role_can_read_and_append_but_never_rewrite(engine_name, server_database, capsys):
    admin_url = server_database(engine_name, "grants")
    role = f"dash_app_{os.getpid()}"
    password = "App:pw%1'x"
    assert db_main(["grant-app-role", "--db", admin_url, "--role", role, "--password", password]) == 0
    assert "ready" in capsys.readouterr().out
    app_url = make_url(admin_url).set(username=role, password=password).render_as_string(hide_password=False)
    try:
        assert record(app_url, AuditEntry("app", "briefing", "view", "drill"))
        # The sign-in throttle is the one table the app counts up and clears (shared by its processes).
        assert record_failure(app_url, {"n:k": Limit(free=0, base_seconds=30, cap_seconds=30)}, time.time()) == 30
        assert wait_seconds(app_url, ("n:k",), time.time()) > 25
        forget(app_url, ("n:k",))
        assert wait_seconds(app_url, ("n:k",), time.time()) == 0
        app = make_engine(app_url)
        with app.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM area")).scalar() == 0
            assert connection.execute(text("SELECT COUNT(*) FROM audit_log")).scalar() == 1
        _verify_as_the_app(admin_url, app_url)
        for statement in ("UPDATE audit_log SET user_name = 'x'", "DELETE FROM audit_log",
                          "UPDATE signal_review SET outcome = 'included'", "DELETE FROM signal_review",
                          "INSERT INTO monitoring_line (year, amount) VALUES (2030, 1)",
                          "DELETE FROM area", "DROP TABLE audit_log"):
            with pytest.raises(DBAPIError):
                with app.begin() as connection:
                    connection.execute(text(statement))
        app.dispose()
        from queries.gateway import engine_for
        engine_for(app_url).dispose()
    finally:
        _drop_role(engine_name, admin_url, role)


def _verify_as_the_app(admin_url: str, app_url: str) -> None:
    """A township's verification (the signals page) appends its review and refreshes the signal's
    state row under the restricted role; the figures then read the state, current."""
    from db import signal_state
    from db.schema import area, signal, signal_review
    from queries.gateway import clear_caches
    from queries.signal_source import signal_state_freshness
    from queries.signals import funnel, record_verification

    village = "429999101201"
    admin = make_engine(admin_url)
    with admin.begin() as connection:
        connection.execute(area.insert(), [{"code": "429999000000", "name": "县", "level": "county"},
                                           {"code": village, "name": "村", "level": "village",
                                            "parent_code": "429999000000"}])
        signal_id = connection.execute(signal.insert().values(
            department="health", id_number="429999199001010011", kind="illness", occurred_on=ASOF,
            received_on=ASOF, match="general", area_code=village)).inserted_primary_key[0]
        connection.execute(signal_review.insert().values(signal_id=signal_id, area_code=village, sent_on=ASOF,
                                                         recorded_by="import", recorded_at=datetime.now()))
        signal_state.rebuild(connection)
    admin.dispose()
    township = Scope(roots=((village, "village"),), household_detail=True)
    record_verification(app_url, township, signal_id, outcome="not_included", verified_on=ASOF, reviewer="核实员",
                        note="", case_id=None, recorded_by="township")
    clear_caches()
    assert signal_state_freshness(app_url).fresh
    assert funnel(app_url, township, village, "village", ASOF, ASOF)["verified"] == 1


def _drop_role(engine_name: str, admin_url: str, role: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if engine_name == "postgresql":
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        else:
            connection.execute(text(f"DROP USER IF EXISTS '{role}'@'%'"))
    admin.dispose()
