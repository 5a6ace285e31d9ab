"""Every session-state key in one place, and the one idempotent initialiser."""

from __future__ import annotations

import streamlit as st


class Keys:
    """Session-state keys. Pages read the view through Keys.VIEW, set by the app frame."""

    VIEW = "view"
    ROLE = "role"
    AREA_PICKER = "area_picker_{level}"
    ASOF_PICKER = "asof_picker"
    REMEMBERED_AREA = "remembered_area"  # the last valid area, restored after a page switch
    REMEMBERED_ASOF = "remembered_asof"
    HOUSEHOLD_PAGE = "household_page_{village}"
    HOUSEHOLD_FILTER = "household_filter_{village}"


def init_state() -> None:
    """Create the keys the frame relies on; safe to call on every run."""
    st.session_state.setdefault(Keys.VIEW, None)
