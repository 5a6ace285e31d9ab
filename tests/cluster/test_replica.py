"""Reads from the streaming replica, writes and fresh writes from the primary, the primary when the replica fails.

Against a real PostgreSQL primary and a pg_basebackup replica (scripts/cluster.sh db-up): the port a
read was answered on (inet_server_port()) says which server answered it.
"""

from __future__ import annotations

import logging
import time
from datetime import date

import pytest
from sqlalchemy import create_engine, select, text

from queries import replica
from queries.gateway import clear_caches, note_write, read
from queries.overview import weekly_cases
from queries.scope import Scope
from tests.cluster.conftest import Cluster

pytestmark = pytest.mark.engines


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


def _answered_by(url: str) -> int:
    return int(read(url, select(text("inet_server_port()"))).iat[0, 0])


@pytest.fixture
def routed(replicated: Cluster, monkeypatch) -> Cluster:
    """The app's settings pointing at the cluster; no verdict or write window left from another test."""
    monkeypatch.setenv("DASHBOARD_DB_URL", replicated.primary_url)
    monkeypatch.setenv("DASHBOARD_DB_READ_URL", replicated.replica_url)
    monkeypatch.setattr(replica, "CHECK_EVERY_SECONDS", 0.0)
    replica.reset()
    clear_caches()
    yield replicated
    replica.reset()
    clear_caches()


def test_pages_read_from_the_replica(routed: Cluster) -> None:
    assert _answered_by(routed.primary_url) == _port(routed.replica_url)


def test_a_page_query_gives_the_primary_s_answer_from_the_replica(routed: Cluster) -> None:
    county = read(routed.primary_url, select(text("code FROM area WHERE level = 'county'"))).iat[0, 0]
    scope = Scope(roots=((county, "county"),))
    from_replica = weekly_cases(routed.primary_url, scope, county, "county", date.today())
    clear_caches()
    note_write()  # the same query, answered by the primary
    from_primary = weekly_cases(routed.primary_url, scope, county, "county", date.today())
    assert from_replica["identified"].sum() > 0
    assert from_replica.equals(from_primary)


def test_after_a_write_the_writer_reads_the_primary(routed: Cluster, monkeypatch) -> None:
    engine = create_engine(routed.primary_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE IF NOT EXISTS rw_probe (n integer)"))
            connection.execute(text("INSERT INTO rw_probe VALUES (1)"))
    finally:
        engine.dispose()
    note_write()
    assert _answered_by(routed.primary_url) == _port(routed.primary_url)
    monkeypatch.setattr(replica, "_primary_until", time.monotonic() - 1)  # the window has passed
    assert _answered_by(routed.primary_url) == _port(routed.replica_url)


def test_other_databases_are_never_routed(routed: Cluster) -> None:
    # Only the configured primary has a replica: a URL the app was not given is read as it is.
    assert _answered_by(routed.replica_url) == _port(routed.replica_url)
    assert replica.replica_url_for("sqlite:///elsewhere.db") is None


def test_replica_down_reads_fall_back_to_the_primary_with_a_log_line(routed: Cluster, caplog) -> None:
    assert _answered_by(routed.primary_url) == _port(routed.replica_url)
    routed.run("stop-replica")
    try:
        with caplog.at_level(logging.WARNING, logger="dashboard.replica"):
            assert _answered_by(routed.primary_url) == _port(routed.primary_url)
            assert _answered_by(routed.primary_url) == _port(routed.primary_url)
        warnings = [r.getMessage() for r in caplog.records if r.name == "dashboard.replica"]
        assert len(warnings) == 1, warnings  # once per change of state, not once per read
        assert "reads go to the primary: unreachable" in warnings[0]
        assert f":{_port(routed.replica_url)}/" in warnings[0]  # which replica, without a password
    finally:
        routed.run("start-replica")
    assert _answered_by(routed.primary_url) == _port(routed.replica_url)


def test_a_lagging_replica_is_left_out_until_it_catches_up(routed: Cluster, monkeypatch, caplog) -> None:
    monkeypatch.setenv("DASHBOARD_REPLICA_MAX_LAG", "1")
    standby = create_engine(routed.replica_url, isolation_level="AUTOCOMMIT")
    primary = create_engine(routed.primary_url)
    try:
        with standby.connect() as connection:
            connection.execute(text("SELECT pg_wal_replay_pause()"))
        with primary.begin() as connection:
            connection.execute(text("CREATE TABLE IF NOT EXISTS lag_probe (n integer)"))
            connection.execute(text("INSERT INTO lag_probe VALUES (1)"))
        time.sleep(2.5)  # the replica received the write and replays nothing
        with caplog.at_level(logging.WARNING, logger="dashboard.replica"):
            assert _answered_by(routed.primary_url) == _port(routed.primary_url)
        assert any("lagging" in r.getMessage() for r in caplog.records)
    finally:
        with standby.connect() as connection:
            connection.execute(text("SELECT pg_wal_replay_resume()"))
        standby.dispose()
        primary.dispose()
    deadline = time.monotonic() + 20
    while _answered_by(routed.primary_url) != _port(routed.replica_url):
        assert time.monotonic() < deadline, "the replica never came back after catching up"
        time.sleep(0.5)
