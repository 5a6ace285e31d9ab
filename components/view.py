"""The view every page renders: database, scope, area, date and flags, resolved by the frame."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from components.state import Keys
from components.url_params import asof_param, permalink
from queries.scope import Scope


@dataclass(frozen=True)
class View:
    """What the viewer asked to see, already validated against the data and their scope."""

    db: str
    scope: Scope
    area_code: str
    area_level: str
    asof: date
    household: int | None = None
    unit: str | None = None
    screen: bool = False
    is_sample: bool = False
    pages: frozenset[str] = frozenset()  # url paths of the pages the viewer's role may open (links only there)

    def link(self, **overrides: object) -> dict[str, str]:
        """Query parameters for a permalink to this view with some values changed."""
        values: dict[str, object] = {"area": self.area_code, "asof": asof_param(self.asof, date.today()),
                                     "screen": self.screen}
        values.update(overrides)
        return permalink(values)


def current_view() -> View:
    """The view the frame resolved for this run (pages call this, never parse the URL)."""
    view = st.session_state.get(Keys.VIEW)
    if view is None:  # st.navigation always runs app.py first; a page run alone has no frame
        raise RuntimeError("app frame did not set the view; run the app with `streamlit run app.py`")
    return view
