"""Everything the seed-003 rules say about one household as of a date, in one call (for the profile)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from rules.elimination import eligibility, elimination_breaks, monitoring_reasons
from rules.facts import household_facts
from rules.model import CaseFact, Check, HouseholdFacts
from rules.warnings import household_warnings


@dataclass(frozen=True)
class Assessment:
    """The household's facts, its open case, why it is monitored, its warnings, whether its risk can be
    eliminated, and every past elimination that broke a procedural rule."""

    facts: HouseholdFacts
    open_case: CaseFact | None
    reasons: list[Check]
    warnings: list[Check]
    eligibility: list[Check] | None
    breaks: list[tuple[CaseFact, list[Check]]]


def assess_household(record: pd.Series, cases: pd.DataFrame, incomes: pd.DataFrame, checks: pd.DataFrame,
                     measures: pd.DataFrame, visits: pd.DataFrame, asof: date, year: int) -> Assessment:
    """Apply every household rule to the rows read for one household (year: the income year in use)."""
    facts = household_facts(record, cases, incomes, checks, measures, visits)
    open_case = facts.open_case(asof)
    breaks = [(case, elimination_breaks(case, facts.labor_capacity)) for case in facts.cases]
    return Assessment(facts=facts, open_case=open_case, reasons=monitoring_reasons(facts, year),
                      warnings=household_warnings(facts, asof, year),
                      eligibility=eligibility(facts, open_case, asof, year) if open_case else None,
                      breaks=[(case, broken) for case, broken in breaks if broken])
