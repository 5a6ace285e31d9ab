"""The risk page's data: cases by area and risk type, new cases by month and area, open cases per village.

All counts are grouped in SQL by the area shown (a prefix of the village code) and, where asked,
by risk type or month, so results grow with areas × risk types (or months), never with households.
Above village level, while the rollups are fresh, they count rollup_case_mix (cases per village,
type, risk combination and dates) instead of the case rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import exists, extract, func, or_, select

from db.rollup_schema import rollup_case_mix
from db.rollups import CASE_SPELLS
from db.schema import case_risk, household, monitoring_case
from queries.drill import in_area
from queries.gateway import cached, read
from queries.rollups import use_rollup
from queries.scope import CODE_LENGTH, PREFIX_LENGTH, Scope

CASE_TYPES = ("unstable", "marginal", "sudden")
RISK_CODES = ("illness", "disability", "schooling", "disaster", "accident", "business_failure",
              "unstable_employment", "labor_shortage", "housing", "water", "other")


@dataclass(frozen=True)
class RiskFilter:
    """Which cases count: their types, risk types (any of them) and identification period (inclusive)."""

    case_types: tuple[str, ...] = CASE_TYPES
    risk_codes: tuple[str, ...] = RISK_CODES
    start: date = date(2021, 1, 1)
    end: date = date(2021, 1, 1)


def _area_key(level: str, village=household.c.village_code):
    """The code of the area at level that holds a village (a household's, or a rollup row's), in SQL."""
    keep = PREFIX_LENGTH[level]
    if keep == CODE_LENGTH:
        return village.label("area_code")
    # Padded back to 12 digits in pandas; substr works the same on all three engines.
    return func.substr(village, 1, keep).label("area_code")


def _pad(frame: pd.DataFrame) -> pd.DataFrame:
    frame["area_code"] = frame["area_code"].astype(str).str.ljust(CODE_LENGTH, "0")
    return frame


def _case_conditions(flt: RiskFilter, scope: Scope, area_code: str, area_level: str,
                     risk_join: bool = False) -> list:
    """Conditions on cases joined to households; with risk_join, case_risk is joined by the caller."""
    c = monitoring_case.c
    conditions = [in_area(household.c.village_code, area_code, area_level, scope), c.case_type.in_(flt.case_types),
                  c.identified_on >= flt.start, c.identified_on <= flt.end]
    if risk_join:
        return conditions + [case_risk.c.risk_code.in_(flt.risk_codes)]
    return conditions + [exists().where(case_risk.c.case_id == c.id, case_risk.c.risk_code.in_(flt.risk_codes))]


_CASES_WITH_HOUSEHOLD = monitoring_case.join(household, household.c.id == monitoring_case.c.household_id)
mix = rollup_case_mix.c


def _mix_conditions(flt: RiskFilter, scope: Scope, area_code: str, area_level: str) -> list:
    """_case_conditions on the rollup: "any of the risk types" is a search in the combination."""
    return [in_area(mix.village_code, area_code, area_level, scope), mix.case_type.in_(flt.case_types),
            mix.identified_on >= flt.start, mix.identified_on <= flt.end,
            or_(*[mix.risks.contains(f",{code},", autoescape=True) for code in flt.risk_codes])]


def _from_rollup(db: str, area_level: str) -> bool:
    return use_rollup(db, CASE_SPELLS, area_level)


@cached
def cases_by_risk_type(db: str, scope: Scope, area_code: str, area_level: str, group_level: str,
                       flt: RiskFilter) -> pd.DataFrame:
    """Cases identified in the period per area and risk type (a case with two risk types counts in both)."""
    c = monitoring_case.c
    if not flt.case_types or not flt.risk_codes:
        return pd.DataFrame(columns=["area_code", "risk_code", "cases"])
    if _from_rollup(db, area_level):
        return _risk_types_from_rollup(db, scope, area_code, area_level, group_level, flt)
    key = _area_key(group_level)
    statement = (select(key, case_risk.c.risk_code, func.count().label("cases"))
                 .select_from(_CASES_WITH_HOUSEHOLD.join(case_risk, case_risk.c.case_id == c.id))
                 .where(*_case_conditions(flt, scope, area_code, area_level, risk_join=True))
                 .group_by(key, case_risk.c.risk_code))
    return _pad(read(db, statement)).astype({"cases": "int64"})  # an empty result reads as object


def _risk_types_from_rollup(db: str, scope: Scope, area_code: str, area_level: str, group_level: str,
                            flt: RiskFilter) -> pd.DataFrame:
    """cases_by_risk_type from the combinations: each chosen risk type of a combination counts its cases."""
    key = _area_key(group_level, mix.village_code)
    combined = read(db, select(key, mix.risks, func.sum(mix.n).label("cases"))
                    .where(*_mix_conditions(flt, scope, area_code, area_level)).group_by(key, mix.risks))
    chosen = set(flt.risk_codes)
    rows = [(area, code, int(cases)) for area, risks, cases in combined.itertuples(index=False)
            for code in risks.strip(",").split(",") if code in chosen]
    frame = pd.DataFrame(rows, columns=["area_code", "risk_code", "cases"])
    frame = frame.groupby(["area_code", "risk_code"], as_index=False)["cases"].sum()
    return _pad(frame.astype({"cases": "int64"}))


@cached
def new_cases_by_month(db: str, scope: Scope, area_code: str, area_level: str, group_level: str,
                       flt: RiskFilter) -> pd.DataFrame:
    """Cases newly identified per area and calendar month of the period (columns area_code, month, cases)."""
    if not flt.case_types or not flt.risk_codes:
        return pd.DataFrame(columns=["area_code", "month", "cases"])
    c = monitoring_case.c
    if _from_rollup(db, area_level):
        key = _area_key(group_level, mix.village_code)
        year, month = extract("year", mix.identified_on).label("year"), extract("month", mix.identified_on).label("month")
        statement = (select(key, year, month, func.sum(mix.n).label("cases"))
                     .where(*_mix_conditions(flt, scope, area_code, area_level)).group_by(key, year, month))
    else:
        key = _area_key(group_level)
        year, month = extract("year", c.identified_on).label("year"), extract("month", c.identified_on).label("month")
        statement = (select(key, year, month, func.count().label("cases")).select_from(_CASES_WITH_HOUSEHOLD)
                     .where(*_case_conditions(flt, scope, area_code, area_level)).group_by(key, year, month))
    frame = _pad(read(db, statement))
    frame["month"] = [f"{int(y):04d}-{int(m):02d}" for y, m in zip(frame["year"], frame["month"])]
    return frame[["area_code", "month", "cases"]].astype({"cases": "int64"})


@cached
def open_cases_by_village(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                          flt: RiskFilter) -> pd.Series:
    """Cases of the chosen types and risk types open on the date, per village (the heat layer's weights)."""
    if not flt.case_types or not flt.risk_codes:
        return pd.Series(dtype="int64", name="open_cases")
    c = monitoring_case.c
    until_asof = RiskFilter(flt.case_types, flt.risk_codes, date(1900, 1, 1), asof)
    if _from_rollup(db, area_level):
        statement = (select(mix.village_code, func.sum(mix.n).label("open_cases"))
                     .where(*_mix_conditions(until_asof, scope, area_code, area_level),
                            or_(mix.eliminated_on.is_(None), mix.eliminated_on > asof))
                     .group_by(mix.village_code))
    else:
        statement = (select(household.c.village_code, func.count().label("open_cases"))
                     .select_from(_CASES_WITH_HOUSEHOLD)
                     .where(*_case_conditions(until_asof, scope, area_code, area_level),
                            or_(c.eliminated_on.is_(None), c.eliminated_on > asof))
                     .group_by(household.c.village_code))
    frame = read(db, statement)
    return frame.set_index("village_code")["open_cases"].astype("int64")


def totals_by_area(monthly: pd.DataFrame) -> pd.Series:
    """Distinct cases per area from new_cases_by_month (each case has one identification month)."""
    # Saves a third pass over the cases: at 1M households each pass costs about half a second.
    return monthly.groupby("area_code")["cases"].sum().astype("int64")
