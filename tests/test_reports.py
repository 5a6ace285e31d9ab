"""The unit reporting loop on every engine: submit, return, resubmit, approve; only approved reports count."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import select

from components.report_form import problem_text
from db.engine import make_engine
from db.task_import import import_tasks
from db.report_store import ReportRefused, ensure_report_schema, review_report, save_draft, submit_report
from db.schema import audit_log, task, task_attachment, task_progress, task_report_draft, task_unit, unit
from queries.gateway import clear_caches
from queries.reports import (attachment_content, attachments, draft, reporting_cycle, review_queue, unit_reports,
                             unreported, waiting_cells)
from queries.scope import Scope
from queries.tasks import cell_status
from rules.reports import Attachment, ReportInput, check_report, cycle_start, last_deadline, sniff_media_type
from tests.conftest import build_sample
from tests.test_task_import import SEED_CSV

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
NOW = datetime(2026, 11, 20, 9, 30)
ASOF = date(2026, 11, 20)


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def report_db(request, tmp_path_factory, server_database) -> str:
    """A private sample database per engine: these tests write."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'reports.db'}"
    else:
        url = server_database(request.param, "reports")
    build_sample(url)
    ensure_report_schema(make_engine(url))
    return url


def _pair(url: str) -> tuple[str, str]:
    cells = cell_status(url, _whole(url), ASOF)
    row = cells.iloc[0]
    return row["task_code"], row["unit_code"]


def _whole(url: str) -> Scope:
    from sqlalchemy import text

    with make_engine(url).connect() as connection:
        code, level = connection.execute(text("SELECT code, level FROM area WHERE parent_code IS NULL")).first()
    return Scope(roots=((code, level),), household_detail=True)


def _cell(url: str, task_code: str, unit_code: str):
    clear_caches()
    cells = cell_status(url, _whole(url), ASOF)
    return cells[(cells["task_code"] == task_code) & (cells["unit_code"] == unit_code)].iloc[0]


def _audit_details(url: str) -> list[str]:
    with make_engine(url).connect() as connection:
        return [row.action + " " + row.detail for row in connection.execute(
            select(audit_log.c.action, audit_log.c.detail).where(audit_log.c.action.in_(("report", "review")))
            .order_by(audit_log.c.id))]


def test_submit_return_resubmit_approve_changes_the_cell_only_on_approval(report_db):
    task_code, unit_code = _pair(report_db)
    before = _cell(report_db, task_code, unit_code)
    engine = make_engine(report_db)
    report = ReportInput(task_code, unit_code, 100.0, "done", status_text="全部完成", done_text="已完成",
                         attachments=(Attachment("scan.jpg", JPEG),))
    first = submit_report(engine, report, "unit_a", "unit_reporter", unit_code, NOW)
    assert _cell(report_db, task_code, unit_code)["percent"] == before["percent"]  # not yet counted
    waiting = waiting_cells(report_db, _whole(report_db))
    assert ((waiting["task_code"] == task_code) & (waiting["unit_code"] == unit_code)).any()
    queue = review_queue(report_db, _whole(report_db))
    assert list(queue["id"]) == [first]
    assert queue.iloc[0]["previous_percent"] == before["percent"]
    files = attachments(report_db, [first])
    assert list(files["media_type"]) == ["image/jpeg"]
    assert attachment_content(report_db, int(files.iloc[0]["id"]), [first]) == JPEG
    assert attachment_content(report_db, int(files.iloc[0]["id"]), [first + 999]) is None

    with pytest.raises(ReportRefused) as refused:
        review_report(engine, first, False, "  ", "office", "county_leader", NOW)
    assert refused.value.problems[0].key == "reports.reason_required"
    review_report(engine, first, False, "附件不清晰", "office", "county_leader", NOW)
    assert _cell(report_db, task_code, unit_code)["percent"] == before["percent"]
    mine = unit_reports(report_db, _whole(report_db), unit_code)
    assert mine.iloc[0]["review_state"] == "returned" and mine.iloc[0]["return_reason"] == "附件不清晰"

    second = submit_report(engine, report, "unit_a", "unit_reporter", unit_code, NOW)
    assert _cell(report_db, task_code, unit_code)["percent"] == before["percent"]
    review_report(engine, second, True, "", "office", "county_leader", NOW)
    after = _cell(report_db, task_code, unit_code)
    assert after["percent"] == 100.0
    assert _audit_details(report_db)[-4:] == [
        f"report submit {task_code}/{unit_code} #{first} 100% files=1",
        f"review returned {task_code}/{unit_code} #{first}: 附件不清晰",
        f"report submit {task_code}/{unit_code} #{second} 100% files=1",
        f"review approved {task_code}/{unit_code} #{second}",
    ]
    with pytest.raises(ReportRefused):  # approved once, never again
        review_report(engine, second, True, "", "office", "county_leader", NOW)


def _count(url: str, table) -> int:
    with make_engine(url).connect() as connection:
        return len(connection.execute(select(table.c.id)).all())


@pytest.mark.parametrize("change, key", [
    ({"percent": 150.0}, "reports.percent_range"),
    ({"attachments": (Attachment("photo.jpg", b"MZ\x90\x00" + b"\x00" * 100),)}, "reports.file_bad_type"),
    ({"attachments": (Attachment("big.jpg", JPEG + b"\x00" * (50 * 1024 * 1024)),)}, "reports.file_too_large"),
    ({"milestones": ((1, date(2026, 12, 24)),)}, "reports.milestone_future"),
])
def test_bad_input_writes_nothing(report_db, change, key):
    task_code, unit_code = _pair(report_db)
    fields = {"task_code": task_code, "unit_code": unit_code, "percent": 50.0, "status": "on_track"} | change
    rows, files = _count(report_db, task_progress), _count(report_db, task_attachment)
    with pytest.raises(ReportRefused) as refused:
        submit_report(make_engine(report_db), ReportInput(**fields), "unit_a", "unit_reporter", unit_code, NOW)
    assert key in [problem.key for problem in refused.value.problems]
    message = problem_text(refused.value.problems)  # what the form shows: Chinese, naming the value or file
    assert message and "reports." not in message and any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert (_count(report_db, task_progress), _count(report_db, task_attachment)) == (rows, files)


def test_another_unit_can_neither_report_nor_read_the_draft(report_db):
    task_code, unit_code = _pair(report_db)
    engine = make_engine(report_db)
    save_draft(engine, "unit_a", task_code, unit_code, {"percent": 40, "done_text": "草稿"}, NOW)
    assert draft(report_db, "unit_a", task_code)["done_text"] == "草稿"
    assert draft(report_db, "unit_b", task_code) is None
    with pytest.raises(ReportRefused) as refused:
        submit_report(engine, ReportInput(task_code, unit_code, 50.0, "on_track"), "unit_b", "unit_reporter",
                      "some_other_unit", NOW)
    assert refused.value.problems[0].key == "reports.not_your_unit"


def test_percent_below_last_approved_needs_a_reason():
    report = ReportInput("T01", "u", 30.0, "on_track")
    assert [p.key for p in check_report(report, ASOF, 60.0)] == ["reports.percent_lower"]
    assert check_report(ReportInput("T01", "u", 30.0, "on_track", lower_reason="口径调整"), ASOF, 60.0) == []


@pytest.mark.parametrize("content, expected", [
    (JPEG, "image/jpeg"), (b"\x89PNG\r\n\x1a\n....", "image/png"), (b"%PDF-1.7", "application/pdf"),
    (b"MZ\x90\x00", None), (b"PK\x03\x04", None),
])
def test_files_are_typed_by_their_bytes(content, expected):
    assert sniff_media_type(content) == expected


@pytest.mark.parametrize("asof, cycle, due_day, deadline, start", [
    (date(2026, 11, 20), "weekly", 5, date(2026, 11, 13), date(2026, 11, 7)),  # due today: last week's counts
    (date(2026, 11, 21), "weekly", 5, date(2026, 11, 20), date(2026, 11, 14)),
    (date(2026, 12, 1), "weekly", 1, date(2026, 11, 30), date(2026, 11, 24)),
    (date(2026, 11, 6), "monthly", 5, date(2026, 11, 5), date(2026, 10, 6)),
    (date(2026, 1, 3), "monthly", 5, date(2025, 12, 5), date(2025, 11, 6)),
    (date(2026, 3, 31), "monthly", 31, date(2026, 3, 28), date(2026, 3, 1)),  # day 31 means the 28th
])
def test_reporting_cycle_deadline_and_start(asof, cycle, due_day, deadline, start):
    assert last_deadline(asof, cycle, due_day) == deadline
    assert cycle_start(deadline, cycle, due_day) == start


def test_a_unit_that_misses_the_cycle_is_unreported_until_it_reports(report_db):
    """未报 on every engine: a late report clears it, a returned one does not, a done cell owes nothing."""
    owing = unreported(report_db, _whole(report_db), ASOF)
    start, deadline = reporting_cycle(ASOF)
    assert (start, deadline) == (date(2026, 11, 7), date(2026, 11, 13))  # weekly, Fridays: the default
    assert not owing.empty and set(owing["days_late"]) == {7} and set(owing["deadline"]) == {deadline}
    assert all(pd.isna(day) or day < start for day in owing["last_reported_on"])
    cells = cell_status(report_db, _whole(report_db), ASOF)
    done = cells[cells["status"] == "done"]
    assert not set(zip(done["task_code"], done["unit_code"])) & set(zip(owing["task_code"], owing["unit_code"]))
    task_code, unit_code = owing.iloc[0]["task_code"], owing.iloc[0]["unit_code"]
    engine = make_engine(report_db)
    late = submit_report(engine, ReportInput(task_code, unit_code, 50.0, "on_track", lower_reason="核减"),
                         "late_unit", "unit_reporter", unit_code, datetime(2026, 11, 20, 8))
    review_report(engine, late, False, "请补充照片", "office", "briefing", datetime(2026, 11, 20, 9))
    still = unreported(report_db, _whole(report_db), ASOF)
    assert ((still["task_code"] == task_code) & (still["unit_code"] == unit_code)).any()  # returned: still owes
    submit_report(engine, ReportInput(task_code, unit_code, 50.0, "on_track", lower_reason="核减"),
                  "late_unit", "unit_reporter", unit_code, datetime(2026, 11, 20, 10))
    after = unreported(report_db, _whole(report_db), ASOF)
    assert not ((after["task_code"] == task_code) & (after["unit_code"] == unit_code)).any()
    assert len(after) == len(owing) - 1


def _reports_snapshot(url: str) -> dict[str, list]:
    with make_engine(url).connect() as connection:
        p = task_progress.c
        return {"progress": [tuple(row) for row in connection.execute(
                    select(p.id, p.task_code, p.unit_code, p.percent, p.review_state).order_by(p.id))],
                "files": [tuple(row) for row in connection.execute(
                    select(task_attachment.c.id, task_attachment.c.progress_id).order_by(task_attachment.c.id))],
                "drafts": [tuple(row) for row in connection.execute(
                    select(task_report_draft.c.user_name, task_report_draft.c.task_code))]}


def test_reimporting_the_matrix_never_deletes_reports(report_db, tmp_path):
    """Last in this module: it re-imports the sample's matrix (the seed's) and leaves it as it was."""
    task_code, unit_code = _pair(report_db)
    engine = make_engine(report_db)
    waiting = submit_report(engine, ReportInput(task_code, unit_code, 100.0, "done",
                                                attachments=(Attachment("scan.jpg", JPEG),)),
                            "unit_a", "unit_reporter", unit_code, NOW)
    save_draft(engine, "unit_a", task_code, unit_code, {"percent": 10}, NOW)
    before = _reports_snapshot(report_db)
    assert waiting in [row[0] for row in before["progress"]] and before["files"] and before["drafts"]
    import_tasks(engine, SEED_CSV)
    assert _reports_snapshot(report_db) == before
    # The unit drops off the task in a revised matrix: its reports stay (history), only the link goes.
    with engine.connect() as connection:
        seq, title = connection.execute(select(task.c.seq, task.c.title).where(task.c.code == task_code)).one()
        lead = connection.execute(select(unit.c.name).where(unit.c.code != unit_code).order_by(unit.c.code)).first()[0]
    revised = tmp_path / "revised.csv"
    revised.write_text(f"序号,重点工作,牵头单位,责任单位\n{seq},{title},{lead},\n", encoding="utf-8")
    import_tasks(engine, revised)
    with engine.connect() as connection:
        assert connection.execute(select(task_unit.c.unit_code).where(task_unit.c.task_code == task_code)
                                  ).scalars().all() != [] and unit_code not in connection.execute(
            select(task_unit.c.unit_code).where(task_unit.c.task_code == task_code)).scalars().all()
    assert _reports_snapshot(report_db) == before
    import_tasks(engine, SEED_CSV)  # the sample's matrix again
    assert _reports_snapshot(report_db) == before


def test_an_area_without_tasks_owes_nothing(sample_db_url, tmp_path):
    """A county that has imported no matrix yet: an empty 未报 list with its columns, not an error."""
    from sqlalchemy import delete

    from tests.conftest import copy_sample

    copy_sample(sample_db_url, tmp_path / "bare.db")
    url = f"sqlite:///{tmp_path / 'bare.db'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(delete(task_unit))
    clear_caches()
    owing = unreported(url, _whole(url), ASOF)
    assert owing.empty and {"task_code", "unit_code", "days_late", "deadline"} <= set(owing.columns)
