"""`python -m db import-ledger FILE [FILE…] [--asof D] [--check]`: the national system's exports.

Each file is read (streamed), checked against the area tree and cell by cell, and then either
written in one transaction or, when anything is wrong (or with --check), not written at all. Every
attempt is recorded as an import batch with its problems. See ledger_write for the history rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from db.imports.batch import ImportSummary, Problem, record_batch
from db.imports.ledger_parse import AreaIndex, ParsedLedger, parse_ledger
from db.imports.ledger_write import write_ledger
from db.imports.signals import link_cases
from db.signal_state import catch_up
from db.rollups import household_villages, refresh_villages
from db.imports.sheet_reader import UnreadableFile, read_rows
from db.schema import area, household, import_batch
from db.upgrade import upgrade
from labels import t

KIND = "ledger"
Progress = Callable[[float, str], None]


def import_ledger(engine: Engine, path: Path, *, asof: dt.date | None = None, check: bool = False,
                  imported_by: str | None = None, progress: Progress | None = None,
                  within: Callable[[str], bool] | None = None) -> ImportSummary:
    """Check one export and, unless check or any error, write it; the attempt is recorded either way.

    within: a village-code predicate (an uploader's scope); villages outside it are errors."""
    report = progress or (lambda share, stage: None)
    started = dt.datetime.now()
    upgrade(engine)  # an older database gains household_member, external_id and the batch tables
    parsed = _parse(engine, Path(path), asof, report, within)
    problems = parsed.problems
    errors = any(problem.is_error for problem in problems)
    newest = True
    if not errors and parsed.asof:
        latest = _latest_import(engine)
        newest = latest is None or parsed.asof >= latest
        if not newest:
            problems.append(Problem.warning("older_export", t("ledger.older_export", asof=parsed.asof,
                                                              latest=latest), sheet=parsed.sheet))
        elif parsed.households:
            problems.extend(_absent_households(engine, parsed))
    counts = {"rows_read": parsed.rows_read, "rows_rejected": len(parsed.rejected_rows),
              "households": len(parsed.households)}
    written = 0
    if check:
        status = "checked"  # with errors too: ImportSummary then says it could not be imported
    elif errors:
        status = "refused"
    else:
        with engine.begin() as connection:
            # The villages the batch touches: where its households were before and where it puts them.
            touched = household_villages(connection, parsed.households)
            touched.update(h.village_code for h in parsed.households.values() if h.village_code)
            result = write_ledger(connection, parsed, newest, lambda share: report(0.6 + 0.4 * share,
                                                                                  t("ledger.progress_write")))
            linked = link_cases(connection)  # a new case may answer a waiting department signal
        if linked:
            counts["linked"] = linked
        written = parsed.rows_read
        counts["added"] = sum(result.added.values())
        counts["updated"] = sum(result.updated.values())
        status = "done"
    counts["rows_written"] = written
    batch_id = record_batch(engine, kind=KIND, path=path, asof=parsed.asof, status=status,
                            rows_read=parsed.rows_read, rows_written=written,
                            rows_rejected=len(parsed.rejected_rows), problems=problems, started_at=started,
                            imported_by=imported_by)
    if status == "done":  # after the batch is recorded, so the rollup reads as fresh as the batch
        refresh_villages(engine, touched)
        catch_up(engine)  # signal reviews written since by any other writer (link_cases refreshed its own)
    report(1.0, t("ledger.progress_write"))
    return ImportSummary(batch_id, status, counts, problems)


def _parse(engine: Engine, path: Path, asof: dt.date | None, report: Progress,
           within: Callable[[str], bool] | None) -> ParsedLedger:
    areas = area_index(engine)
    areas = AreaIndex(areas.villages, areas.townships, within)
    size = max(1, path.stat().st_size) if path.is_file() else 1
    # Rows per byte differ by format; the reading share of the bar advances by rows seen against a
    # rough estimate (about 400 bytes a row in xlsx), capped below the writing share.
    estimate = max(1, size // 400)
    try:
        return parse_ledger(read_rows(path), areas, asof,
                            lambda rows: report(min(0.6, 0.6 * rows / estimate), t("ledger.progress_read")))
    except UnreadableFile as error:
        problem = Problem.error(error.code, t(f"ledger.{error.code}", detail=error.detail))
        return ParsedLedger(None, asof, {}, [problem], set())


def area_index(engine: Engine) -> AreaIndex:
    """Village codes by (township name, village name) from the area table."""
    parent = area.alias("parent")
    query = (select(area.c.code, area.c.name, parent.c.name.label("township"))
             .join(parent, parent.c.code == area.c.parent_code).where(area.c.level == "village"))
    villages: dict[tuple[str, str], str] = {}
    townships: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for code, name, township in connection.execute(query):
            villages[(township, name)] = code
            townships.setdefault(township, []).append(name)
        for (name,) in connection.execute(select(area.c.name).where(area.c.level == "township")):
            townships.setdefault(name, [])
    return AreaIndex(villages, townships)


def _latest_import(engine: Engine) -> dt.date | None:
    with engine.connect() as connection:
        return connection.execute(select(func.max(import_batch.c.asof)).where(
            import_batch.c.kind == KIND, import_batch.c.status == "done")).scalar()


def _absent_households(engine: Engine, parsed: ParsedLedger) -> list[Problem]:
    """Households an earlier export brought into the villages of this one that this one lacks."""
    villages = sorted({h.village_code for h in parsed.households.values() if h.village_code})
    absent: list[str] = []
    with engine.connect() as connection:
        for start in range(0, len(villages), 900):
            query = select(household.c.external_id).where(
                household.c.external_id.is_not(None), household.c.village_code.in_(villages[start:start + 900]))
            absent += [key for (key,) in connection.execute(query) if key not in parsed.households]
    return [Problem.warning("absent_household", t("ledger.absent_household", value=key), sheet=parsed.sheet,
                            value=key) for key in sorted(absent)]
