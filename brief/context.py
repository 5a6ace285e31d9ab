"""What every section builder shares: the request, the area, its children and the comparison."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

import pandas as pd

from brief.compare import compare_date, period_word
from brief.model import BriefRequest
from components.labels import label_of
from queries.areas import area_tree, children
from queries.scope import ScopeError


@dataclass(frozen=True)
class Context:
    """The resolved request: area level and name, child areas, comparison date and wording."""

    request: BriefRequest
    area_level: str
    area_name: str
    names: pd.Series  # area code -> name, inside the viewer's scope only
    kids: pd.DataFrame
    compare_date: date
    period: str

    @property
    def child_level(self) -> str | None:
        """The level of the area's children (None for a village)."""
        return None if self.kids.empty else str(self.kids["level"].iloc[0])

    @property
    def group_level(self) -> str:
        """The level figures are grouped by: the children's, or the area's own when it has none."""
        return self.child_level or self.area_level

    @property
    def child_word(self) -> str:
        """乡镇 / 村: how the commentary names the children."""
        return label_of("level", self.group_level)

    def name_of(self, code: str) -> str:
        """An area's name (its code when the tree does not know it)."""
        return str(self.names.get(code, code))

    def args(self, day: date | None = None) -> tuple:
        """(db, scope, area code, area level, day) as the query functions take them."""
        r = self.request
        return r.db, r.scope, r.area_code, self.area_level, day or r.asof


def resolve(request: BriefRequest) -> Context:
    """Check the area against the viewer's scope and gather what the sections share."""
    tree = area_tree(request.db, request.scope)
    if request.area_code not in tree.index:
        raise ScopeError(request.area_code)
    row = tree.loc[request.area_code]
    return Context(request=request, area_level=str(row["level"]), area_name=str(row["name"]),
                   names=tree["name"], kids=children(tree, request.area_code),
                   compare_date=compare_date(request.asof, request.compare), period=period_word(request.compare))


def chart_label(text: object) -> str:
    """A database value as a chart label: plotly reads tags in text, so escape them."""
    return html.escape(str(text))
