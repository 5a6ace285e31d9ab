"""The database's readiness: first-start build of the sample file and the error page."""

from __future__ import annotations

import logging
import os
import re
import threading
from pathlib import Path

import streamlit as st
from sqlalchemy.engine import make_url

from labels import label_of, t
from db.engine import Health, check_database, safe_url

LOG = logging.getLogger("dashboard.database")
_STAGE = re.compile(r"^(?P<name>.*?)(?: (?P<counter>\d+/\d+))?$")


def stage_label(stage: str) -> str:
    """The generator's stage ("households 3/21") in the UI language ("农户与监测记录 3/21")."""
    match = _STAGE.match(stage)
    name = label_of("sample_stage", match["name"])
    return f"{name} {match['counter']}" if match["counter"] else name


@st.cache_resource(show_spinner=False)
def _build_lock() -> threading.Lock:
    # One lock per server: two sessions opening at once must not both build the file.
    return threading.Lock()


def ensure_sample_database(url: str, households: int = 20_000) -> None:
    """Build the embedded sample database on first start, with a progress bar; never overwrite."""
    path = Path(make_url(url).database)
    if path.exists():
        return
    with _build_lock():
        if path.exists():
            return
        # Imported here: only a first start needs the generator (and shapely behind it).
        from db.engine import make_engine
        from db.schema import metadata
        from sample_data.generator import generate

        st.info(t("app.building_sample"))
        bar = st.progress(0.0)
        partial = path.with_name(path.name + ".building")
        partial.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{partial}")

        def show(share: float, stage: str) -> None:
            bar.progress(min(max(share, 0.0), 1.0), text=t("app.building_stage", stage=stage_label(stage)))

        try:
            metadata.create_all(engine)
            generate(engine, households=households, progress=show)
        except Exception as error:  # shown to the user; the half-built file is removed
            engine.dispose()
            partial.unlink(missing_ok=True)
            st.error(t("error.build_failed", detail=str(error)[:300]))
            st.stop()
        engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        os.replace(partial, path)
        bar.empty()
        st.success(t("app.built_sample"))


@st.cache_data(ttl=30, show_spinner=False)
def database_health(url: str) -> Health:
    """Check the database at most every 30 s, so a fixed database is noticed on refresh (and logged then)."""
    health = check_database(url)
    if not health.ok:
        LOG.error("database unusable (%s) at %s: %s%s", health.problem, safe_url(url), health.detail[:300],
                  f" missing tables: {', '.join(health.missing)}" if health.missing else "")
    return health


def render_database_problem(health: Health, url: str, detailed: bool) -> None:
    """A clear Chinese page saying what is wrong and how to fix it: no traceback, no password.

    Only when detailed: before sign-in the page says no more than that the dashboard is unavailable.
    """
    if not detailed:
        st.title(t("security.unavailable_title"))
        st.error(t("security.unavailable"))
        return
    st.title(t("error.title"))
    shown_url = safe_url(url)
    if health.problem == "missing_tables":
        message = t("error.missing_tables", url=shown_url, tables="、".join(health.missing))
    else:
        message = t(f"error.{health.problem}", url=shown_url, detail=health.detail[:300])
    st.error(message)
    st.caption(t("error.how_to_fix"))
