"""What every section builder shares: the request, the area, its children and the comparison."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

import pandas as pd

from brief.compare import compare_date, period_word
from brief.model import BriefRequest
from labels import label_of
from queries.area_query import AreaQuery
from queries.areas import area_tree, children
from queries.scope import ScopeError
from queries.tasks import unit_list


@dataclass(frozen=True)
class Context:
    """The resolved request: area level and name, child areas, comparison date and wording."""

    request: BriefRequest
    area: AreaQuery  # the area on the as-of date: what every page query is asked with
    area_name: str
    names: pd.Series  # area code -> name, inside the viewer's scope only
    kids: pd.DataFrame
    compare_date: date
    period: str
    unit_name: str | None = None  # the unit of a unit pack

    @property
    def area_level(self) -> str:
        """The level of the pack's area."""
        return self.area.level

    @property
    def before(self) -> AreaQuery:
        """The same area on the comparison date."""
        return self.area.on(self.compare_date)

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


def resolve(request: BriefRequest) -> Context:
    """Check the area against the viewer's scope and gather what the sections share."""
    tree = area_tree(request.db, request.scope)
    if request.area_code not in tree.index:
        raise ScopeError(request.area_code)
    row = tree.loc[request.area_code]
    unit_name = None
    if request.unit_code is not None:
        units = unit_list(request.db, request.scope)
        if request.unit_code not in units.index:
            raise KeyError(request.unit_code)
        unit_name = str(units.at[request.unit_code, "name"])
    area = AreaQuery(request.db, request.scope, request.area_code, str(row["level"]), request.asof)
    return Context(request=request, area=area, area_name=str(row["name"]),
                   names=tree["name"], kids=children(tree, request.area_code),
                   compare_date=compare_date(request.asof, request.compare), period=period_word(request.compare),
                   unit_name=unit_name)


def chart_label(text: object) -> str:
    """A database value as a chart label: plotly reads tags in text, so escape them."""
    return html.escape(str(text))
