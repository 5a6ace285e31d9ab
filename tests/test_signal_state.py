"""The per-signal state rollup (db.signal_state): the signal figures read from it equal the row
queries (the oracle) on every engine, at several dates and areas; the app's own writes keep it
current in their transaction; a review or signal another system writes makes it stale (the rows
answer, the page says so) until an import or refresh-rollups catches up; an older table is made again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
import itertools

import pandas as pd
import pytest
from sqlalchemy import func, insert, select, text

from db.engine import make_engine
from db.imports.signals import import_signals, link_cases
from db.rollup_schema import rollup_signal_state
from db.rollups import rebuild
from db.schema import area, monitoring_case, signal, signal_review
from db.signal_state import catch_up
from queries import signals as signal_queries
from queries.gateway import clear_caches
from queries.scope import Scope
from queries.signal_source import rows_source, signal_state_freshness
from tests.conftest import build_sample, copy_sample, read_table
from tests.test_signals import held_out_people, write_file

# The sample's last day, a month end, mid-year and a year end (signals span the last year).
ASOF_DATES = (dt.date(2026, 11, 20), dt.date(2026, 10, 31), dt.date(2026, 6, 15), dt.date(2025, 12, 31))
_DATABASES = itertools.count()  # a server database per test: the app's pooled engine keeps the last one open


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def own_db(request, sample_db_url, server_database, tmp_path) -> str:
    """A private copy of the sample on each engine (these tests write), the rollup not yet built."""
    if request.param == "sqlite":
        copy_sample(sample_db_url, tmp_path / "state.db")
        return f"sqlite:///{tmp_path / 'state.db'}"
    return build_sample(server_database(request.param, f"signal_state{next(_DATABASES)}"))


def _areas(url: str) -> list[tuple[str, str, str]]:
    """The top area, its first township and the village with most signals: (code, level, child level)."""
    areas = read_table(url, "area")
    top = areas[areas["parent_code"].isna()].iloc[0]
    township = areas.loc[areas["level"] == "township", "code"].min()
    villages = read_table(url, "signal")["area_code"]
    village = villages[villages.isin(areas.loc[areas["level"] == "village", "code"])].value_counts().index[0]
    return [(str(top["code"]), str(top["level"]), "township"), (township, "township", "village"),
            (str(village), "village", "village")]


def _figures(url: str) -> dict:
    """Every signal figure the pages, the cockpit and the briefing ask for, per date and area."""
    clear_caches()
    areas = _areas(url)
    scope = Scope(roots=((areas[0][0], areas[0][1]),), household_detail=True)
    households = sorted(read_table(url, "signal")["household_id"].dropna().astype(int).unique())[:12]
    found = {}
    for asof in ASOF_DATES:
        for code, level, child in areas:
            at = (url, scope, code, level)
            for since in (asof - dt.timedelta(days=365), dt.date(2026, 1, 1)):
                found[asof, code, "funnel", since] = signal_queries.funnel(*at, asof, since)
                found[asof, code, "median", since] = signal_queries.median_days_to_verify(*at, asof, since)
                found[asof, code, "monthly", since] = signal_queries.monthly(*at, asof, since)
            for days in (15, 30):
                found[asof, code, "overdue", days] = signal_queries.overdue_count(*at, asof, days)
                found[asof, code, "overdue_by_area", days] = signal_queries.overdue_by_area(*at, child, asof, days)
            found[asof, code, "open"] = signal_queries.open_by_village(*at, asof)
            found[asof, code, "pending"] = signal_queries.pending_list(*at, asof)
            found[asof, code, "verified"] = signal_queries.verified_list(*at, asof)
        for household_id in households:
            found[asof, "household", household_id] = signal_queries.household_signals(url, scope, int(household_id),
                                                                                      asof)
    return found


def _oracle(url: str, monkeypatch) -> dict:
    """The figures from the rows, whatever state the rollup is in."""
    with monkeypatch.context() as patch:
        patch.setattr(signal_queries, "signal_source", lambda _db: rows_source())
        return _figures(url)


def _assert_same(found: dict, expected: dict) -> None:
    assert found.keys() == expected.keys()
    for key, value in expected.items():
        if isinstance(value, (pd.DataFrame, pd.Series)):
            (pd.testing.assert_frame_equal if isinstance(value, pd.DataFrame) else pd.testing.assert_series_equal)(
                found[key], value, obj=str(key))
        else:
            assert found[key] == value, key


def _state_rows(url: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = sorted(tuple(row) for row in connection.execute(select(rollup_signal_state)))
    engine.dispose()
    return rows


def _fresh(url: str) -> bool:
    clear_caches()
    return signal_state_freshness(url).fresh


def test_the_rollup_figures_equal_the_row_queries_at_several_dates(own_db, monkeypatch):
    assert not _fresh(own_db), "never built: the figures read the rows"
    oracle = _figures(own_db)
    assert sum(value["verified"] for key, value in oracle.items() if key[2] == "funnel") > 0
    assert sum(value for key, value in oracle.items() if key[2] == "overdue") > 0
    assert any(not value.empty for key, value in oracle.items() if key[2] in ("pending", "verified", "open"))
    assert any(value is not None for key, value in oracle.items() if key[2] == "median")
    engine = make_engine(own_db)
    rebuild(engine)
    engine.dispose()
    assert _fresh(own_db)
    with monkeypatch.context() as patch:  # the figures must come from the rollup now
        patch.setattr("queries.signal_source._latest_review", lambda: pytest.fail("read the review rows"))
        from_rollup = _figures(own_db)
    _assert_same(from_rollup, oracle)


def test_a_verification_in_the_app_keeps_the_rollup_current(own_db, monkeypatch):
    engine = make_engine(own_db)
    rebuild(engine)
    engine.dispose()
    top, level, _child = _areas(own_db)[0]
    scope = Scope(roots=((top, level),), household_detail=True)
    clear_caches()
    waiting = signal_queries.pending_list(own_db, scope, top, level, ASOF_DATES[0])
    signal_id = int(waiting["signal_id"].iloc[0])
    signal_queries.record_verification(own_db, scope, signal_id, outcome="not_included", verified_on=ASOF_DATES[0],
                                       reviewer="核实员", note="", case_id=None, recorded_by="township")
    assert _fresh(own_db), "written with its state in one transaction"
    _assert_same(_figures(own_db), _oracle(own_db, monkeypatch))
    assert signal_id not in set(signal_queries.pending_list(own_db, scope, top, level, ASOF_DATES[0])["signal_id"])


def test_another_writer_makes_it_stale_until_an_import_catches_up(own_db, monkeypatch, tmp_path):
    engine = make_engine(own_db)
    rebuild(engine)
    built = _state_rows(own_db)
    top, level, _child = _areas(own_db)[0]
    scope = Scope(roots=((top, level),), household_detail=True)
    clear_caches()
    waiting = signal_queries.pending_list(own_db, scope, top, level, ASOF_DATES[0]).iloc[0]
    with engine.begin() as connection:  # the county's own system records a verification
        connection.execute(insert(signal_review).values(
            signal_id=int(waiting["signal_id"]), area_code=str(waiting["village_code"]),
            sent_on=pd.Timestamp(waiting["received_on"]).date(), verified_on=ASOF_DATES[0], outcome="duplicate",
            recorded_by="county system", recorded_at=dt.datetime(2026, 11, 20, 9, 0)))
    assert not _fresh(own_db), "a review the rollup does not hold: the figures read the rows"
    assert signal_queries.funnel(own_db, scope, top, level, ASOF_DATES[0], ASOF_DATES[0] - dt.timedelta(days=365)) \
        == _oracle(own_db, monkeypatch)[ASOF_DATES[0], top, "funnel", ASOF_DATES[0] - dt.timedelta(days=365)]
    path = tmp_path / "health.csv"  # a department file: its import catches up the review above too
    write_file(path, held_out_people(own_db, count=20))
    summary = import_signals(engine, path, "health", received=ASOF_DATES[0], imported_by="test")
    assert summary.status == "done", summary.text()
    assert _fresh(own_db)
    caught_up = _state_rows(own_db)
    assert len(caught_up) > len(built) and caught_up != built
    rebuild(engine)
    assert _state_rows(own_db) == caught_up, "a catch-up ends where a rebuild ends"
    with engine.begin() as connection:  # another system adds a signal: stale until catch_up
        row = dict(connection.execute(select(signal).order_by(signal.c.id.desc()).limit(1)).one()._mapping)
        connection.execute(insert(signal).values({**row, "id": row["id"] + 1, "kind": "other_kind"}))
    assert not _fresh(own_db)
    assert catch_up(engine) == 1
    assert _fresh(own_db)
    _assert_same(_figures(own_db), _oracle(own_db, monkeypatch))
    engine.dispose()


def test_a_linked_case_refreshes_its_signal_in_the_same_transaction(own_db):
    engine = make_engine(own_db)
    rebuild(engine)
    top, level, _child = _areas(own_db)[0]
    scope = Scope(roots=((top, level),), household_detail=True)
    clear_caches()
    target = signal_queries.pending_list(own_db, scope, top, level, ASOF_DATES[0]).iloc[-1]
    with engine.begin() as connection:
        case_id = int(connection.execute(select(func.max(monitoring_case.c.id))).scalar()) + 1
        connection.execute(monitoring_case.insert().values(
            id=case_id, household_id=int(target["household_id"]), case_type="sudden",
            identified_on=pd.Timestamp(target["received_on"]).date() + dt.timedelta(days=3)))
        assert link_cases(connection, days=60) >= 1
    engine.dispose()
    assert _fresh(own_db)
    state = {row[0]: row for row in _state_rows(own_db)}[int(target["signal_id"])]
    assert (state[8], state[9]) == ("included", case_id)


def test_a_table_made_by_another_version_is_made_again_and_read_from_the_rows_until_then(sample_db_url, tmp_path):
    copy_sample(sample_db_url, tmp_path / "older.db")
    url = f"sqlite:///{tmp_path / 'older.db'}"
    engine = make_engine(url)
    rebuild(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE rollup_signal_state"))
        connection.execute(text("CREATE TABLE rollup_signal_state (signal_id INTEGER PRIMARY KEY, review_id INTEGER)"))
    assert not _fresh(url), "other columns: the figures read the rows"
    assert catch_up(engine) == 0, "never half-filled"
    rebuild(engine)
    assert _fresh(url) and len(_state_rows(url)) == len(read_table(url, "signal"))
    engine.dispose()


def test_the_signals_page_says_which_source_its_figures_come_from(sample_db_url, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from labels import t
    from tests.conftest import APP

    copy_sample(sample_db_url, tmp_path / "caption.db")
    url = f"sqlite:///{tmp_path / 'caption.db'}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)

    def captions() -> str:
        clear_caches()
        test = AppTest.from_file(APP, default_timeout=90)
        test.query_params["asof"] = "2026-11-20"
        test.run()
        test.switch_page(str(Path(APP).parent / "views" / "signals.py"))
        test.run()
        assert not test.exception
        return "\n".join(str(caption.value) for caption in test.caption)

    assert t("rollups.signals_missing") in captions()
    engine = make_engine(url)
    rebuild(engine)
    shown = captions()
    assert "核实状态读取汇总表" in shown and "明细" not in shown and t("rollups.signals_missing") not in shown
    with engine.begin() as connection:
        newest = connection.execute(select(signal_review).order_by(signal_review.c.id.desc()).limit(1)).one()._mapping
        connection.execute(insert(signal_review).values({**dict(newest), "id": newest["id"] + 1, "note": "外部系统"}))
    engine.dispose()
    assert "其他系统写入" in captions()
