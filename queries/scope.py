"""The viewer's scope: which areas they may see and whether personal data is shown in full."""

from __future__ import annotations

from dataclasses import dataclass

# Length of the code prefix that identifies an area at each level of the 12-digit statistical code.
PREFIX_LENGTH = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}
CODE_LENGTH = 12


class ScopeError(PermissionError):
    """An area or household outside the viewer's scope was asked for."""


@dataclass(frozen=True)
class Scope:
    """Root areas the viewer may see (empty: nothing, deny by default) and their detail rights."""

    roots: tuple[tuple[str, str], ...]  # (area code, level) pairs
    personal_detail: bool = False
    # Least access by default: a caller that wants household rows must say so.
    household_detail: bool = False  # False: aggregates only, household rows come back empty
    unit_code: str | None = None  # the viewer's own unit (department heads): "mine" in the task matrix
    audit_reader: bool = False  # may read the audit log (county leaders)
    reports_unit: str | None = None  # the unit whose progress the viewer may report (department heads, reporters)
    reviews_reports: bool = False  # may approve or return units' reports (the county office)

    def ranges(self) -> list[tuple[str, str]]:
        """Code ranges (inclusive) covering every area under the roots."""
        return [code_range(code, level) for code, level in self.roots]

    def covers(self, code: str, level: str | None = None) -> bool:
        """True when the area lies under one of the roots (at the root's level or below, if given)."""
        return any(code_range(root, root_level)[0] <= code <= code_range(root, root_level)[1]
                   and (level is None or PREFIX_LENGTH[level] >= PREFIX_LENGTH[root_level])
                   for root, root_level in self.roots)


def code_range(code: str, level: str) -> tuple[str, str]:
    """The inclusive range of 12-digit codes of an area and all its descendants."""
    keep = PREFIX_LENGTH[level]
    prefix = code[:keep]
    pad = CODE_LENGTH - keep
    return prefix + "0" * pad, prefix + "9" * pad


def child_key(village_code: str, child_level: str) -> str:
    """The code of the area at child_level that contains a village (prefix padded with zeros)."""
    keep = PREFIX_LENGTH[child_level]
    return village_code[:keep] + "0" * (CODE_LENGTH - keep)
