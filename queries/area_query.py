"""The one small value a figure is asked for by: database, viewer scope, area, its level, as-of date."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from queries.scope import Scope


@dataclass(frozen=True)
class AreaQuery:
    """An area as a viewer asks for it on a date; hashable, so it is part of every cache key."""

    db: str
    scope: Scope
    code: str
    level: str
    asof: date

    def on(self, day: date) -> AreaQuery:
        """The same area on another date (the comparison date, a year before …)."""
        return replace(self, asof=day)
