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

    def link(self, **overrides: object) -> dict[str, str]:
        """Query parameters for a permalink to this view with some values changed."""
        values: dict[str, object] = {"area": self.area_code, "asof": asof_param(self.asof, date.today()),
                                     "screen": self.screen}
        values.update(overrides)
        return permalink(values)


def current_view() -> View:
    """The view the frame resolved for this run (pages call this, never parse the URL)."""
    view = st.session_state.get(Keys.VIEW)
    if view is None:
        _rerun_through_frame()
    return view


def _rerun_through_frame() -> None:
    # With a folder named pages/, Streamlit starts in its legacy multipage mode and, on a fresh
    # server, runs pages/<page>.py directly instead of app.py until st.navigation has been called
    # once. Leave that mode (what st.navigation itself does) and rerun: app.py then routes.
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    raise RuntimeError("app frame did not set the view; run the app with `streamlit run app.py`")
