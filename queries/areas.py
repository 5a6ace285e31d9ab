"""The area tree inside the viewer's scope, and walking it (ancestors, children)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, false, or_, select

from db.schema import area
from queries.gateway import cached, read
from queries.scope import Scope, ScopeError

AREA_COLUMNS = ("code", "name", "level", "parent_code", "kind", "village_class",
                "is_poverty_village", "population", "household_count", "lon", "lat")


def scope_filter(column, scope: Scope):
    """A SQL condition keeping codes inside the scope; false when the scope is empty."""
    ranges = scope.ranges()
    if not ranges:
        return false()  # deny by default: an empty scope matches nothing
    return or_(*(and_(column >= low, column <= high) for low, high in ranges))


@cached
def area_tree(db: str, scope: Scope) -> pd.DataFrame:
    """Every area the viewer may see, indexed by code (grows with areas, not households)."""
    columns = [area.c[name] for name in AREA_COLUMNS]
    frame = read(db, select(*columns).where(scope_filter(area.c.code, scope)).order_by(area.c.code))
    return frame.set_index("code", drop=False)


def ancestors(tree: pd.DataFrame, code: str) -> list[str]:
    """The chain of codes from the top of the tree down to code (inclusive)."""
    if code not in tree.index:
        raise ScopeError(code)
    chain = [code]
    while (parent := tree.at[chain[-1], "parent_code"]) in tree.index:
        chain.append(parent)
    return chain[::-1]


def children(tree: pd.DataFrame, code: str) -> pd.DataFrame:
    """The direct children of an area, sorted by code."""
    return tree[tree["parent_code"] == code].sort_index()
