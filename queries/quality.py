"""Data quality: the import history with its problems, and checks on the data as it stands.

Every check is counted per village in SQL and rolled up to the area's children (a few hundred rows
at most); a check whose inputs are absent comes back as None, never as zero. The lists behind a
count are household rows, so they follow household_rows_allowed and the masking of the scope.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
from sqlalchemy import case, exists, func, not_, select

from db.quality_sql import DAY_CHECKS, STANDING_CHECKS, check_conditions
from db.rollup_schema import rollup_bad_id, rollup_check_household, rollup_shared_id
from db.rollups import CASE_SPELLS
from db.schema import area, area_boundary, household, household_member, import_batch, import_problem
from queries.drill import in_area, income_year
from queries.gateway import cached, read
from queries.households import household_rows_allowed
from queries.masking import mask_frame, mask_id_number, mask_phone
from queries.rollups import held_days, use_rollup
from queries.scope import Scope, child_key

CHECKS = ("village_no_boundary", "household_no_village", "bad_id_number", "id_in_two_households",
          "open_case_no_risk", "open_case_no_income", "size_mismatch")
HOUSEHOLD_CHECKS = CHECKS[1:]
LIST_LIMIT = 200
# The ID checks read every person's number; their rollups keep the households they find (db.rollups),
# as rollup_check_household does for the other household checks.
ID_ROLLUPS = {"bad_id_number": rollup_bad_id, "id_in_two_households": rollup_shared_id}
HISTORY_LIMIT = 200
# ID numbers (18, 20 or 22 characters, or anything that long) and mobile numbers inside a problem's
# value or message: a problem may quote the cell it is about.
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])[0-9]{14,21}[0-9Xx](?![0-9A-Za-z])")
_PHONE_LIKE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
PROBLEM_LIMIT = 2000


@cached
def import_history(db: str, scope: Scope, limit: int = HISTORY_LIMIT) -> pd.DataFrame:
    """The latest import batches, newest first, with their error and warning counts."""
    if not scope.roots:
        return pd.DataFrame()
    problem = import_problem.c
    counts = (select(problem.batch_id, func.sum(case((problem.level == "error", 1), else_=0)).label("errors"),
                     func.sum(case((problem.level == "warning", 1), else_=0)).label("warnings"))
              .group_by(problem.batch_id).subquery("counts"))
    batch = import_batch.c
    statement = (select(batch.id, batch.kind, batch.file_name, batch.asof, batch.status, batch.rows_read,
                        batch.rows_written, batch.rows_rejected, batch.started_at, batch.imported_by,
                        func.coalesce(counts.c.errors, 0).label("errors"),
                        func.coalesce(counts.c.warnings, 0).label("warnings"))
                 .select_from(import_batch.outerjoin(counts, counts.c.batch_id == batch.id))
                 .order_by(batch.started_at.desc(), batch.id.desc()).limit(limit))
    return read(db, statement)


@cached
def batch_problems(db: str, scope: Scope, batch_id: int, limit: int = PROBLEM_LIMIT) -> pd.DataFrame:
    """One batch's problems in file order, errors first on each row."""
    if not scope.roots:
        return pd.DataFrame()
    problem = import_problem.c
    statement = (select(problem.level, problem.sheet, problem.row, problem.column, problem.value, problem.code,
                        problem.message)
                 .where(problem.batch_id == batch_id)
                 .order_by(problem.row.is_(None).desc(), problem.row, problem.level, problem.id).limit(limit))
    problems = read(db, statement)
    if not scope.personal_detail:
        for column in ("value", "message"):
            problems[column] = problems[column].map(mask_problem_text)
    return problems


def mask_problem_text(text: str | None) -> str | None:
    """A problem's text with ID and phone numbers masked like every other personal field."""
    if not isinstance(text, str):
        return text
    text = _ID_LIKE.sub(lambda match: mask_id_number(match.group(0)), text)
    return _PHONE_LIKE.sub(lambda match: mask_phone(match.group(0)), text)


def _rollup_for(db: str, check: str, rollup_where, asof: date):
    """(rollup table, its conditions) holding the check's households when rollups stand in for the
    rows (a day check only on a day the rollup holds); else None."""
    if rollup_where is None:
        return None
    if check in ID_ROLLUPS:
        return ID_ROLLUPS[check], []
    held = rollup_check_household.c
    if check in STANDING_CHECKS:
        return rollup_check_household, [held.check == check, held.day.is_(None)]
    if check in DAY_CHECKS and asof in held_days(db):
        return rollup_check_household, [held.check == check, held.day == asof]
    return None


def _household_conditions(db: str, check: str, asof: date, year: int | None, rollup_where=None):
    """For a household check: (the FROM clause, the WHERE conditions) naming the offending households.
    With rollup_where (a condition on a rollup's village_code), the households its rollup holds
    there instead of checking every household (db.quality_sql.check_conditions)."""
    rollup = _rollup_for(db, check, rollup_where, asof)
    if rollup is not None:
        table, conditions = rollup
        return household, [household.c.id.in_(select(table.c.household_id)
                                              .where(rollup_where(table.c.village_code), *conditions))]
    return check_conditions(check, asof, year)


def _per_village(db: str, check: str, where, asof: date, year: int | None, rollup_where=None) -> pd.DataFrame:
    rollup = _rollup_for(db, check, rollup_where, asof)
    if rollup is not None:  # counted from the rollup alone
        table, conditions = rollup
        statement = (select(table.c.village_code, func.count(func.distinct(table.c.household_id)).label(check))
                     .where(rollup_where(table.c.village_code), *conditions).group_by(table.c.village_code))
        return read(db, statement)
    joined, conditions = check_conditions(check, asof, year)
    statement = (select(household.c.village_code, func.count(func.distinct(household.c.id)).label(check))
                 .select_from(joined).where(where, *conditions).group_by(household.c.village_code))
    return read(db, statement)


def _villages_without_boundary(db: str, scope: Scope, area_code: str, area_level: str) -> pd.DataFrame:
    statement = (select(area.c.code.label("village_code"), func.count().label("village_no_boundary"))
                 .where(in_area(area.c.code, area_code, area_level, scope), area.c.level == "village",
                        not_(exists().where(area_boundary.c.area_code == area.c.code)))
                 .group_by(area.c.code))
    return read(db, statement)


def _present(db: str, where) -> dict[str, bool]:
    """Which inputs exist under the area: households, members."""
    statement = select(exists().where(where).label("households"),
                       exists().where(household_member.c.household_id == household.c.id, where).label("members"))
    row = read(db, statement).iloc[0]
    return {"households": bool(row["households"]), "members": bool(row["members"])}


def _rollup_where(db: str, scope: Scope, area_code: str, area_level: str):
    """The area filter for a rollup's village_code column while the rollups stand in for the rows
    (above village level, fresh), else None."""
    if not use_rollup(db, CASE_SPELLS, area_level):
        return None
    return lambda village_code: in_area(village_code, area_code, area_level, scope)


@cached
def quality_checks(db: str, scope: Scope, area_code: str, area_level: str, group_level: str,
                   asof: date) -> pd.DataFrame:
    """Each check's count per child area (index: its code); None where the check's inputs are absent."""
    where = in_area(household.c.village_code, area_code, area_level, scope)
    rollup_where = _rollup_where(db, scope, area_code, area_level)
    year, _ = income_year(db, asof)
    present = _present(db, where)
    parts = [_villages_without_boundary(db, scope, area_code, area_level)]
    for check in HOUSEHOLD_CHECKS:
        if check == "open_case_no_income" and year is None:
            continue
        parts.append(_per_village(db, check, where, asof, year, rollup_where))
    per_village = pd.DataFrame(columns=["village_code"])
    for part in parts:
        per_village = per_village.merge(part, on="village_code", how="outer")
    keys = [child_key(code, group_level) for code in per_village["village_code"]]
    figures = (per_village.drop(columns="village_code").groupby(keys).sum()
               .reindex(columns=list(CHECKS)).fillna(0).astype("int64").astype("object"))
    missing = [c for c in HOUSEHOLD_CHECKS if not present["households"]]
    if year is None:
        missing.append("open_case_no_income")
    if not present["members"]:
        missing.append("size_mismatch")
    for check in set(missing):
        figures[check] = None  # absent inputs: "no data", not 0
    figures.index.name = "area_code"
    return figures


@cached
def check_list(db: str, scope: Scope, check: str, area_code: str, area_level: str, asof: date,
               limit: int = LIST_LIMIT) -> pd.DataFrame:
    """The households (or villages) behind a check under an area, masked by the scope; at most limit."""
    if check == "village_no_boundary":
        statement = (select(area.c.code, area.c.name, area.c.parent_code)
                     .where(in_area(area.c.code, area_code, area_level, scope), area.c.level == "village",
                            not_(exists().where(area_boundary.c.area_code == area.c.code)))
                     .order_by(area.c.code).limit(limit))
        return read(db, statement)
    if check not in HOUSEHOLD_CHECKS:
        raise ValueError(f"unknown check: {check}")
    year, _ = income_year(db, asof)
    joined, conditions = _household_conditions(db, check, asof, year, _rollup_where(db, scope, area_code, area_level))
    h = household.c
    statement = (select(h.id, h.external_id, h.village_code, h.head_name, h.id_number, h.size)
                 .select_from(joined)
                 .where(in_area(h.village_code, area_code, area_level, scope), household_rows_allowed(scope),
                        *conditions)
                 .distinct().order_by(h.village_code, h.id).limit(limit))
    return mask_frame(read(db, statement), scope.personal_detail)

