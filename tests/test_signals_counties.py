"""Department signals in a database of two counties: every signal belongs to an area, and a county's
signals of unknown people are seen by that county (and the city above it) only."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from db.engine import make_engine
from db.imports.signals import import_signals
from queries.scope import Scope, ScopeError
from queries.signals import funnel, new_signals, received_by_department
from sample_data.people import check_digit
from tests.conftest import SAMPLE_UNTIL, read_table

ASOF = dt.date(2026, 11, 30)
YEAR = dt.timedelta(days=365)


@pytest.fixture(scope="module")
def two_counties(tmp_path_factory) -> str:
    """示例市 with two counties on SQLite (the import tests write into it)."""
    from db.schema import metadata
    from sample_data.generator import generate

    url = f"sqlite:///{tmp_path_factory.mktemp('two-counties') / 'two.db'}"
    engine = make_engine(url)
    metadata.create_all(engine)
    generate(engine, households=1200, seed=7, until=SAMPLE_UNTIL, counties=2, cities=1)
    engine.dispose()
    return url


def _areas(url: str) -> tuple[str, list[str]]:
    areas = read_table(url, "area")
    city = str(areas.loc[areas["level"] == "city", "code"].iloc[0])
    return city, sorted(areas.loc[areas["level"] == "county", "code"])


def _scope(code: str, level: str) -> Scope:
    return Scope(roots=((code, level),), household_detail=True)


def _received(url: str, code: str, level: str) -> int:
    return funnel(url, _scope(code, level), code, level, ASOF, ASOF - YEAR)["received"]


def _stranger(number: int) -> str:
    first17 = f"4299961980{number % 10}101{number % 1000:03d}"[:17]
    return first17 + check_digit(first17)


def _file(path, ids: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["姓名", "身份证号码", "发生日期"])
        for id_number in ids:
            writer.writerow(["某某", id_number, "2026-11-25"])


def test_every_signal_has_an_area_and_each_county_counts_its_own(two_counties):
    city, counties = _areas(two_counties)
    assert len(counties) == 2
    signals = read_table(two_counties, "signal")
    assert signals["area_code"].notna().all()
    unknown = signals[signals["match"] == "unknown"]
    assert not unknown.empty and set(unknown["area_code"]) <= set(counties)  # each with the county that got it
    received = __import__("pandas").to_datetime(signals["received_on"]).dt.date
    recent = signals[(received >= ASOF - YEAR) & (received <= ASOF)]
    for county in counties:  # an independent count: the stored area codes' county prefix
        mine = recent[recent["area_code"].str[:6] == county[:6]]
        assert _received(two_counties, county, "county") == len(mine)
        table = received_by_department(two_counties, _scope(county, "county"), county, "county", ASOF)
        assert int(table["year"].sum()) == len(mine)
    assert _received(two_counties, city, "city") == len(recent)
    # A county viewer cannot ask for the other county.
    with pytest.raises(ScopeError):
        new_signals(two_counties, _scope(counties[0], "county"), counties[1], "county", ASOF)


def test_an_import_belongs_to_the_county_it_was_received_for(two_counties, tmp_path):
    city, (first, second) = _areas(two_counties)
    path = tmp_path / "police.csv"
    households = read_table(two_counties, "household")
    neighbour = str(households.loc[households["village_code"].str[:6] == second[:6], "id_number"].dropna().iloc[0])
    _file(path, [_stranger(n) for n in range(5)] + [neighbour])
    engine = make_engine(two_counties)
    try:
        unnamed = import_signals(engine, path, "police", received=ASOF)  # two counties: which one got it?
        assert unnamed.status == "refused" and [p.code for p in unnamed.errors] == ["no_area"]
        before = {code: _received(two_counties, code, "county") for code in (first, second)}
        funnel.clear()
        summary = import_signals(engine, path, "public_security", received=ASOF, area_code=first)
    finally:
        engine.dispose()
    assert summary.status == "done", summary.text()
    # The neighbouring county's resident is not matched from the first county's file: unknown there.
    assert summary.counts["signals_unknown"] == 6 and summary.counts["added"] == 6
    funnel.clear()
    assert _received(two_counties, first, "county") == before[first] + 6
    assert _received(two_counties, second, "county") == before[second]
    stored = read_table(two_counties, "signal")
    assert set(stored.loc[stored["received_on"].astype(str).str[:10] == ASOF.isoformat(), "area_code"]) == {first}
