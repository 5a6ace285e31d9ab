"""Shared fixtures: one small sample database per engine, built once per test session."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Iterator

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SAMPLE_HOUSEHOLDS = 2000
SAMPLE_SEED = 7
SAMPLE_UNTIL = date(2026, 11, 20)
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


def copy_sample(sample_db_url: str, target: Path) -> None:
    """Copy the sample SQLite database through SQLite's backup API, never by copying the file.

    Opening and closing the live file with plain file calls drops this process's SQLite locks on
    it (POSIX advisory locks are per process): the app server then checkpoints the write-ahead log
    under a reader's feet and later reads fail with "database disk image is malformed".
    """
    import sqlite3

    source = sqlite3.connect(sample_db_url.removeprefix("sqlite:///"))
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def build_sample(url: str, households: int = SAMPLE_HOUSEHOLDS) -> str:
    """Create the schema at url and fill it with the deterministic sample county (small unless told)."""
    from db.engine import make_engine
    from db.schema import metadata
    from sample_data.generator import generate

    engine = make_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    generate(engine, households=households, seed=SAMPLE_SEED, until=SAMPLE_UNTIL)
    engine.dispose()
    return url


def _admin_engine(engine_name: str):
    return create_engine(SERVER_URLS[engine_name], connect_args={"connect_timeout": 3}, isolation_level="AUTOCOMMIT")


def _quoted(engine_name: str, name: str) -> str:
    return f'"{name}"' if engine_name == "postgresql" else f"`{name}`"


@pytest.fixture(scope="session")
def server_database() -> Iterator:
    """Make fresh databases on the local servers for this test session; all dropped at its end."""
    made: list[tuple[str, str, str]] = []

    def create(engine_name: str, purpose: str) -> str:
        name = f"dashboard_{purpose}_{os.getpid()}"  # never shared with another run on the servers
        try:
            admin = _admin_engine(engine_name)
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {_quoted(engine_name, name)}"))
                suffix = "" if engine_name == "postgresql" else " CHARACTER SET utf8mb4"
                connection.execute(text(f"CREATE DATABASE {_quoted(engine_name, name)}{suffix}"))
            admin.dispose()
        except Exception as error:
            server_unreachable(f"{engine_name} not reachable at {SERVER_URLS[engine_name]}: "
                               f"{str(error).splitlines()[0]}")
        url = make_url(SERVER_URLS[engine_name]).set(database=name).render_as_string(hide_password=False)
        made.append((engine_name, name, url))
        return url

    yield create
    from queries.gateway import engine_for

    for engine_name, name, url in made:
        engine_for(url).dispose()  # PostgreSQL refuses to drop a database with open connections
        admin = _admin_engine(engine_name)
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {_quoted(engine_name, name)}"))
        admin.dispose()


@pytest.fixture(scope="session")
def sample_db_url(tmp_path_factory) -> str:
    """The small sample county in a SQLite file."""
    return build_sample(f"sqlite:///{tmp_path_factory.mktemp('sample') / 'sample.db'}")


_BUILT_ON_ENGINE: dict[str, str] = {}


@pytest.fixture(scope="session", params=["sqlite", "postgresql", "mariadb"])
def engine_db_url(request, sample_db_url, server_database) -> str:
    """The same sample county on each engine that is reachable, built once per test process.

    pytest may tear a session fixture's parameter down and set it up again when the files of a
    process alternate between engines (as under pytest-xdist): the database built first is reused.
    """
    if request.param == "sqlite":
        return sample_db_url
    if request.param not in _BUILT_ON_ENGINE:
        _BUILT_ON_ENGINE[request.param] = build_sample(server_database(request.param, "sample"))
    return _BUILT_ON_ENGINE[request.param]


# The deployment's tests each start nginx, two app processes and two PostgreSQL servers: they share one
# test process, and so one such cluster (session fixtures in tests/cluster/conftest.py).
_ONE_CLUSTER = ("tests/cluster/", "tests/browser/test_cluster.py")


def pytest_collection_modifyitems(items) -> None:
    """Under `pytest -n N --dist loadgroup` (make test) a file runs whole in one process, so its module
    fixtures (a served app, a written copy of the sample) are set up once."""
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        group = "cluster" if path.startswith(_ONE_CLUSTER) else path
        item.add_marker(pytest.mark.xdist_group(group))


APP = str(Path(__file__).resolve().parent.parent / "app.py")
APP_ASOF = "2026-11-20"


def on_page(test, page: str = "drill"):
    """Point an AppTest at a page by its url path (before or between runs)."""
    from components.page_registry import PAGES

    test.switch_page(str(next(spec.path for spec in PAGES if spec.url_path == page)))
    return test


@pytest.fixture
def app(sample_db_url, monkeypatch):
    """Open the app on the sample county at a page (drill unless told) with URL parameters."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_DB_URL", sample_db_url)

    def open_app(page: str = "drill", **params: str):
        test = AppTest.from_file(APP, default_timeout=60)
        for name, value in {"asof": APP_ASOF, **params}.items():
            test.query_params[name] = value
        return on_page(test, page).run()

    return open_app


def vega_rows(chart) -> list[pd.DataFrame]:
    """The rows an AppTest Vega-Lite chart draws: its datasets travel as Arrow bytes."""
    import pyarrow as pa

    tables = [dataset.data.data for dataset in chart.proto.datasets] + ([chart.proto.data.data]
                                                                         if chart.proto.data.data else [])
    return [pa.ipc.open_stream(table).read_all().to_pandas() for table in tables]


def shown(markdown: str) -> str:
    """What a reader sees of Markdown source made by components.text: escapes and word joiners removed."""
    import re

    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")
