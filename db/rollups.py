"""Build and refresh the rollup tables from the contract tables (full, or only some villages)."""

from __future__ import annotations

import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import (Date, Integer, String, Table, and_, case, cast, delete, exists, extract, false, func, insert,
                        inspect, literal, null, or_, select, true, type_coerce)
from sqlalchemy.engine import Connection, Engine

from db.compliance_sql import candidates_statement
from db.dialects import spec_for
from db.quality_sql import (DAY_CHECKS, STANDING_CHECKS, check_conditions, id_fails, people,
                            shared_id_numbers)
from db.day_figure_sql import family_statements, figure_name
from db import signal_state
from db.rollup_schema import (ROLLUP_TABLES, rollup_bad_id, rollup_case_mix, rollup_case_month, rollup_case_spell,
                              rollup_check_household, rollup_day, rollup_day_figure, rollup_finding, rollup_income_bin,
                              rollup_income_bin_area, rollup_problem_month, rollup_problem_spell, rollup_shared_id,
                              rollup_signal_state, rollup_state, rollup_under_line, rollup_village,
                              rollup_village_unit, rollup_warning, rollup_warning_row)
from db.schema import (case_risk, guarantee_check, household, household_income, household_member, metadata,
                       monitoring_case, monitoring_line)
from db.upgrade import out_of_shape, upgrade
from db.warning_sql import EVENT_START, NEWEST_BY, STATEMENTS, income_year_statement
from rules.calendar import WEEK
from rules.compliance import compliance_findings



def shape_name(tables: Sequence[Table]) -> str:
    """The state row's name: it carries a digest of the rollup tables and their columns, so a database
    whose rollups an older version built (another table set or columns) is read from the rows until
    refresh-rollups runs, instead of a page failing on a missing column."""
    shape = ";".join(f"{table.name}:{','.join(sorted(table.columns.keys()))}" for table in
                     sorted(tables, key=lambda table: table.name))
    return "village_rollups_" + hashlib.sha256(shape.encode("utf-8")).hexdigest()[:10]


# One state row covers every rollup table: they are always refreshed together (before the digest:
# "case_spell", "village_rollups", "village_rollups_mix").
CASE_SPELLS = shape_name([metadata.tables[name] for name in ROLLUP_TABLES])
REGISTER_COLUMNS = ["day", "rule", "village_code", "household_id", "item", "newest"]
VILLAGE_CHUNK = 500  # villages per IN list: well under every engine's bound-parameter limit


def _in_villages(villages: list[str] | None):
    """The households a fill covers: every one (a full rebuild), or those of the listed villages."""
    return true() if villages is None else household.c.village_code.in_(villages)


def _case_spell_select(split: str, villages: list[str] | None):
    """SELECT of the spell rows of one breakdown, for every village or the listed ones."""
    case_ = monitoring_case.c
    joined = monitoring_case.join(household, household.c.id == case_.household_id)
    if split == "risk":
        joined, key = joined.join(case_risk, case_risk.c.case_id == case_.id), case_risk.c.risk_code
    else:
        key = case_.case_type
    columns = [household.c.village_code, literal(split).label("split"), key.label("key"), case_.elimination_kind,
               case_.identified_on, case_.eliminated_on]
    statement = select(*columns, func.count().label("n"), func.sum(household.c.size).label("people")).select_from(joined)
    statement = statement.where(_in_villages(villages))
    return statement.group_by(*columns)


def risk_mix(codes: Iterable[str]) -> str:
    """A case's risk types as rollup_case_mix.risks: sorted, a comma at both ends (none: ",")."""
    return "," + "".join(f"{code}," for code in sorted(set(codes)))


def _reentries(cases: list[tuple]) -> set[int]:
    """Ids of the cases identified on or after an elimination of another case of the same household
    (queries.elimination_quality's re-entry; cases are (id, household id, identified, eliminated))."""
    eliminated_by_household: dict[int, list[tuple[int, object]]] = defaultdict(list)
    for case_id, household_id, _identified, eliminated in cases:
        if eliminated is not None:
            eliminated_by_household[household_id].append((case_id, eliminated))
    return {case_id for case_id, household_id, identified, _eliminated in cases
            if any(other != case_id and day <= identified for other, day in eliminated_by_household[household_id])}


def _case_mix_rows(connection: Connection, villages: list[str] | None) -> list[dict]:
    """Cases per village, case type, risk combination, dates and re-entry, with their households'
    members (combined in Python: the engines have no common string aggregate)."""
    c = monitoring_case.c
    where = _in_villages(villages)
    joined = monitoring_case.join(household, household.c.id == c.household_id)
    risks: dict[int, list[str]] = defaultdict(list)
    for case_id, code in connection.execute(select(case_risk.c.case_id, case_risk.c.risk_code).select_from(
            case_risk.join(joined, c.id == case_risk.c.case_id)).where(where)):
        risks[case_id].append(code)
    cases = connection.execute(select(c.id, c.household_id, household.c.village_code, c.case_type, c.identified_on,
                                      c.eliminated_on, household.c.size).select_from(joined).where(where)).all()
    again = _reentries([(row.id, row.household_id, row.identified_on, row.eliminated_on) for row in cases])
    counted: Counter = Counter()
    people: Counter = Counter()
    for row in cases:
        key = (row.village_code, row.case_type, risk_mix(risks.get(row.id, ())), row.identified_on, row.eliminated_on,
               int(row.id in again))
        counted[key] += 1
        people[key] += int(row.size or 0)
    return [{"village_code": village, "case_type": case_type, "risks": mix, "identified_on": identified,
             "eliminated_on": eliminated, "reentry": reentry, "n": n, "people": people[key]}
            for key, n in counted.items() for village, case_type, mix, identified, eliminated, reentry in [key]]


def _finding_rows(connection: Connection, villages: list[str] | None) -> list[dict]:
    """Findings per village, rule and elimination day: the SQL narrows, rules.compliance decides."""
    where = _in_villages(villages)
    statement = candidates_statement(where, "county", None)
    result = connection.execute(statement)
    candidates = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    findings = compliance_findings(candidates)
    counted = Counter(zip(findings["village_code"], findings["rule"], findings["eliminated_on"]))
    return [{"village_code": village, "rule": rule_code, "eliminated_on": day, "n": n}
            for (village, rule_code, day), n in counted.items()]


def _village_select(villages: list[str] | None):
    """SELECT of the households per village now, and how many of them have exited poverty."""
    h = household.c
    exited = func.sum(case((h.poverty_status == "exited", 1), else_=0))
    statement = select(h.village_code, func.count().label("households"), exited.label("exited"))
    statement = statement.where(_in_villages(villages))
    return statement.group_by(h.village_code)


INCOME_BIN_YUAN = 10  # queries.trend_income.BIN_YUAN (a test holds them equal: db may not import queries)


def _income_bin_select(villages: list[str] | None):
    """SELECT of the exited households' income per village, year and bin (the trends histogram's rows)."""
    income, h = household_income.c, household.c
    under = case((income.per_capita_net < monitoring_line.c.amount, 1), else_=0)
    bin_ = cast(func.floor(income.per_capita_net / INCOME_BIN_YUAN), Integer)
    joined = (household_income.join(household, h.id == income.household_id)
              .outerjoin(monitoring_line, monitoring_line.c.year == income.year))
    statement = (select(h.village_code, income.year, bin_.label("bin"), func.count().label("households"),
                        func.sum(h.size).label("people"), func.sum(income.per_capita_net * h.size).label("income"),
                        func.sum(under).label("under_line"))
                 .select_from(joined).where(h.poverty_status == "exited"))
    statement = statement.where(_in_villages(villages))
    return statement.group_by(h.village_code, income.year, bin_)


def _under_line_select(villages: list[str] | None):
    """SELECT of the households per village and year under that year's monitoring line."""
    income, h = household_income.c, household.c
    joined = (household_income.join(household, h.id == income.household_id)
              .join(monitoring_line, monitoring_line.c.year == income.year))
    statement = (select(h.village_code, income.year, func.count().label("households")).select_from(joined)
                 .where(income.per_capita_net < monitoring_line.c.amount))
    statement = statement.where(_in_villages(villages))
    return statement.group_by(h.village_code, income.year)


def _village_unit_select(villages: list[str] | None):
    """SELECT of the distinct helping units per village."""
    h = household.c
    statement = select(h.village_code, h.helper_unit_code).distinct().where(h.helper_unit_code.isnot(None))
    statement = statement.where(_in_villages(villages))
    return statement


def _problem_spell_select(villages: list[str] | None):
    """SELECT of the failed checks per village, item and found / cleared dates."""
    check = guarantee_check.c
    joined = guarantee_check.join(household, household.c.id == check.household_id)
    columns = [household.c.village_code, check.item, check.checked_on, check.resolved_on]
    statement = select(*columns, func.count().label("n")).select_from(joined).where(check.ok == false())
    statement = statement.where(_in_villages(villages))
    return statement.group_by(*columns)


# The coarse rollups' grains, one per level above the village: an area's code keeps this many digits
# (queries.scope.PREFIX_LENGTH). A page grouping by a level reads that level's rows: a province by
# city reads a few thousand rows per city, whatever the households.
AREA_GRAINS = {"province": 2, "city": 4, "county": 6, "township": 9}
CODE_LENGTH = 12


def _coarse_copy(connection: Connection, source: Table, target: Table, grouped: dict, summed: dict,
                 villages: list[str] | None, grains: Sequence[str] = tuple(AREA_GRAINS),
                 also_by: Sequence = ()) -> None:
    """Sum a village rollup into `target` per area of each grain, in SQL: `grouped` and `summed` name
    the target's columns and their expressions over the source (also_by: more to group by), for the
    areas holding the listed villages (every area: None)."""
    for grain in grains:
        keep = AREA_GRAINS[grain]
        prefix = func.substr(source.c.village_code, 1, keep)
        areas = None if villages is None else sorted({code[:keep] for code in villages})
        for batch in [None] if areas is None else [areas[at:at + VILLAGE_CHUNK] for at in range(0, len(areas),
                                                                                                VILLAGE_CHUNK)]:
            stale = delete(target).where(target.c.grain == grain)
            if batch is not None:
                stale = stale.where(target.c.area_code.in_([code.ljust(CODE_LENGTH, "0") for code in batch]))
            connection.execute(stale)
            area_code = type_coerce(prefix, String).concat("0" * (CODE_LENGTH - keep))
            connection.execute(insert(target).from_select(
                ["grain", "area_code", *grouped, *summed],
                select(literal(grain), area_code, *grouped.values(), *summed.values())
                .where(true() if batch is None else prefix.in_(batch))
                .group_by(prefix, *grouped.values(), *also_by)))


def _month_copy(connection: Connection, source: Table, target: Table, kept: list[str], start: str, end: str,
                summed: list[str], villages: list[str] | None) -> None:
    """Spells summed per area and month pair. Each row's dates are the earliest of its months' days:
    count_spells compares them only with the first of a month, or with the as-of day outside their
    month (queries.spell_source), where any day of the month answers alike."""
    s = source.c
    months = [extract("year", s[start]), extract("month", s[start]), extract("year", s[end]), extract("month", s[end])]
    _coarse_copy(connection, source, target, {name: s[name] for name in kept},
                 {start: func.min(s[start]), end: func.min(s[end]), **{name: func.sum(s[name]) for name in summed}},
                 villages, also_by=months)


def _fill_areas(connection: Connection, villages: list[str] | None) -> None:
    """The coarse rollups: case and problem spells by month per area of every grain, and the income
    bins per county and above (a township's page sums its few villages' bins)."""
    _month_copy(connection, rollup_case_spell, rollup_case_month, ["split", "key", "elimination_kind"],
                "identified_on", "eliminated_on", ["n", "people"], villages)
    _month_copy(connection, rollup_problem_spell, rollup_problem_month, ["item"], "checked_on", "resolved_on", ["n"],
                villages)
    b = rollup_income_bin.c
    _coarse_copy(connection, rollup_income_bin, rollup_income_bin_area, {"year": b.year, "bin": b.bin},
                 {name: func.sum(b[name]) for name in ("households", "people", "income", "under_line")}, villages,
                 grains=INCOME_GRAINS)


INCOME_GRAINS = ("province", "city", "county")


def _bad_id_select(villages: list[str] | None):
    """SELECT of the households (and their villages) with a head or member whose ID number fails."""
    everyone = people(_in_villages(villages))
    return (select(everyone.c.village_code, everyone.c.household_id).distinct()
            .where(id_fails(everyone.c.id_number)))


SHARED_ID_COLUMNS = ["id_number", "household_id", "village_code"]


def _holders(numbers=None):
    """SELECT of everyone holding an ID number that two or more households hold, among numbers (a
    list; all when None)."""
    shared = shared_id_numbers(people(numbers=numbers, name="candidates"))
    holders = people(numbers=shared, name="holders")
    return select(holders.c.id_number, holders.c.household_id, holders.c.village_code).distinct()


def _numbers_shared_from(villages: list[str]):
    """SELECT of the ID numbers that people of the villages share with another household, anywhere
    (two index probes per person, not a pass over every number)."""
    here = people(_in_villages(villages), name="here")
    other_head = exists().where(household.c.id_number == here.c.id_number, household.c.id != here.c.household_id)
    other_member = exists().where(household_member.c.id_number == here.c.id_number,
                                  household_member.c.household_id != here.c.household_id)
    return select(here.c.id_number).distinct().where(or_(other_head, other_member))


def _refresh_shared_ids(connection: Connection, villages: list[str] | None) -> None:
    """Rebuild the shared-ID rows that the villages' households can change: the numbers their people
    share now and those recorded for them before (a number that left a village may leave one
    household of another village alone with it). Every holder of those numbers, in any village, is
    recomputed; the rest of the table stays."""
    recorded = rollup_shared_id.c
    if villages is None:
        connection.execute(delete(rollup_shared_id))
        connection.execute(insert(rollup_shared_id).from_select(SHARED_ID_COLUMNS, _holders()))
        return
    before = connection.execute(select(recorded.id_number).where(recorded.village_code.in_(villages))).scalars()
    affected = sorted(set(before) | set(connection.execute(_numbers_shared_from(villages)).scalars()))
    connection.execute(delete(rollup_shared_id).where(recorded.village_code.in_(villages)))
    for at in range(0, len(affected), VILLAGE_CHUNK):
        numbers = affected[at:at + VILLAGE_CHUNK]
        connection.execute(delete(rollup_shared_id).where(recorded.id_number.in_(numbers)))
        connection.execute(insert(rollup_shared_id).from_select(SHARED_ID_COLUMNS, _holders(numbers)))


NEW_WEEK_DAYS = 7  # queries.warnings.new_warning_counts' default window


def warning_days(today: date | None = None) -> tuple[date, date]:
    """The days a refresh computes warnings for: today and a week back (the cockpit's comparison)."""
    today = today or date.today()
    return today, today - WEEK


def _register_warnings(connection: Connection, day: date, villages: list[str] | None) -> None:
    """Every row firing on the day, rule by rule, into the warning register."""
    found = connection.execute(income_year_statement(day)).first()
    year, line = (int(found.year), float(found.amount)) if found else (None, None)
    for rule_code, build in STATEMENTS.items():
        statement = build(_in_villages(villages), "county", day, year, line)  # plain date columns: the villages narrow
        if statement is None:
            continue
        firing = statement.subquery()
        by = NEWEST_BY[rule_code]
        newest = cast(null(), Date) if by == "household_id" else firing.c[by]
        item = firing.c.item if "item" in firing.c else literal("")
        connection.execute(insert(rollup_warning_row).from_select(
            REGISTER_COLUMNS, select(literal(day, Date), literal(rule_code), firing.c.village_code,
                                     firing.c.household_id, item, newest)))


def _warning_count_select(day: date, villages: list[str] | None):
    """Per village and rule, from the register: the warnings firing on the day, and how many of them
    started in the week (an event rule's start is its `newest` date plus its lag: EVENT_START)."""
    r = rollup_warning_row.c
    started_in_week = or_(*(and_(r.rule == code, r.newest > day - timedelta(days=NEW_WEEK_DAYS + lag))
                            for code, (_column, lag) in EVENT_START.items()))
    return (select(literal(day, Date), r.village_code, r.rule, func.count(),
                   func.sum(case((started_in_week, 1), else_=0)))
            .where(r.day == day, true() if villages is None else r.village_code.in_(villages))
            .group_by(r.village_code, r.rule))


def _day_figure_rows(connection: Connection, day: date, villages: list[str] | None) -> list[dict]:
    """Per village: the day's figures of every family (db.day_figure_sql), one row per figure."""
    found = connection.execute(income_year_statement(day)).first()
    rows = []
    for family, statements in family_statements(_in_villages(villages), day, found.year if found else None,
                                                (household.c.village_code,)).items():
        for statement, key in statements:
            result = connection.execute(statement)
            for record in result.mappings():
                named = {column: value for column, value in record.items() if column not in ("village_code", key)}
                rows += [{"day": day, "village_code": record["village_code"], "family": family,
                          "figure": figure_name(record[key] if key in record else key, column), "value": float(value)}
                         for column, value in named.items() if value is not None]
    return rows


def _check_households(connection: Connection, villages: list[str] | None, checks: Sequence[str],
                      day: date | None) -> None:
    """The households each quality check finds in the villages into rollup_check_household (day:
    the day the check is about, or None for the checks that hold whatever the day)."""
    found = connection.execute(income_year_statement(day)).first() if day else None
    for check in checks:
        joined, conditions = check_conditions(check, day, found.year if found else None)
        connection.execute(insert(rollup_check_household).from_select(
            ["check", "day", "village_code", "household_id"],
            select(literal(check), literal(day, Date) if day else cast(null(), Date), household.c.village_code,
                   household.c.id).distinct().select_from(joined).where(_in_villages(villages), *conditions)))


def _fill_days(connection: Connection, villages: list[str] | None, days: Sequence[date]) -> None:
    """The rollups kept per day: the warnings (register and counts), the day checks and figures."""
    for day in days:
        if villages is None:  # a full build: the day is held from now on
            connection.execute(insert(rollup_day).values(day=day))
        _register_warnings(connection, day, villages)
        connection.execute(insert(rollup_warning).from_select(["day", "village_code", "rule", "n", "new_week"],
                                                              _warning_count_select(day, villages)))
        _check_households(connection, villages, DAY_CHECKS, day)
        rows = _day_figure_rows(connection, day, villages)
        for at in range(0, len(rows), 5_000):
            connection.execute(insert(rollup_day_figure), rows[at:at + 5_000])


def _fill(connection: Connection, villages: list[str] | None) -> None:
    target = ["village_code", "split", "key", "elimination_kind", "identified_on", "eliminated_on", "n", "people"]
    for split in ("case_type", "risk"):
        connection.execute(insert(rollup_case_spell).from_select(target, _case_spell_select(split, villages)))
    for table, rows in ((rollup_case_mix, _case_mix_rows(connection, villages)),
                        (rollup_finding, _finding_rows(connection, villages))):
        for at in range(0, len(rows), 5_000):
            connection.execute(insert(table), rows[at:at + 5_000])
    connection.execute(insert(rollup_problem_spell).from_select(
        ["village_code", "item", "checked_on", "resolved_on", "n"], _problem_spell_select(villages)))
    connection.execute(insert(rollup_village).from_select(["village_code", "households", "exited"],
                                                          _village_select(villages)))
    connection.execute(insert(rollup_income_bin).from_select(
        ["village_code", "year", "bin", "households", "people", "income", "under_line"], _income_bin_select(villages)))
    connection.execute(insert(rollup_under_line).from_select(["village_code", "year", "households"],
                                                             _under_line_select(villages)))
    connection.execute(insert(rollup_village_unit).from_select(["village_code", "unit_code"],
                                                               _village_unit_select(villages)))
    connection.execute(insert(rollup_bad_id).from_select(["village_code", "household_id"], _bad_id_select(villages)))
    _check_households(connection, villages, STANDING_CHECKS, None)
    _refresh_shared_ids(connection, villages)


def _clear(connection: Connection, villages: list[str] | None) -> None:
    if villages is None:
        connection.execute(delete(rollup_day))
    for table in (rollup_case_spell, rollup_case_mix, rollup_problem_spell, rollup_village, rollup_income_bin,
                  rollup_under_line, rollup_village_unit, rollup_finding, rollup_warning, rollup_warning_row,
                  rollup_day_figure, rollup_bad_id, rollup_check_household):
        statement = delete(table)
        connection.execute(statement if villages is None else statement.where(table.c.village_code.in_(villages)))


def _mark(connection: Connection, villages: int) -> None:
    connection.execute(delete(rollup_state).where(rollup_state.c.name == CASE_SPELLS))
    connection.execute(insert(rollup_state).values(name=CASE_SPELLS, refreshed_at=datetime.now(), villages=villages))


def _out_of_shape(engine: Engine) -> list[Table]:
    """Village rollup tables missing or made by another version (db.upgrade.out_of_shape)."""
    return out_of_shape(engine, (metadata.tables[name] for name in ROLLUP_TABLES))


def rebuild(engine: Engine, days: Sequence[date] | None = None) -> dict[str, float]:
    """Rebuild every rollup from scratch in one transaction, the warnings for `days` (default:
    warning_days()); returns rows written and seconds taken. A rollup table an older version made
    with other columns is dropped and made again first: it holds nothing that is not derived."""
    started = time.perf_counter()
    for table in out_of_shape(engine, (*(metadata.tables[name] for name in ROLLUP_TABLES), rollup_signal_state)):
        table.drop(engine, checkfirst=True)
    upgrade(engine)  # missing rollup tables, and columns they gained since an older build
    with engine.begin() as connection:
        _clear(connection, None)
        _fill(connection, None)
        _fill_areas(connection, None)
        _fill_days(connection, None, sorted(set(warning_days() if days is None else days)))
        signal_state.rebuild(connection)
        villages = connection.execute(select(func.count(func.distinct(rollup_case_spell.c.village_code)))).scalar()
        rows = connection.execute(select(func.count()).select_from(rollup_case_spell)).scalar()
        _mark(connection, int(villages or 0))
    analyze_tables(engine, [*ROLLUP_TABLES, rollup_signal_state.name])
    return {"rows": int(rows or 0), "seconds": round(time.perf_counter() - started, 2)}


def analyze_tables(engine: Engine, names: Sequence[str]) -> None:
    """Planner statistics for tables just rewritten (each engine's own statement, where it has one)."""
    statement = spec_for(engine.dialect.name).analyze_table_sql
    if statement is None:
        return
    preparer = engine.dialect.identifier_preparer
    with engine.begin() as connection:
        for name in names:
            connection.exec_driver_sql(statement.format(table=preparer.quote(name)))


def refresh_villages(engine: Engine, villages: Iterable[str]) -> dict[str, float]:
    """Rebuild the rollup rows of the given villages only (what an import touched).

    A rollup never built stays unbuilt: refreshing part of a missing table would look complete."""
    started = time.perf_counter()
    codes = sorted(set(villages))
    if _out_of_shape(engine):  # never built, or not as this version builds them: the rows stay the source
        if inspect(engine).has_table(rollup_state.name):  # until refresh-rollups
            with engine.begin() as connection:
                connection.execute(delete(rollup_state).where(rollup_state.c.name == CASE_SPELLS))
        return {"villages": 0, "seconds": 0.0}
    with engine.begin() as connection:
        built = connection.execute(select(rollup_state.c.name).where(rollup_state.c.name == CASE_SPELLS)).first()
        if built is None:
            return {"villages": 0, "seconds": 0.0}
        days = sorted(connection.execute(select(rollup_day.c.day)).scalars())  # those built
        for at in range(0, len(codes), VILLAGE_CHUNK):
            chunk = codes[at:at + VILLAGE_CHUNK]
            _clear(connection, chunk)
            _fill(connection, chunk)
            _fill_days(connection, chunk, days)
        _fill_areas(connection, codes)  # the areas holding those villages, summed again
        _mark(connection, len(codes))
    return {"villages": len(codes), "seconds": round(time.perf_counter() - started, 2)}


def household_villages(connection: Connection, external_ids: Iterable[str]) -> set[str]:
    """The villages households (by 户编号) are in now: an import that moves one touches both villages."""
    ids, found = sorted(set(external_ids)), set()
    for at in range(0, len(ids), VILLAGE_CHUNK):
        chunk = ids[at:at + VILLAGE_CHUNK]
        rows = connection.execute(select(household.c.village_code).where(household.c.external_id.in_(chunk)).distinct())
        found.update(row[0] for row in rows)
    return found
