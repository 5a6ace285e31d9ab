"""What the rules read (a household's facts) and what they say (checks with evidence)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Check:
    """One rule applied: whether its statement holds, and the evidence that decided it.

    `evidence` is a label-catalogue key under [rules_evidence]; `values` fill its placeholders, so
    the explanation is exact and the rules stay free of UI text.
    """

    code: str
    holds: bool
    evidence: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseFact:
    """A monitoring case as known on the as-of date (a later elimination is not yet known)."""

    id: int
    case_type: str
    identified_on: date
    eliminated_on: date | None = None
    elimination_kind: str | None = None
    risk_codes: tuple[str, ...] = ()

    def open_on(self, day: date) -> bool:
        """True when the case was open on that day."""
        return self.identified_on <= day and (self.eliminated_on is None or self.eliminated_on > day)


@dataclass(frozen=True)
class IncomeFact:
    """One year's income of the household, with that year's monitoring line (None if unknown)."""

    year: int
    per_capita_net: float
    rigid_expenditure: float | None
    line: float | None

    def household_net(self, size: int) -> float:
        """Net income of the whole household (per capita times members)."""
        return self.per_capita_net * size


@dataclass(frozen=True)
class CheckFact:
    """A 两不愁三保障/饮水 check; a failed one is an open problem until resolved_on."""

    item: str
    ok: bool
    checked_on: date
    issue: str | None = None
    resolved_on: date | None = None

    def open_on(self, day: date) -> bool:
        """True when this check is a problem still open on that day."""
        return (not self.ok and self.checked_on <= day
                and (self.resolved_on is None or self.resolved_on > day))


@dataclass(frozen=True)
class MeasureFact:
    """An assistance measure (帮扶措施) and its period (open-ended when ended_on is None)."""

    kind: str
    started_on: date
    ended_on: date | None = None

    def targets(self, since: date, day: date) -> bool:
        """True when the measure started between since (identification) and day: a targeted
        measure (针对性帮扶措施) for that case, not one that was running before it."""
        return since <= self.started_on <= day


@dataclass(frozen=True)
class HouseholdFacts:
    """Everything the rules read about one household, as of a date."""

    household_id: int
    size: int
    labor_capacity: str | None
    cases: tuple[CaseFact, ...] = ()
    incomes: tuple[IncomeFact, ...] = ()
    checks: tuple[CheckFact, ...] = ()
    measures: tuple[MeasureFact, ...] = ()
    visits: tuple[date, ...] = ()

    def open_case(self, day: date) -> CaseFact | None:
        """The case open on that day, if any (the latest identified when data hold several)."""
        open_cases = [case for case in self.cases if case.open_on(day)]
        return max(open_cases, key=lambda case: case.identified_on) if open_cases else None

    def income(self, year: int | None) -> IncomeFact | None:
        """The income row of a year, if recorded."""
        return next((row for row in self.incomes if row.year == year), None)
