"""Import batches: every attempt and its problems are recorded, on every engine."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from db.engine import make_engine
from db.imports.batch import ImportSummary, Problem, file_sha256, record_batch
from db.schema import import_batch, import_problem, metadata


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def empty_db_url(request, tmp_path, server_database) -> str:
    """An empty database with the schema, on each reachable engine."""
    url = (f"sqlite:///{tmp_path / 'batch.db'}" if request.param == "sqlite"
           else server_database(request.param, "batch"))
    engine = make_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    engine.dispose()
    return url


def test_a_refused_batch_is_recorded_with_its_problems_and_row_numbers(empty_db_url, tmp_path):
    source = tmp_path / "区划.csv"
    source.write_bytes("代码,名称\n".encode("gbk"))
    problems = [Problem.error("bad_code_length", "代码应为 12 位数字", row=4, column="代码", value="1234"),
                Problem.warning("area_missing", "名单中没有此区域", value="150999100200")]
    engine = make_engine(empty_db_url)
    batch_id = record_batch(engine, kind="areas", path=source, asof=None, status="refused", rows_read=3,
                            rows_written=0, rows_rejected=1, problems=problems,
                            started_at=datetime(2026, 11, 30, 8, 0), imported_by="tester")
    with engine.connect() as connection:
        batch = connection.execute(select(import_batch)).mappings().one()
        rows = connection.execute(select(import_problem).order_by(import_problem.c.id)).mappings().all()
    engine.dispose()
    assert batch["id"] == batch_id and batch["status"] == "refused" and batch["file_name"] == "区划.csv"
    assert batch["sha256"] == file_sha256(source) and len(batch["sha256"]) == 64
    assert (batch["rows_read"], batch["rows_written"], batch["rows_rejected"]) == (3, 0, 1)
    assert [(r["row"], r["column"], r["value"], r["level"]) for r in rows] == [
        (4, "代码", "1234", "error"), (None, None, "150999100200", "warning")]


def test_summary_exit_code_and_text():
    error = Problem.error("duplicate_code", "代码重复", row=7, column="代码", value="150999100200")
    refused = ImportSummary(3, "refused", {"rows_read": 5}, [error])
    assert refused.exit_code == 2
    assert "第 7 行" in refused.text() and "代码重复" in refused.text() and "读取 5" in refused.text()
    assert ImportSummary(4, "done", {"added": 2}).exit_code == 0
    assert ImportSummary(5, "checked", {}, [Problem.warning("x", "y")]).exit_code == 0
    assert ImportSummary(6, "checked", {}, [error]).exit_code == 2
