"""import-ledger on every engine: planted errors refused row by row, history kept, idempotent, round trip."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.engine import make_engine
from db.imports.ledger import import_ledger
from db.schema import (area, assistance, case_risk, guarantee_check, household, household_income,
                       household_member, import_batch, import_problem, metadata, monitoring_case,
                       monitoring_line)
from queries.drill import village_figures
from queries.scope import Scope
from tests.conftest import SAMPLE_UNTIL

MONTH_BEFORE = dt.date(2026, 10, 20)
DATA_TABLES = (household, household_member, monitoring_case, case_risk, household_income, guarantee_check,
               assistance)


@pytest.fixture(scope="module")
def exports(sample_db_url, tmp_path_factory) -> dict[str, Path]:
    """The sample county exported a month before its last day (CSV) and on it (xlsx)."""
    from sample_data.export_ledger import export_ledger

    folder = tmp_path_factory.mktemp("ledger")
    engine = make_engine(sample_db_url)
    paths = {"before": folder / "before.csv", "last": folder / "last.xlsx"}
    export_ledger(engine, paths["before"], MONTH_BEFORE)
    export_ledger(engine, paths["last"], SAMPLE_UNTIL)
    engine.dispose()
    return paths


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def empty_db(request, sample_db_url, server_database, tmp_path):
    """A database holding only the sample's area list and monitoring lines, on each engine."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        url = server_database(request.param, f"ledger_{request.node.name[5:30]}".replace("[", "_").replace("]", "")
                              .replace("-", "_"))
    engine = make_engine(url)
    metadata.create_all(engine)
    source = make_engine(sample_db_url)
    with source.connect() as read, engine.begin() as write:
        for table in (area, monitoring_line):
            rows = [dict(row._mapping) for row in read.execute(select(table).order_by(*table.primary_key.columns))]
            write.execute(table.insert(), rows)
    source.dispose()
    yield engine
    engine.dispose()


def checksum(engine) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every data table's rows, sorted."""
    sums = {}
    with engine.connect() as connection:
        for table in DATA_TABLES:
            rows = sorted(repr(tuple(_plain(v) for v in row)) for row in connection.execute(select(table)))
            sums[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return sums


def _plain(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def county(engine) -> tuple[str, Scope]:
    with engine.connect() as connection:
        code = connection.execute(select(area.c.code).where(area.c.level == "county")).scalar()
    return code, Scope(roots=((code, "county"),), household_detail=True)


def figures(url: str, engine, asof: dt.date):
    code, scope = county(engine)
    uncached = getattr(village_figures, "__wrapped__", village_figures)  # the page's query, read afresh
    return uncached(url, scope, code, "county", asof).sum()


def test_importing_the_export_gives_the_sample_figures(empty_db, exports, sample_db_url):
    summary = import_ledger(empty_db, exports["last"], imported_by="test")
    assert summary.status == "done", summary.text()
    url = empty_db.url.render_as_string(hide_password=False)
    imported = figures(url, empty_db, SAMPLE_UNTIL)
    sample = figures(sample_db_url, make_engine(sample_db_url), SAMPLE_UNTIL)
    for name in ("exited", "open_cases", "new_cases_year", "under_line"):
        assert imported[name] == sample[name], name
    # A snapshot shows each household's latest case only, and there is no 两不愁 (food/clothing)
    # column: the sample's earlier cases of re-identified households and its food problems drop out.
    with make_engine(sample_db_url).connect() as connection:
        earlier = connection.execute(select(func.count()).select_from(monitoring_case).where(
            monitoring_case.c.eliminated_on <= SAMPLE_UNTIL,
            monitoring_case.c.id.not_in(select(func.max(monitoring_case.c.id)).group_by(
                monitoring_case.c.household_id)))).scalar()
        food = connection.execute(select(func.count()).select_from(guarantee_check).where(
            guarantee_check.c.item == "food_clothing", guarantee_check.c.ok.is_(False),
            guarantee_check.c.checked_on <= SAMPLE_UNTIL,
            (guarantee_check.c.resolved_on.is_(None)) | (guarantee_check.c.resolved_on > SAMPLE_UNTIL))).scalar()
    assert imported["eliminated"] == sample["eliminated"] - earlier
    assert imported["open_problems"] == sample["open_problems"] - food
    with empty_db.connect() as connection:
        people = connection.execute(select(func.count()).select_from(household_member)).scalar()
    assert people == summary.counts["rows_read"]


def test_a_month_later_export_updates_the_figures_and_keeps_the_history(empty_db, exports):
    url = empty_db.url.render_as_string(hide_password=False)
    assert import_ledger(empty_db, exports["before"]).status == "done"
    with empty_db.connect() as connection:
        open_before = {row.id: row for row in connection.execute(
            select(monitoring_case).where(monitoring_case.c.eliminated_on.is_(None)))}
    october = figures(url, empty_db, MONTH_BEFORE)
    assert import_ledger(empty_db, exports["last"]).status == "done"
    with empty_db.connect() as connection:
        after = {row.id: row for row in connection.execute(select(monitoring_case))}
    eliminated_since = [case_id for case_id in open_before if after[case_id].eliminated_on is not None]
    assert eliminated_since, "some case of October is eliminated by November"
    for case_id in eliminated_since:  # the elimination date comes from the later export's own column
        assert MONTH_BEFORE < after[case_id].eliminated_on <= SAMPLE_UNTIL
        assert after[case_id].identified_on == open_before[case_id].identified_on
    # October reads as it did for every dated figure. Household rows carry no dates and a year has
    # one income figure, so the household count and the under-the-line count follow the newer export.
    dated = ["exited", "open_cases", "new_cases_year", "eliminated", "open_problems"]
    assert figures(url, empty_db, MONTH_BEFORE)[dated].equals(october[dated])
    assert figures(url, empty_db, SAMPLE_UNTIL)["open_cases"] != october["open_cases"] or len(after) > len(open_before)


def test_re_importing_the_same_file_changes_nothing(empty_db, exports):
    import_ledger(empty_db, exports["before"])
    import_ledger(empty_db, exports["last"])
    first = checksum(empty_db)
    assert import_ledger(empty_db, exports["last"]).status == "done"
    assert import_ledger(empty_db, exports["before"]).status == "done"  # an older one again: history only
    assert checksum(empty_db) == first
    with empty_db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(import_batch)).scalar() == 4


def _planted(exports: dict[str, Path], target: Path) -> tuple[Path, set[tuple[int, str]]]:
    """The October export with one error of each kind; the (row, code) pairs expected."""
    with open(exports["before"], encoding="utf-8-sig", newline="") as handle:
        grid = list(csv.reader(handle))
    header = grid[2]
    col = {name: header.index(name) for name in header}
    rows_of: dict[str, list[int]] = {}
    for index in range(3, len(grid)):
        rows_of.setdefault(grid[index][col["户编号"]], []).append(index)
    households = list(rows_of)
    expected: set[tuple[int, str]] = set()

    def household_with(predicate) -> list[int]:
        key = next(k for k in households if predicate(grid[rows_of[k][0]]) and k not in used)
        used.add(key)
        return rows_of[key]

    used: set[str] = set()
    rows = household_with(lambda r: True)
    number = grid[rows[0]][col["证件号码"]]
    grid[rows[0]][col["证件号码"]] = number[:17] + ("0" if number[17] != "0" else "1")
    expected.add((rows[0] + 1, "bad_id_number"))
    rows = household_with(lambda r: True)
    for index in rows:
        grid[index][col["村"]] = grid[index][col["村"]][:-1] + "庄"
        expected.add((index + 1, "unknown_village"))
    rows = household_with(lambda r: r[col["识别监测时间"]])
    for index in rows:
        grid[index][col["识别监测时间"]] = "202613"
    expected.add((rows[0] + 1, "bad_date"))
    rows = household_with(lambda r: r[col["消除监测时间"]])
    for index in rows:
        grid[index][col["消除监测时间"]] = "201901"
    expected.add((rows[0] + 1, "eliminated_before_identified"))
    rows = household_with(lambda r: r[col["人均纯收入(元)"]])
    for index in rows:
        grid[index][col["人均纯收入(元)"]] = "八千"
    expected.add((rows[0] + 1, "bad_money"))
    first, second = household_with(lambda r: True), household_with(lambda r: True)
    grid[second[0]][col["证件号码"]] = grid[first[0]][col["证件号码"]]
    expected.add((second[0] + 1, "id_in_two_households"))
    from openpyxl import Workbook

    book = Workbook()
    for line in grid:
        book.active.append([value or None for value in line])
    book.save(target)
    return target, expected


def test_a_file_with_planted_errors_is_refused_row_by_row_and_writes_nothing(empty_db, exports, tmp_path):
    import_ledger(empty_db, exports["before"])
    before = checksum(empty_db)
    path, expected = _planted(exports, tmp_path / "planted.xlsx")
    summary = import_ledger(empty_db, path, imported_by="test")
    assert summary.status == "refused" and summary.exit_code == 2
    found = {(problem.row, problem.code) for problem in summary.errors}
    assert expected <= found
    assert {code for _, code in found} == {code for _, code in expected}
    assert checksum(empty_db) == before
    with empty_db.connect() as connection:
        batch = connection.execute(select(import_batch).order_by(import_batch.c.id.desc())).first()
        assert (batch.status, batch.file_name) == ("refused", "planted.xlsx")
        stored = connection.execute(select(import_problem.c.row, import_problem.c.code).where(
            import_problem.c.batch_id == batch.id, import_problem.c.level == "error")).all()
    assert expected <= set(stored)


def test_check_only_lists_problems_and_writes_nothing(empty_db, exports):
    summary = import_ledger(empty_db, exports["last"], check=True)
    assert summary.status == "checked" and summary.exit_code == 0
    with empty_db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(household)).scalar() == 0
        assert connection.execute(select(import_batch.c.status)).scalar() == "checked"


def test_a_household_missing_from_a_later_export_is_reported_not_deleted(empty_db, exports, tmp_path):
    if empty_db.dialect.name != "sqlite":
        pytest.skip("engine-independent: the same code paths run on sqlite")
    import_ledger(empty_db, exports["before"])
    with open(exports["before"], encoding="utf-8-sig", newline="") as handle:
        grid = list(csv.reader(handle))
    key = grid[2].index("户编号")
    gone = grid[3][key]
    later = tmp_path / "later.csv"
    grid[1] = ["导出时间：2026年11月20日"]
    with open(later, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([row for row in grid if len(row) <= key or row[key] != gone])
    summary = import_ledger(empty_db, later)
    assert summary.status == "done"
    assert [p.value for p in summary.warnings if p.code == "absent_household"] == [gone]
    with empty_db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(household).where(
            household.c.external_id == gone)).scalar() == 1


def test_villages_outside_the_uploaders_areas_are_refused(empty_db, exports):
    if empty_db.dialect.name != "sqlite":
        pytest.skip("engine-independent: the same code paths run on sqlite")
    with empty_db.connect() as connection:
        first = connection.execute(select(area.c.code).where(area.c.level == "township").order_by(area.c.code)).scalar()
    scope = Scope(((first, "township"),), household_detail=True)
    summary = import_ledger(empty_db, exports["before"], within=scope.covers)
    assert summary.status == "refused"
    outside = [p for p in summary.errors if p.code == "outside_scope"]
    assert outside and all(p.column == "村" for p in outside)
    assert {p.code for p in summary.errors} == {"outside_scope"}
    with empty_db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(household)).scalar() == 0
