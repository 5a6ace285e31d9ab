"""The sample county: exact tiling, points inside villages, determinism and the elimination rules."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape
from sqlalchemy import text

from db.engine import make_engine
from db.schema import metadata
from db.task_matrix import unit_code
from rules.elimination import RIGID_SHARE
from sample_data.__main__ import main as cli_main
from sample_data.areas import COUNTY_CODE
from sample_data.dates import add_months
from sample_data.generator import RULE_BREAK_COUNTS, generate
from sample_data.geometry import build_geography
from sample_data.records import last_income_year, monitoring_line
from sample_data.support import family_doctor_rows
from tests.conftest import SERVER_URLS

SEED, HOUSEHOLDS, UNTIL = 7, 3000, dt.date(2026, 11, 20)
# Seed 000's matrix written out by hand: 扶贫办 stands for "扶贫办 (乡村振兴办)", "(乡村振兴办)" and
# "乡村振兴办"; 民政局 (task 13) stays apart from 民政办.
EXPECTED_MATRIX = {
    1: (["扶贫办"], ["农业局", "学区", "民政办", "财政局", "人社中心", "水利科", "城建办", "卫生院"]),
    2: (["学区"], ["财政局", "人社中心"]),
    3: (["社会事务办", "扶贫办"], ["城建办", "民政办", "财政局", "人社中心", "扶贫办", "卫生院"]),
    4: (["危改办"], ["财政局", "扶贫办"]),
    5: (["农业局"], ["财政局", "供水站"]),
    6: (["民政办", "扶贫办"], ["民政办", "学区", "派出所", "人社中心", "农业局", "卫生院", "信访办"]),
    7: (["扶贫办"], ["财政局", "社区"]),
    8: (["农业局"], ["扶贫办", "工会", "财政局"]),
    9: (["人社中心"], ["扶贫办"]),
    10: (["党政办", "扶贫办"], ["学区", "民政办", "财政局", "城建办", "国土所", "环保科", "农业局", "水利科",
                               "经贸局", "文化站", "卫生院", "人社中心", "供电所"]),
    11: (["农业局", "扶贫办"], ["组织部"]),
    12: (["组织部"], ["民政办", "财政局", "农业局"]),
    13: (["财政局"], ["民政局", "农业局", "国土所", "扶贫办"]),
    14: (["组织部", "扶贫办"], ["统战部", "农业局", "经贸局", "民政办"]),
    15: (["扶贫办"], ["组织部", "农业局", "经贸局"]),
    16: (["纪委"], ["党政办", "扶贫办"]),
}


def _build(path, households=HOUSEHOLDS, seed=SEED):
    engine = make_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    counts = generate(engine, households=households, seed=seed, until=UNTIL)
    return engine, counts


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    engine, counts = _build(tmp_path_factory.mktemp("sample") / "a.db")
    yield engine, counts
    engine.dispose()


@pytest.fixture(scope="module")
def db(built):
    return built[0]


@pytest.fixture(scope="module")
def geo():
    return build_geography(SEED)


def q(engine, sql: str, **params) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.read_sql(text(sql), connection, params=params)


def info(engine) -> dict:
    return dict(q(engine, "SELECT key, value FROM dataset_info").values)


def test_villages_tile_the_county_exactly(geo):
    villages = geo.villages
    assert len(villages) >= 190 and len(geo.townships) == 14
    assert all(p.geom_type == "Polygon" and not p.interiors for p in villages + geo.townships)
    total = sum(p.area for p in villages)
    assert abs(total - geo.county.area) <= 1e-9 * geo.county.area
    tree = shapely.STRtree(villages)
    left, right = tree.query(villages, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(np.take(villages, left[pairs]), np.take(villages, right[pairs])))
    assert overlap.max() == 0.0
    assert shapely.union_all(villages).equals(geo.county)
    for index, township in enumerate(geo.townships):
        members = [v for v, t in zip(villages, geo.village_township) if t == index]
        assert shapely.union_all(members).equals(township)


def test_stored_boundaries_still_tile_after_rounding(db, geo):
    rows = q(db, "SELECT a.code, a.level, b.geojson FROM area a LEFT JOIN area_boundary b ON b.area_code = a.code")
    missing = json.loads(info(db)["villages_without_boundary"])
    assert rows[rows.geojson.isna()].code.tolist() == missing and len(missing) == 1
    stored = {code: shape(json.loads(g)) for code, g in rows.dropna()[["code", "geojson"]].values}
    county = stored[COUNTY_CODE]
    assert max(abs(c - round(c, 6)) for c in shapely.get_coordinates(county).ravel()) < 1e-12
    village_codes = rows[rows.level == "village"].code.tolist()
    # The one village without a stored boundary is taken from the generator's geometry.
    point = q(db, "SELECT lon, lat FROM area WHERE code = :code", code=missing[0]).iloc[0]
    absent = next(v for v in geo.villages if v.contains(shapely.Point(point.lon, point.lat)))
    villages = [stored[c] for c in village_codes if c in stored] + [absent]
    assert shapely.coverage_is_valid(np.array(villages, dtype=object))
    assert abs(sum(v.area for v in villages) - county.area) <= 1e-9 * county.area
    assert shapely.union_all(villages).equals(county)
    townships = [stored[c] for c in rows[rows.level == "township"].code]
    assert shapely.union_all(townships).equals(county)


def test_households_and_assets_lie_inside_their_village(db, geo):
    areas = q(db, "SELECT code, lon, lat FROM area WHERE level = 'village'")
    polygon_of = {}
    for code, lon, lat in areas.values:
        polygon_of[code] = next(v for v in geo.villages if v.contains(shapely.Point(lon, lat)))
    for table in ("household", "asset"):
        points = q(db, f"SELECT village_code, lon, lat FROM {table}")
        assert len(points) > 0
        assert (points.lon.round(6) == points.lon).all() and (points.lat.round(6) == points.lat).all()
        for code, group in points.groupby("village_code"):
            inside = shapely.contains_xy(polygon_of[code], group.lon.values, group.lat.values)
            assert inside.all(), (table, code)


def test_area_counts_match_households(db):
    villages = q(db, "SELECT a.code, a.household_count, a.population, COUNT(h.id) AS n, "
                     "COALESCE(SUM(h.size), 0) AS people FROM area a LEFT JOIN household h "
                     "ON h.village_code = a.code WHERE a.level = 'village' GROUP BY a.code, "
                     "a.household_count, a.population")
    assert (villages.household_count == villages.n).all() and (villages.population == villages.people).all()
    totals = q(db, "SELECT level, SUM(household_count) AS hh, SUM(population) AS pop FROM area GROUP BY level")
    assert totals.hh.nunique() == 1 and totals["pop"].nunique() == 1
    counts = q(db, "SELECT kind, COUNT(*) AS n FROM area WHERE level = 'township' GROUP BY kind")
    assert dict(counts.values)["street"] == 1 and counts.n.sum() == 14
    assert q(db, "SELECT COUNT(*) AS n FROM area WHERE is_poverty_village").n[0] >= 20
    villages = q(db, "SELECT name, kind FROM area WHERE level = 'village'")
    assert (villages["kind"] == villages["name"].str.endswith("社区").map({True: "community", False: "village"})).all()
    assert set(villages["kind"]) == {"community", "village"}


def test_same_seed_gives_identical_rows_and_another_seed_differs(db, tmp_path):
    again, _ = _build(tmp_path / "b.db")
    other, _ = _build(tmp_path / "c.db", seed=SEED + 1)
    try:
        for table in metadata.sorted_tables:
            first, second = _dump(db, table.name), _dump(again, table.name)
            assert first == second, table.name
        assert _dump(db, "household") != _dump(other, "household")
        assert _dump(db, "area_boundary") != _dump(other, "area_boundary")
    finally:
        again.dispose()
        other.dispose()


def _dump(engine, table: str) -> list[tuple]:
    with engine.connect() as connection:
        return sorted(tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}")))


def _cases(db) -> pd.DataFrame:
    cases = q(db, "SELECT c.*, h.labor_capacity FROM monitoring_case c JOIN household h ON h.id = c.household_id")
    for column in ("identified_on", "eliminated_on"):
        cases[column] = pd.to_datetime(cases[column]).dt.date
    return cases


def test_rule_breaks_are_exactly_the_documented_cases(db):
    cases = _cases(db)
    done = cases[cases.eliminated_on.notna()]
    same_month = done[[(a.year, a.month) == (b.year, b.month)
                       for a, b in zip(done.identified_on, done.eliminated_on)]]
    later = done.drop(same_month.index)
    too_soon = np.array([e < add_months(i, 6) for i, e in zip(later.identified_on, later.eliminated_on)],
                        dtype=bool)
    short = later[(later.elimination_kind == "stable").to_numpy() & too_soon]
    no_labor = done[done.labor_capacity == "none"]
    found = {"same_month": sorted(same_month.id), "short_stability": sorted(short.id),
             "no_labor_eliminated": sorted(no_labor.id)}
    assert found == json.loads(info(db)["rule_breaks"])
    assert {k: len(v) for k, v in found.items()} == RULE_BREAK_COUNTS
    broken = [i for ids in found.values() for i in ids]
    assert len(broken) == len(set(broken))  # each breaks exactly one rule
    assert (cases[cases.id.isin(broken)].elimination_kind == "stable").all()


def test_case_histories_obey_the_other_rules(db):
    cases = _cases(db).sort_values(["household_id", "identified_on"])
    assert (cases.eliminated_on.dropna() <= UNTIL).all()
    assert (cases.identified_on <= UNTIL).all()
    assert cases.elimination_kind.isna().eq(cases.eliminated_on.isna()).all()
    for _, group in cases.groupby("household_id"):
        assert group.eliminated_on.iloc[:-1].notna().all()  # only the latest case may be open
        ends = group.eliminated_on.iloc[:-1].tolist()
        assert all(e < s for e, s in zip(ends, group.identified_on.iloc[1:]))
    assert set(cases.case_type) == {"unstable", "marginal", "sudden"}
    exited = q(db, "SELECT c.case_type FROM monitoring_case c JOIN household h ON h.id = c.household_id "
                   "WHERE h.poverty_status = 'general'")
    assert "unstable" not in set(exited.case_type)
    recent = cases[cases.identified_on > UNTIL - dt.timedelta(days=56)]
    weeks = {(UNTIL - day).days // 7 for day in recent.identified_on}
    assert weeks == set(range(8))


def test_properly_eliminated_cases_meet_the_elimination_standard(db):
    broken = {i for ids in json.loads(info(db)["rule_breaks"]).values() for i in ids}
    cases = _cases(db)
    proper = cases[cases.eliminated_on.notna() & ~cases.id.isin(broken)]
    assert len(proper) > 20
    income = q(db, "SELECT i.*, h.size FROM household_income i JOIN household h ON h.id = i.household_id")
    income = income.set_index(["household_id", "year"])
    checks = q(db, "SELECT household_id, checked_on, resolved_on FROM guarantee_check WHERE NOT ok")
    checks["checked_on"] = pd.to_datetime(checks.checked_on).dt.date
    checks["resolved_on"] = pd.to_datetime(checks.resolved_on).dt.date
    measures = q(db, "SELECT household_id, started_on FROM assistance")
    measures["started_on"] = pd.to_datetime(measures.started_on).dt.date
    last_year = int(income.index.get_level_values("year").max())
    for case in proper.itertuples():
        if case.eliminated_on.year > last_year:  # the unfinished year's income is not collected yet
            continue
        row = income.loc[(case.household_id, case.eliminated_on.year)]
        assert row.per_capita_net > monitoring_line(case.eliminated_on.year)
        assert row.rigid_expenditure < RIGID_SHARE * row.per_capita_net * row["size"]
        mine = checks[checks.household_id == case.household_id]
        open_then = mine[(mine.checked_on <= case.eliminated_on)
                         & (mine.resolved_on.isna() | (mine.resolved_on > case.eliminated_on))]
        assert open_then.empty, case.id
        starts = measures[measures.household_id == case.household_id].started_on
        window = [case.identified_on <= s <= case.identified_on + dt.timedelta(days=30) for s in starts]
        assert any(window), case.id


def test_income_stops_at_the_last_finished_year(db):
    # Income is collected once a year near its end: a sample made on Nov 20 has none for that year.
    years = q(db, "SELECT DISTINCT year FROM household_income ORDER BY year").year.tolist()
    assert years == list(range(2021, UNTIL.year))
    assert last_income_year(dt.date(2026, 12, 31)) == 2026 and last_income_year(dt.date(2026, 12, 30)) == 2025


def test_income_and_area_income_stop_at_the_last_finished_year(db):
    # The bureau publishes a year's rural income after the year ends: none for the as-of year either.
    years = q(db, "SELECT DISTINCT year FROM area_income ORDER BY year").year.tolist()
    assert years == list(range(2021, UNTIL.year))


def test_family_doctor_contracts_run_a_year_from_its_first_quarter_and_a_few_never_sign():
    until = dt.date(2026, 11, 20)
    rows = family_doctor_rows(list(range(1, 501)), until)
    signed = {row["household_id"] for row in rows}
    assert 440 <= len(signed) < 500  # about UNSIGNED_CHRONIC_SHARE never sign
    for row in rows:
        assert row["kind"] == "health" and row["started_on"].month <= 3
        year_end = dt.date(row["started_on"].year, 12, 31)
        assert row["ended_on"] == (year_end if year_end <= until else None)
    assert all(sum(row["household_id"] == h for row in rows) == until.year - 2020 for h in list(signed)[:20])


def test_followed_households_have_income_checks_and_helpers(db):
    followed = q(db, "SELECT id, helper_name, helper_unit_code FROM household WHERE poverty_status = 'exited' "
                     "OR id IN (SELECT household_id FROM monitoring_case)")
    assert followed.helper_name.notna().all() and followed.helper_unit_code.notna().all()
    others = q(db, "SELECT COUNT(*) AS n FROM household WHERE poverty_status = 'general' "
                   "AND helper_name IS NOT NULL AND id NOT IN (SELECT household_id FROM monitoring_case)")
    assert others.n[0] == 0
    years = q(db, "SELECT household_id, COUNT(*) AS n FROM household_income GROUP BY household_id")
    assert set(years.household_id) == set(followed.id) and (years.n == UNTIL.year - 2021).all()
    checks = q(db, "SELECT ok, issue, resolved_on FROM guarantee_check")
    assert 0.95 < checks.ok.mean() < 0.99
    assert checks[checks.ok == 0].issue.notna().all() and checks[checks.ok == 1].issue.isna().all()
    assert ((checks.ok == 0) & checks.resolved_on.isna()).sum() >= 1


def test_id_numbers_are_well_formed_and_unique(db):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    people = q(db, "SELECT id_number, phone FROM household")
    assert people.id_number.is_unique
    for number in people.id_number:
        assert len(number) == 18 and number.startswith("429999")
        assert 1940 <= int(number[6:10]) <= 2000
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        assert "10X98765432"[sum(int(d) * w for d, w in zip(number[:17], weights)) % 11] == number[17]
    assert people.phone.str.fullmatch(r"1[358]\d{9}").all()


def test_task_units_match_the_seed_matrix_cell_for_cell(db):
    rows = q(db, "SELECT t.seq, tu.role, u.name FROM task_unit tu JOIN task t ON t.code = tu.task_code "
                 "JOIN unit u ON u.code = tu.unit_code")
    actual = {seq: (sorted(g[g.role == "lead"].name), sorted(g[g.role == "responsible"].name))
              for seq, g in rows.groupby("seq")}
    assert actual == {seq: (sorted(lead), sorted(resp)) for seq, (lead, resp) in EXPECTED_MATRIX.items()}
    units = q(db, "SELECT code, name, alias FROM unit")
    assert len(units) == 26 and units.set_index("name").alias["扶贫办"] == "乡村振兴办"
    assert units.set_index("name").code["扶贫办"] == unit_code("扶贫办")
    tasks = q(db, "SELECT code, seq, detail FROM task ORDER BY seq")
    assert tasks.code.tolist() == [f"T{i:02d}" for i in range(1, 17)]
    assert tasks.detail.str.startswith("(").all()


def test_progress_never_falls_and_status_follows_percent(db):
    progress = q(db, "SELECT task_code, unit_code, reported_on, percent, status FROM task_progress "
                     "ORDER BY task_code, unit_code, reported_on")
    for _, group in progress.groupby(["task_code", "unit_code"]):
        assert group.percent.is_monotonic_increasing
    assert (progress[progress.percent >= 100].status == "done").all()
    assert (progress[progress.percent <= 0].status == "not_started").all()
    latest = progress.groupby(["task_code", "unit_code"]).tail(1).status.value_counts()
    assert latest.get("done", 0) > latest.get("at_risk", 0) + latest.get("overdue", 0) > 0


def test_dataset_info_and_cli_refusal(db, built):
    values = info(db)
    assert values["sample"] == "1" and values["seed"] == "7" and values["households"] == str(HOUSEHOLDS)
    assert values["until"] == UNTIL.isoformat() and values["generator_version"]
    assert built[1]["household"] == HOUSEHOLDS
    url = str(db.url)
    assert cli_main(["--db", url, "--households", "10"]) == 2  # holds data, no --replace: refuses
    assert q(db, "SELECT COUNT(*) AS n FROM household").n[0] == HOUSEHOLDS


@pytest.mark.parametrize("server", sorted(SERVER_URLS))
def test_generates_into_database_servers(server, tmp_path, server_database):
    """PostgreSQL and MariaDB get the same row counts as SQLite."""
    engine = make_engine(server_database(server, "generator"))
    try:
        metadata.create_all(engine)
        counts = generate(engine, households=1500, seed=SEED, until=UNTIL)
        local, local_counts = _build(tmp_path / "small.db", households=1500)
        local.dispose()
        assert counts == local_counts
        with engine.connect() as connection:
            quote = engine.dialect.identifier_preparer.quote  # SIGNAL is reserved on MariaDB
            stored = {t.name: connection.execute(text(f"SELECT COUNT(*) FROM {quote(t.name)}")).scalar()
                      for t in metadata.sorted_tables}
        assert stored == local_counts
    finally:
        engine.dispose()


@pytest.mark.parametrize("flag", [[], ["--no-rollups"]])
def test_the_cli_builds_the_rollups_unless_told_not_to(tmp_path, flag, capsys):
    # `make run`'s sample opens with fresh rollups: pages above village level read them and say so.
    from queries.rollups import CASE_SPELLS, rollup_freshness

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli_main(["--db", url, "--households", "300", "--until", UNTIL.isoformat(), *flag]) == 0
    assert ("rollups built" in capsys.readouterr().err) is not bool(flag)
    assert rollup_freshness(url, CASE_SPELLS).fresh is not bool(flag)
