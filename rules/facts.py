"""Household facts from query results (DataFrames), the one road from SQL rows to the rules."""

from __future__ import annotations

from datetime import date

import pandas as pd

from rules.model import CaseFact, CheckFact, HouseholdFacts, IncomeFact, MeasureFact


def _day(value) -> date | None:
    return None if value is None or pd.isna(value) else value


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def household_facts(record: pd.Series, cases: pd.DataFrame, incomes: pd.DataFrame, checks: pd.DataFrame,
                    measures: pd.DataFrame, visits: pd.DataFrame) -> HouseholdFacts:
    """Facts of one household: its row, cases (with risk_codes), incomes (with line), checks,
    measures and visits, each a frame with the schema's column names."""
    return HouseholdFacts(
        household_id=int(record["id"]),
        size=int(record["size"]),
        labor_capacity=record["labor_capacity"] if isinstance(record["labor_capacity"], str) else None,
        cases=tuple(CaseFact(int(row.id), row.case_type, row.identified_on, _day(row.eliminated_on),
                             row.elimination_kind if isinstance(row.elimination_kind, str) else None,
                             tuple(row.risk_codes) if "risk_codes" in cases else ())
                    for row in cases.itertuples()),
        incomes=tuple(IncomeFact(int(row.year), float(row.per_capita_net), _number(row.rigid_expenditure),
                                 _number(row.line)) for row in incomes.itertuples()),
        checks=tuple(CheckFact(row.item, bool(row.ok), row.checked_on,
                               row.issue if isinstance(row.issue, str) else None, _day(row.resolved_on))
                     for row in checks.itertuples()),
        measures=tuple(MeasureFact(row.kind, row.started_on, _day(row.ended_on)) for row in measures.itertuples()),
        visits=tuple(visits["visited_on"]) if not visits.empty else (),
    )
