"""Shared fixtures: one small sample database per engine, built once per test session."""

from __future__ import annotations

import os
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SAMPLE_HOUSEHOLDS = 2000
SAMPLE_SEED = 7
SAMPLE_UNTIL = date(2026, 11, 20)
TEST_DATABASE = "dashboard_test"  # kept apart from `test`, which other suites drop and rebuild
SERVER_URLS = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "mariadb": "mysql+pymysql://root@127.0.0.1:3306/test",
}


def server_unreachable(reason: str) -> None:
    """Skip on a developer machine without the server; fail in CI, which starts both servers."""
    if os.environ.get("CI") == "true":  # a skip there would hide a break on that engine
        pytest.fail(reason)
    pytest.skip(reason)


def read_table(url: str, name: str) -> pd.DataFrame:
    """A whole table as stored, read without the app's code: the reference tests compare against."""
    engine = create_engine(url)
    try:
        return pd.read_sql_table(name, engine)
    finally:
        engine.dispose()


def build_sample(url: str) -> str:
    """Create the schema at url and fill it with the small deterministic sample county."""
    from db.engine import make_engine
    from db.schema import metadata
    from sample_data.generator import generate

    engine = make_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    generate(engine, households=SAMPLE_HOUSEHOLDS, seed=SAMPLE_SEED, until=SAMPLE_UNTIL)
    engine.dispose()
    return url


def _server_database_url(engine_name: str) -> str:
    """A URL for the dedicated test database on a local server, created if missing, or skip."""
    admin_url = SERVER_URLS[engine_name]
    try:
        admin = create_engine(admin_url, connect_args={"connect_timeout": 3}, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            if engine_name == "postgresql":
                exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                            {"name": TEST_DATABASE}).first()
                if not exists:
                    connection.execute(text(f'CREATE DATABASE "{TEST_DATABASE}"'))
            else:
                connection.execute(text(f"CREATE DATABASE IF NOT EXISTS `{TEST_DATABASE}` CHARACTER SET utf8mb4"))
        admin.dispose()
    except Exception as error:
        server_unreachable(f"{engine_name} not reachable at {admin_url}: {str(error).splitlines()[0]}")
    return make_url(admin_url).set(database=TEST_DATABASE).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sample_db_url(tmp_path_factory) -> str:
    """The small sample county in a SQLite file."""
    return build_sample(f"sqlite:///{tmp_path_factory.mktemp('sample') / 'sample.db'}")


@pytest.fixture(scope="session", params=["sqlite", "postgresql", "mariadb"])
def engine_db_url(request, sample_db_url) -> str:
    """The same sample county on each engine that is reachable."""
    if request.param == "sqlite":
        return sample_db_url
    return build_sample(_server_database_url(request.param))
