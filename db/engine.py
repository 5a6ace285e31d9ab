"""Where the data lives: the database URL, engine creation and a health check."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from db.dialects import spec_for
from db.schema import CONTRACT_TABLES

URL_ENV = "DASHBOARD_DB_URL"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "monitoring.db"


def configured_url() -> str:
    """The database URL from the environment, or the embedded SQLite default."""
    return os.environ.get(URL_ENV) or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def is_default_url(url: str) -> bool:
    """True when the app runs on the embedded default database file."""
    return url == f"sqlite:///{DEFAULT_SQLITE_PATH}"


def safe_url(url: str) -> str:
    """The URL with any password hidden, fit for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<无法解析的地址>"


def make_engine(url: str) -> Engine:
    """A SQLAlchemy engine for the URL, with the per-engine settings of db.dialects."""
    parsed = make_url(url)
    spec = spec_for(parsed.get_backend_name())
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args=dict(spec.connect_args), pool_pre_ping=True)
    if spec.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the app read while a generator or import writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@dataclass(frozen=True)
class Health:
    """Outcome of checking a database before the app uses it."""

    problem: str | None  # None or bad_url, driver, missing_file, unreachable, missing_tables, empty
    detail: str = ""
    missing: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the database can serve the app."""
        return self.problem is None


def check_database(url: str) -> Health:
    """Reach the database, confirm the contract tables exist and hold areas."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            if not Path(parsed.database).is_file():
                # Connecting would silently create an empty file; say the file is missing instead.
                return Health("missing_file", parsed.database)
        engine = make_engine(url)
    except (ArgumentError, ValueError) as error:
        return Health("bad_url", str(error))
    except NoSuchModuleError as error:
        return Health("driver", str(error))
    try:
        with engine.connect() as connection:
            present = set(inspect(connection).get_table_names())
            missing = tuple(name for name in CONTRACT_TABLES if name not in present)
            if missing:
                return Health("missing_tables", missing=missing)
            from db.schema import area  # local: keeps this module import-light

            if connection.execute(area.select().limit(1)).first() is None:
                return Health("empty")
    except (SQLAlchemyError, OSError) as error:
        # The driver's message can carry the URL; hide it to keep passwords off the screen.
        return Health("unreachable", _strip_url(str(error).splitlines()[0], url))
    except ModuleNotFoundError as error:
        return Health("driver", str(error))
    finally:
        engine.dispose()
    return Health(None)


def _strip_url(message: str, url: str) -> str:
    password = make_url(url).password
    return message.replace(str(password), "***") if password else message
