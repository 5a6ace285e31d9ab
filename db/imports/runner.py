"""The shape every import shares: read, check, write all or nothing (or only check), record the attempt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection, Engine

from db.imports.batch import ImportSummary, Problem, record_batch
from db.imports.table import UnreadableFile
from db.schema import metadata


@dataclass
class Plan:
    """What checking a file found, and how to write it if nothing is wrong."""

    problems: list[Problem]
    rows_read: int
    rows_rejected: int
    write: Callable[[Connection], dict[str, int]]  # counts of what it wrote, e.g. added/updated
    counts: dict[str, int] = field(default_factory=dict)  # what checking counted (shown either way)
    asof: date | None = None


def run_import(engine: Engine, kind: str, path: Path, read: Callable[[Path], Any],
               plan: Callable[[Connection, Any], Plan], *, check: bool = False,
               imported_by: str | None = None) -> ImportSummary:
    """Read and check the file; write it in one transaction unless checking or anything is wrong."""
    started = datetime.now()
    metadata.create_all(engine)  # an empty database gets the schema; an existing one is left as it is
    try:
        data = read(path)
    except UnreadableFile as unreadable:
        return _finish(engine, kind, path, started, imported_by, "checked" if check else "refused",
                       [unreadable.problem], {"rows_read": 0}, 0, 0, None)
    with engine.connect() as connection:
        found = plan(connection, data)
    counts = {"rows_read": found.rows_read, **found.counts}
    if any(problem.is_error for problem in found.problems):
        return _finish(engine, kind, path, started, imported_by, "checked" if check else "refused",
                       found.problems, counts, found.rows_read, 0, found.asof, found.rows_rejected)
    if check:
        return _finish(engine, kind, path, started, imported_by, "checked", found.problems, counts,
                       found.rows_read, 0, found.asof)
    with engine.begin() as connection:
        written = found.write(connection)
    counts.update(written)
    rows_written = written.get("added", 0) + written.get("updated", 0)
    return _finish(engine, kind, path, started, imported_by, "done", found.problems, counts,
                   found.rows_read, rows_written, found.asof)


def _finish(engine: Engine, kind: str, path: Path, started: datetime, imported_by: str | None,
            status: str, problems: list[Problem], counts: dict[str, int], rows_read: int,
            rows_written: int, asof: date | None, rows_rejected: int = 0) -> ImportSummary:
    batch_id = record_batch(engine, kind=kind, path=path, asof=asof, status=status, rows_read=rows_read,
                            rows_written=rows_written, rows_rejected=rows_rejected, problems=problems,
                            started_at=started, imported_by=imported_by)
    return ImportSummary(batch_id, status, counts, problems)
