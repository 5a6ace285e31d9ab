"""Fill an empty monitoring database with the fictional sample county 示例县, deterministically.

The same seed, household count and `until` date always give identical rows. Households and their
history are generated and inserted in blocks of villages (at most ~50,000 households each), so a
million households never sit in memory at once.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy import select, text
from sqlalchemy.engine import Connection, Engine

from db import schema
from db.dialects import spec_for
from sample_data import assets_indicators as ai
from sample_data import people, tasks
from sample_data.areas import Township, Village, plan_areas, plan_household_counts
from sample_data.bulk import create_missing_foreign_keys, create_missing_indexes, insert_rows
from sample_data.cases import FLOOD_FIRST, FLOOD_LAST, Case, make_cases
from sample_data.geometry import Geography, build_geography, geojson_text
from sample_data.province import CountyPlan, UpperArea, plan_counties, shifted
from sample_data.households import SIZE_P, HouseholdBlock, assign_helpers, household_rows, make_block
from sample_data.members import MemberIds, member_rows
from sample_data.records import check_rows, followed_households, income_rows
from sample_data import signals as sample_signals
from sample_data.rule_breaks import RULE_BREAK_COUNTS, plant_rule_breaks
from sample_data.support import assistance_rows, family_doctor_rows, visit_rows

GENERATOR_VERSION = "1.6"  # 1.3: household_member; 1.4: department signals; 1.5: unknown people's signals have a county;
# 1.6: family-doctor contracts, relocated households without work, 低保渐退 and 特困 after elimination, no area income for the unfinished year
BLOCK_HOUSEHOLDS = 50_000
Progress = Callable[[float, str], None]
__all__ = ["GENERATOR_VERSION", "RULE_BREAK_COUNTS", "generate"]


def generate(engine: Engine, households: int = 20_000, seed: int = 7, until: dt.date | None = None,
             progress: Progress | None = None, counties: int = 1, cities: int = 1) -> dict:
    """Fill an empty schema (tables already created) and return row counts per table.

    With counties > 1 the top area is a city 示例市, with cities > 1 a province 示例省 (see
    `sample_data.province`); one county gives the classic sample county, row for row.
    """
    if households < 1:
        raise ValueError("households must be at least 1")
    until = until or dt.date.today()
    report = progress or (lambda share, stage: None)
    batch = spec_for(engine.dialect.name).insert_batch_rows
    counts: dict[str, int] = {name: 0 for name in schema.metadata.tables}

    report(0.0, "geometry")
    uppers, plans = plan_counties(households, counties, cities, seed)
    shapes: dict[int, Geography] = {}
    built = [_plan_county(plan, seed, shapes) for plan in plans]
    top_code = uppers[0].code if uppers else plans[0].code
    matrix = tasks.load_matrix()
    task_list, links = tasks.task_rows(matrix, top_code)

    report(0.03, "areas")
    with engine.begin() as connection:
        if connection.execute(select(schema.household.c.id).limit(1)).first() is not None:
            raise ValueError("the database already holds households; generate fills an empty schema")
        area_rows, boundary_rows = _upper_rows(uppers, built)
        for county in built:
            area_rows += _area_rows(county)
            boundary_rows += _boundary_rows(county.geo, county.townships, county.villages, county.missing,
                                            county.plan.code)
        _insert(connection, schema.area, area_rows, batch, counts)
        _insert(connection, schema.area_boundary, boundary_rows, batch, counts)
        _insert(connection, schema.unit, tasks.unit_rows(matrix), batch, counts)
        _insert(connection, schema.task, task_list, batch, counts)
        _insert(connection, schema.task_unit, links, batch, counts)

    state = _RunState(ids=people.IdNumberMaker(np.random.default_rng([seed, 220])))
    done, number = 0, 0
    total_blocks = sum(len(_blocks(county.villages)) for county in built)
    # A block is written while the next one is made: the database (PostgreSQL's COPY, SQLite's steps,
    # which release the GIL) works on the other core while Python makes rows. One block in flight.
    # Progress is reported from this thread only (the first start's bar is a Streamlit element).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sample-writer") as writer:
        pending: Future | None = None
        written: Callable[[float], None] = lambda part: None
        for county in built:
            offset = 0
            for block_villages in _blocks(county.villages):
                block_size = sum(v.households for v in block_villages)
                label = f"households {number + 1}/{total_blocks}"
                start, span = 0.05 + 0.85 * done / households, 0.85 * block_size / households

                def tick(part: float, start=start, span=span, label=label) -> None:
                    report(start + span * part, label)

                rows = _block_rows(number, block_villages, county.sizes[offset:offset + block_size],
                                   county.polygons, county.flood, until, seed, state, tick)
                if pending is not None:
                    pending.result()  # the previous block is in (or its error is raised here)
                    written(1.0)
                pending, written = writer.submit(_write_block, engine, rows, batch, counts), tick
                done += block_size
                offset += block_size
                number += 1
        if pending is not None:
            pending.result()
            written(1.0)

    report(0.92, "tasks and indicators")
    task_rng = random.Random(f"{seed}:tasks")
    milestones = tasks.milestone_rows(links, until, task_rng)
    with engine.begin() as connection:
        _insert(connection, schema.task_milestone, _numbered(milestones), batch, counts)
        progress_rows = tasks.progress_rows(links, milestones, until, task_rng)
        _insert(connection, schema.task_progress, _numbered(progress_rows), batch, counts)
        asset_rows: list[dict] = []
        for county in built:
            rows = _numbered(ai.asset_rows(
                county.villages, county.polygons, until, np.random.default_rng(_key([seed, 400], county)),
                random.Random(_name(f"{seed}:assets", county))), state, "asset")
            _insert(connection, schema.asset, rows, batch, counts)
            asset_rows += rows
        _insert(connection, schema.asset_income_use, _numbered(ai.asset_income_use_rows(asset_rows, until, seed)),
                batch, counts)
        _insert(connection, schema.monitoring_line, ai.monitoring_line_rows(until), batch, counts)
        for county in built:
            _insert(connection, schema.area_income, ai.area_income_rows(
                county.townships, county.population, until, random.Random(_name(f"{seed}:income", county)),
                county.plan.code), batch, counts)
        _insert(connection, schema.income_benchmark, ai.income_benchmark_rows(until), batch, counts)
        _insert(connection, schema.indicator, ai.indicator_rows(), batch, counts)
        for county in built:
            villages_of = {t.code: sum(1 for v in county.villages if v.township == t.index)
                           for t in county.townships}
            _insert(connection, schema.indicator_value, ai.indicator_value_rows(
                county.townships, state.exited_by_township, villages_of, until,
                np.random.default_rng(_key([seed, 500], county)), county.plan.code), batch, counts)

    report(0.94, "indexes")
    create_missing_indexes(engine)
    create_missing_foreign_keys(engine)
    _analyze(engine)
    # Signals after the indexes and statistics: planting them looks people up by 证件号码 once per day
    # of the year, which otherwise scans every household and member (most of a 1M build's time).
    report(0.96, "signals")
    with engine.begin() as connection:
        info = _dataset_info(seed, households, until, state, built, (counties, cities))
        planted = sample_signals.signal_rows(connection, until, seed)
        counts["signal"], counts["signal_review"] = planted["signals"], planted.pop("reviews")
        info.append({"key": "signals", "value": json.dumps(planted), "updated_at": info[0]["updated_at"]})
        _insert(connection, schema.dataset_info, info, batch, counts)
    _analyze(engine)  # the signal tables too
    report(1.0, "done")
    return {name: counts[name] for name in sorted(counts)}


def _analyze(engine: Engine) -> None:
    """Statistics for the planner after a bulk load (PostgreSQL's planner has none before)."""
    analyze = spec_for(engine.dialect.name).analyze_sql
    if analyze:
        with engine.begin() as connection:
            connection.execute(text(analyze))


@dataclass
class _County:
    """One county's plan, shapes, areas and pre-drawn household sizes."""

    plan: CountyPlan
    geo: Geography
    townships: list[Township]
    villages: list[Village]
    sizes: np.ndarray
    polygons: dict
    flood: set[int]
    missing: list[str]
    population: dict[str, int]


def _key(base: list[int], county: _County | CountyPlan) -> list[int]:
    """A numpy seed key: the single-county key for the first county, extended for the others."""
    plan = county.plan if isinstance(county, _County) else county
    return base if plan.number == 0 else [*base, plan.number]


def _name(base: str, county: _County | CountyPlan) -> str:
    plan = county.plan if isinstance(county, _County) else county
    return base if plan.number == 0 else f"{base}:{plan.number}"


def _plan_county(plan: CountyPlan, seed: int, shapes: dict[int, Geography]) -> _County:
    """Shape, areas, household counts and sizes of one county (random streams keyed by its number)."""
    if plan.geography_seed not in shapes:
        shapes[plan.geography_seed] = build_geography(plan.geography_seed)
    geo = shifted(shapes[plan.geography_seed], plan.offset)
    plan_rng = np.random.default_rng(_key([seed, 200], plan))
    townships, villages = plan_areas(geo, plan_rng, plan.code, plan.centre)
    plan_household_counts(villages, plan.households, plan_rng)
    # Household sizes are drawn up front so area rows carry their population before households exist.
    sizes = (np.random.default_rng(_key([seed, 210], plan)).choice(7, size=plan.households, p=SIZE_P)
             + 1).astype(np.int64)
    polygons = {v.code: geo.villages[v.index] for v in villages}
    flood = _flood_townships(geo, townships, random.Random(_name(f"{seed}:flood", plan)))
    missing = _village_without_boundary(villages, townships, random.Random(_name(f"{seed}:missing", plan)))
    population = _population(villages, townships, sizes, plan.code)
    return _County(plan, geo, townships, villages, sizes, polygons, flood, missing, population)


class _RunState:
    """What carries over from one household block to the next: id counters and findings."""

    def __init__(self, ids: people.IdNumberMaker):
        self.ids = ids
        self.next_household = 1
        self.next_id = {"monitoring_case": 1, "guarantee_check": 1, "assistance": 1, "visit": 1,
                        "household_member": 1, "asset": 1}
        self.member_ids = MemberIds()
        self.rule_breaks: dict[str, list[int]] = {name: [] for name in RULE_BREAK_COUNTS}
        self.exited_by_township: dict[str, int] = {}


def _block_rows(number: int, villages: list[Village], sizes: np.ndarray, polygons: dict, flood: set[int],
                until: dt.date, seed: int, state: _RunState,
                tick: Callable[[float], None]) -> dict[str, list[dict]]:
    """Every row of one block of villages, keyed by table name in insertion order."""
    nrng = np.random.default_rng([seed, 300, number])
    prng = random.Random(f"{seed}:block:{number}")
    block = make_block(state.next_household, villages, sizes, polygons, state.ids, nrng)
    state.next_household += len(block)
    cases = make_cases(block, until, flood, prng, nrng, top_up_recent=number == 0)
    if number == 0:  # the planted breaks live in the first block, so their count never varies
        plant_rule_breaks(cases, block, until, prng)
    cases.sort(key=lambda c: (c.identified, c.household))
    cases_of: dict[int, list[Case]] = {}
    for case in cases:
        case.id = state.next_id["monitoring_case"]
        state.next_id["monitoring_case"] += 1
        cases_of.setdefault(case.household, []).append(case)
        if case.rule_break:
            state.rule_breaks[case.rule_break].append(case.id)
    helped = block.exited.copy()
    helped[list(cases_of)] = True
    assign_helpers(block, helped, nrng)
    _count_exited(block, villages, state)
    followed = followed_households(block, cases_of)
    tick(0.1)
    rows: dict[str, list[dict]] = {
        "household": household_rows(block),
        # Its own random stream, so adding members left every other table's rows as they were.
        "household_member": member_rows(block, state.next_id["household_member"], state.member_ids, until,
                                        random.Random(f"{seed}:members:{number}")),
        "monitoring_case": [_case_row(block, c) for c in cases],
        "case_risk": [{"case_id": c.id, "risk_code": r} for c in cases for r in c.risks],
        "household_income": income_rows(block, followed, cases_of, until, prng),
    }
    state.next_id["household_member"] += len(rows["household_member"])
    tick(0.2)
    checks = check_rows(block, followed, cases_of, until, prng)
    rows["guarantee_check"] = _numbered(checks, state, "guarantee_check")
    tick(0.3)
    measures = assistance_rows(block, followed, cases_of, until, prng)
    # Family-doctor contracts, except where a case is planted without any measure (early warnings).
    chronic = {member["household_id"] for member in rows["household_member"] if member["health"] == "chronic"}
    planted = {int(block.ids[h]) for h, held in cases_of.items() if any(c.no_measure for c in held)}
    signing = sorted((chronic & {int(block.ids[h]) for h in followed}) - planted)
    measures += family_doctor_rows(signing, until)
    rows["assistance"] = _numbered(measures, state, "assistance")
    rows["visit"] = _numbered(visit_rows(block, followed, cases_of, until, prng), state, "visit")
    tick(0.4)
    return rows


def _count_exited(block: HouseholdBlock, villages: list[Village], state: _RunState) -> None:
    per_village = np.bincount(block.village[block.exited], minlength=len(villages))
    for village, exited in zip(villages, per_village.tolist()):
        code = village.code[:9] + "000"
        state.exited_by_township[code] = state.exited_by_township.get(code, 0) + exited


def _case_row(block: HouseholdBlock, case: Case) -> dict:
    return {"id": case.id, "household_id": int(block.ids[case.household]), "case_type": case.case_type,
            "identified_on": case.identified, "eliminated_on": case.eliminated, "elimination_kind": case.kind}


def _numbered(rows: list[dict], state: _RunState | None = None, table: str | None = None) -> list[dict]:
    """Give rows sequential ids (continuing the run's counter for household-level tables)."""
    start = state.next_id[table] if state else 1
    for offset, row in enumerate(rows):
        row["id"] = start + offset
    if state:
        state.next_id[table] = start + len(rows)
    return rows


def _write_block(engine: Engine, rows: dict[str, list[dict]], batch: int, counts: dict[str, int]) -> None:
    """One block's rows, table by table, in one transaction (on the writer thread: no progress calls)."""
    with engine.begin() as connection:
        for table_name, table_rows in rows.items():
            _insert(connection, schema.metadata.tables[table_name], table_rows, batch, counts)


def _insert(connection: Connection, table, rows: list[dict], batch: int, counts: dict[str, int]) -> None:
    for start in range(0, len(rows), batch):
        insert_rows(connection, table, rows[start:start + batch])
    counts[table.name] += len(rows)


def _blocks(villages: list[Village]) -> list[list[Village]]:
    """Consecutive villages (in code order) grouped into blocks of at most ~50,000 households."""
    blocks: list[list[Village]] = [[]]
    size = 0
    for village in villages:
        if blocks[-1] and size + village.households > BLOCK_HOUSEHOLDS:
            blocks.append([])
            size = 0
        blocks[-1].append(village)
        size += village.households
    return blocks


def _population(villages: list[Village], townships: list[Township], sizes: np.ndarray,
                county_code: str) -> dict[str, int]:
    """Population per area code (villages, townships, county) from the pre-drawn sizes."""
    village_of = np.repeat(np.arange(len(villages)), [v.households for v in villages])
    totals = np.bincount(village_of, weights=sizes, minlength=len(villages)).round().astype(np.int64)
    population = {village.code: int(total) for village, total in zip(villages, totals.tolist())}
    for township in townships:
        population[township.code] = sum(population[v.code] for v in villages if v.township == township.index)
    population[county_code] = int(sizes.sum())
    return population


def _upper_rows(uppers: list[UpperArea], counties: list[_County]) -> tuple[list[dict], list[dict]]:
    """Area and boundary rows of the province and cities: sums and unions of their counties."""
    areas, boundaries = [], []
    for upper in uppers:
        members = [c for c in counties if c.plan.parent_code == upper.code or upper.level == "province"]
        outline = shapely.union_all([c.geo.county for c in members])
        rep = outline.representative_point()
        areas.append({"code": upper.code, "name": upper.name, "level": upper.level,
                      "parent_code": upper.parent_code, "lon": round(rep.x, 6), "lat": round(rep.y, 6),
                      "is_poverty_village": False, "village_class": None,
                      "population": sum(c.population[c.plan.code] for c in members),
                      "household_count": sum(c.plan.households for c in members), "kind": None})
        boundaries.append({"area_code": upper.code, "geojson": geojson_text(outline)})
    return areas, boundaries


def _area_rows(county: _County) -> list[dict]:
    """County, townships and villages (parents first, so foreign keys hold row by row)."""
    geo, townships, villages, population = county.geo, county.townships, county.villages, county.population
    code = county.plan.code

    def point(polygon) -> tuple[float, float]:
        rep = polygon.representative_point()
        return round(rep.x, 6), round(rep.y, 6)

    households_in = {t.code: sum(v.households for v in villages if v.township == t.index) for t in townships}
    lon, lat = point(geo.county)
    rows = [{"code": code, "name": county.plan.name, "level": "county", "parent_code": county.plan.parent_code,
             "lon": lon, "lat": lat, "is_poverty_village": False, "village_class": None,
             "population": population[code], "household_count": sum(households_in.values()),
             "kind": None}]
    for t in sorted(townships, key=lambda t: t.code):
        lon, lat = point(geo.townships[t.index])
        rows.append({"code": t.code, "name": t.name, "level": "township", "parent_code": code,
                     "lon": lon, "lat": lat, "is_poverty_village": False, "village_class": None,
                     "population": population[t.code], "household_count": households_in[t.code], "kind": t.kind})
    code_of = {t.index: t.code for t in townships}
    for v in villages:
        lon, lat = point(geo.villages[v.index])
        rows.append({"code": v.code, "name": v.name, "level": "village", "parent_code": code_of[v.township],
                     "lon": lon, "lat": lat, "is_poverty_village": v.is_poverty, "village_class": v.village_class,
                     "population": population[v.code], "household_count": v.households,
                     "kind": "community" if v.is_community else "village"})
    return rows


def _boundary_rows(geo: Geography, townships: list[Township], villages: list[Village],
                   missing: list[str], county_code: str) -> list[dict]:
    rows = [{"area_code": county_code, "geojson": geojson_text(geo.county)}]
    rows += [{"area_code": t.code, "geojson": geojson_text(geo.townships[t.index])}
             for t in sorted(townships, key=lambda t: t.code)]
    rows += [{"area_code": v.code, "geojson": geojson_text(geo.villages[v.index])}
             for v in villages if v.code not in missing]
    return rows


def _flood_townships(geo: Geography, townships: list[Township], rng: random.Random) -> set[int]:
    """Two neighbouring rural townships hit by the July 2023 flood."""
    kind = {t.index: t.kind for t in townships}
    neighbours: dict[int, set[int]] = {}
    for v, adjacent in enumerate(geo.village_adjacency):
        for w in adjacent:
            a, b = geo.village_township[v], geo.village_township[w]
            if a != b:
                neighbours.setdefault(a, set()).add(b)
    first = rng.choice(sorted(t.index for t in townships if kind[t.index] == "town"))
    second = rng.choice(sorted(n for n in neighbours[first] if kind[n] != "street"))
    return {first, second}


def _village_without_boundary(villages: list[Village], townships: list[Township],
                              rng: random.Random) -> list[str]:
    """One ordinary village whose boundary is left out, so the map's "no boundary" path shows."""
    towns = {t.index for t in townships if t.kind == "town"}
    candidates = [v.code for v in villages if v.township in towns and not v.is_community
                  and not v.is_poverty and v.village_class == "overall"]
    return [rng.choice(candidates)]


def _dataset_info(seed: int, households: int, until: dt.date, state: _RunState, counties: list[_County],
                  shape: tuple[int, int]) -> list[dict]:
    missing = [code for county in counties for code in county.missing]
    flooded = [t.code for county in counties for t in county.townships if t.index in county.flood]
    stamp = dt.datetime.combine(until, dt.time())  # not the wall clock: rows must be reproducible
    values = {
        "sample": "1", "seed": str(seed), "households": str(households), "until": until.isoformat(),
        "generator_version": GENERATOR_VERSION,
        "rule_breaks": json.dumps({k: sorted(v) for k, v in state.rule_breaks.items()}),
        "villages_without_boundary": json.dumps(missing),
        "flood_surge": json.dumps({"townships": sorted(flooded),
                                   "from": FLOOD_FIRST.isoformat(), "to": FLOOD_LAST.isoformat()}),
    }
    if shape != (1, 1):  # only a multi-county run says so: the classic sample stays row for row
        values["counties"], values["cities"] = str(shape[0]), str(shape[1])
    return [{"key": k, "value": v, "updated_at": stamp} for k, v in values.items()]
