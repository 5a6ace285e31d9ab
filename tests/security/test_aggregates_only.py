"""Defence in depth: every public query in queries/, asked with an aggregates-only scope, names nobody.

The functions are found by introspection, so a query added later is checked without editing this
file; one whose arguments the test cannot supply fails until ARGUMENTS learns them.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from datetime import date

import pandas as pd
import pytest

import queries
from queries.quality import CHECKS, HOUSEHOLD_CHECKS
from queries.risk import RiskFilter
from queries.scope import Scope, ScopeError
from rules.calendar import Period
from tests.conftest import SAMPLE_UNTIL, read_table

COUNTY = "429999000000"
WRITERS = ("record_", "submit_", "save_", "approve_", "return_", "ensure_")
AGGREGATES_ONLY = Scope(roots=((COUNTY, "county"),))  # the default: least access
# Columns that name a household or a person; none may come back without household detail. ("name",
# "lon" and "lat" are also an area's, so household points are checked by function below.)
# ("id" and "note" are a task's or an asset's too; a visit's note comes with the household_id asked for.)
PERSONAL = {"household_id", "case_id", "head_name", "id_number", "phone", "helper_name", "visitor"}
HOUSEHOLD_ROWS = {"village_points", "village_households", "check_list"}
NOT_HOUSEHOLD_CHECKS = set(CHECKS) - set(HOUSEHOLD_CHECKS)  # villages without a boundary: area rows  # every row of these is one household


def _public_queries() -> list:
    found = []
    for module_info in pkgutil.iter_modules(queries.__path__):
        module = importlib.import_module(f"queries.{module_info.name}")
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(getattr(function, "__wrapped__", function)):
                continue
            if getattr(function, "__module__", None) != module.__name__:
                continue  # imported from another module: checked there
            parameters = inspect.signature(function).parameters
            if name.startswith(WRITERS):
                continue  # writes are refused by their own checks (tests of the features), not read here
            if "db" in parameters and "scope" in parameters:
                found.append(pytest.param(function, id=f"{module_info.name}.{name}"))
    return found


@pytest.fixture(scope="module")
def household(sample_db_url) -> tuple[str, int]:
    """The busiest village, and a household with incomes, checks, measures and visits to find."""
    households = read_table(sample_db_url, "household")
    recorded = set(households["id"])
    for table in ("household_income", "guarantee_check", "assistance", "visit"):
        recorded &= set(read_table(sample_db_url, table)["household_id"])
    village = households["village_code"].mode()[0]
    return village, min(recorded)


def _arguments(household: tuple[str, int]) -> dict[str, object]:
    village, household_id = household
    first = date(SAMPLE_UNTIL.year - 1, 1, 1)
    return {"area_code": COUNTY, "area_level": "county", "group_level": "village", "child_level": "village",
            "village_code": village, "household_id": household_id, "asof": SAMPLE_UNTIL, "page": 0,
            "since": first, "until": SAMPLE_UNTIL, "start": first, "end": SAMPLE_UNTIL,
            "flt": RiskFilter(start=first, end=SAMPLE_UNTIL), "period": Period(first, SAMPLE_UNTIL),
            "chain": (COUNTY,), "first_year": first.year, "last_year": SAMPLE_UNTIL.year,
            "first_period": f"{first.year}-01", "last_period": SAMPLE_UNTIL.strftime("%Y-%m"),
            "task_code": "T01", "part": "base", "batch_id": 1, "rule_code": "income_below_line", "unit_code": "mzb",
            "signal_id": 1, "department": "medical_insurance", "user_name": "tester", "report_id": 1,
            "level": "county", "days": 15, "income_year": SAMPLE_UNTIL.year - 1, "family": "coverage",
            "exact_from": first, "cut": SAMPLE_UNTIL}


def _frames(result) -> list[pd.DataFrame]:
    """Every table inside a result: a frame, a series, a dict or dataclass of them."""
    if isinstance(result, pd.DataFrame):
        return [result]
    if isinstance(result, pd.Series):
        return [result.to_frame().T if result.index.name is None else result.reset_index()]
    if dataclasses.is_dataclass(result):
        return [frame for field in dataclasses.fields(result) for frame in _frames(getattr(result, field.name))]
    if isinstance(result, dict):
        return [frame for value in result.values() for frame in _frames(value)]
    return []


def test_every_query_is_found():
    names = {param.id for param in _public_queries()}
    assert {"profile.household_incomes", "households.village_households", "map.village_points",
            "warnings.area_warnings", "drill.figures_by_area"} <= names


@pytest.mark.parametrize("function", _public_queries())
def test_an_aggregates_only_scope_gets_no_household(sample_db_url, household, function):
    known = _arguments(household)
    parameters = inspect.signature(function).parameters
    missing = [name for name, p in parameters.items()
               if name not in known and name not in ("db", "scope", "check")
               and p.default is inspect.Parameter.empty]
    assert not missing, f"teach the test the argument(s) {missing}"
    arguments = {name: known[name] for name in parameters if name in known}
    for check in CHECKS if "check" in parameters else (None,):  # the data-quality lists: every check
        if check is not None:
            arguments["check"] = check
        _assert_nobody(function, parameters, sample_db_url, arguments)


def _assert_nobody(function, parameters, db: str, arguments: dict) -> None:
    try:
        result = function(db, AGGREGATES_ONLY, **arguments)
    except ScopeError:
        return  # refused outright (the audit log): nothing shown either
    per_household = function.__name__ in HOUSEHOLD_ROWS and arguments.get("check") not in NOT_HOUSEHOLD_CHECKS
    if "household_id" in parameters or per_household:  # nothing at all comes back
        assert result is None or all(frame.empty for frame in _frames(result)), function.__name__
        return
    for frame in _frames(result):
        shown = PERSONAL & set(frame.columns)
        assert frame.empty or not shown, f"{function.__name__} returned {sorted(shown)}"
