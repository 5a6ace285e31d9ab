"""First start on the embedded default: the sample database is built once, with Chinese progress."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

import db.engine
from components.db_status import stage_label
from db.engine import check_database, make_engine
from db.schema import metadata
from sample_data.generator import generate

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_every_generator_stage_has_a_chinese_label(tmp_path):
    stages: list[str] = []
    engine = make_engine(f"sqlite:///{tmp_path / 'stages.db'}")
    metadata.create_all(engine)
    generate(engine, households=300, progress=lambda share, stage: stages.append(stage))
    engine.dispose()
    assert len(set(stages)) >= 5
    for stage in set(stages):
        assert not re.search(r"[A-Za-z]", stage_label(stage)), stage


def test_first_start_builds_the_default_database_then_serves_it(tmp_path, monkeypatch):
    default = tmp_path / "data" / "monitoring.db"
    monkeypatch.delenv("DASHBOARD_DB_URL", raising=False)
    monkeypatch.setattr(db.engine, "DEFAULT_SQLITE_PATH", default)

    first = AppTest.from_file(APP, default_timeout=120).run()
    assert not first.exception
    assert default.is_file() and not default.with_name("monitoring.db.building").exists()
    assert check_database(f"sqlite:///{default}").ok
    assert first.title[0].value  # the page itself rendered after the build

    built_at = default.stat().st_mtime_ns
    second = AppTest.from_file(APP, default_timeout=60).run()
    assert not second.exception and default.stat().st_mtime_ns == built_at  # never rebuilt
