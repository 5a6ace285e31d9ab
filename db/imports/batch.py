"""Import batches: the problem type every importer reports, and the recorder of each attempt.

The recorder writes in its own transaction, after the importer's data transaction has committed
or rolled back, so a refused import is on record with all its problems although it wrote nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from db.schema import import_batch, import_problem
from labels import label_of, t

ERROR = "error"
WARNING = "warning"
STATUSES = ("done", "refused", "checked")
VALUE_LIMIT = 500  # import_problem.value length: a long cell is cut, never refused by the database
SHOWN_PROBLEMS = 20  # problems listed by ImportSummary.text(); the rest are counted


@dataclass(frozen=True)
class Problem:
    """One thing wrong (error) or worth knowing (warning) about a file, where the file shows it."""

    sheet: str | None
    row: int | None  # spreadsheet row number as the user sees it (1-based, header rows counted)
    column: str | None
    value: str | None
    code: str  # stable English code, e.g. bad_code_length; the message is the Chinese text
    level: str  # error / warning
    message: str

    @classmethod
    def error(cls, code: str, message: str, *, sheet: str | None = None, row: int | None = None,
              column: str | None = None, value: object = None) -> Problem:
        """A problem that refuses the import."""
        return cls(sheet, row, column, _text(value), code, ERROR, message)

    @classmethod
    def warning(cls, code: str, message: str, *, sheet: str | None = None, row: int | None = None,
                column: str | None = None, value: object = None) -> Problem:
        """A problem reported but not refusing the import."""
        return cls(sheet, row, column, _text(value), code, WARNING, message)

    @property
    def is_error(self) -> bool:
        """True for an error."""
        return self.level == ERROR

    def text(self) -> str:
        """One Chinese line: where (sheet, row, column) and what."""
        where = []
        if self.sheet:
            where.append(t("imports.at_sheet", sheet=self.sheet))
        if self.row is not None:
            where.append(t("imports.at_row", row=self.row))
        if self.column:
            where.append(t("imports.at_column", column=self.column))
        if self.row is None and self.value:
            where.append(t("imports.at_value", value=self.value))
        prefix = label_of("import_level", self.level)
        return t("imports.problem_line", level=prefix, where=" ".join(where) or t("imports.at_file"),
                 message=self.message)


def _text(value: object) -> str | None:
    if value is None:
        return None
    return str(value)[:VALUE_LIMIT]


def file_sha256(path: Path | str) -> str:
    """The SHA-256 of a file's bytes, hex: the same file imported twice is recognisable."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_batch(engine: Engine, *, kind: str, path: Path | str, asof: date | None, status: str,
                 rows_read: int, rows_written: int, rows_rejected: int, problems: list[Problem],
                 started_at: datetime, imported_by: str | None) -> int:
    """Write one import attempt and its problems in a transaction of their own; return the batch id."""
    if status not in STATUSES:
        raise ValueError(f"unknown import status: {status}")
    path = Path(path)
    digest = file_sha256(path) if path.is_file() else ""
    import_batch.metadata.create_all(engine, tables=[import_batch, import_problem])  # older databases
    with engine.begin() as connection:
        batch_id = connection.execute(insert(import_batch).values(
            kind=kind, file_name=path.name[:255], sha256=digest, asof=asof, status=status,
            rows_read=rows_read, rows_written=rows_written, rows_rejected=rows_rejected,
            started_at=started_at, finished_at=datetime.now(), imported_by=imported_by,
        )).inserted_primary_key[0]
        if problems:
            connection.execute(insert(import_problem), [
                {"batch_id": batch_id, "sheet": p.sheet, "row": p.row, "column": p.column,
                 "value": p.value, "code": p.code, "level": p.level, "message": p.message[:1000]}
                for p in problems])
    return int(batch_id)


@dataclass
class ImportSummary:
    """What an import (or a check) did: its batch, status, counts and problems."""

    batch_id: int | None
    status: str  # done / refused / checked
    counts: dict[str, int] = field(default_factory=dict)  # e.g. rows_read, added, updated
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that refuse the file."""
        return [problem for problem in self.problems if problem.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that are only reported."""
        return [problem for problem in self.problems if not problem.is_error]

    @property
    def exit_code(self) -> int:
        """0 when done or checked without errors, 2 when the file is (or would be) refused."""
        return 2 if self.status == "refused" or self.errors else 0

    def text(self) -> str:
        """A short Chinese summary: the outcome, the counts, then the first problems."""
        head = t(f"imports.status_{self.status}" if not (self.status == "checked" and self.errors)
                 else "imports.status_checked_errors", batch=self.batch_id if self.batch_id is not None else "-")
        counts = "，".join(f"{label_of('import_count', key)} {value}" for key, value in self.counts.items())
        lines = [head]
        if counts:
            lines.append(counts)
        lines.append(t("imports.problem_counts", errors=len(self.errors), warnings=len(self.warnings)))
        by_row = lambda problem: (problem.sheet or "", problem.row if problem.row is not None else 0)
        ordered = sorted(self.errors, key=by_row) + sorted(self.warnings, key=by_row)
        lines.extend(problem.text() for problem in ordered[:SHOWN_PROBLEMS])
        if len(ordered) > SHOWN_PROBLEMS:
            lines.append(t("imports.more_problems", count=len(ordered) - SHOWN_PROBLEMS))
        return "\n".join(lines)
