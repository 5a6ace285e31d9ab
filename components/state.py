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
    USER = "auth_user"  # the signed-in user's name; the frame looks the user up again on every run
    VIEWER = "auth_viewer"  # the resolved Viewer (who, role, scope) for this run
    SAMPLE_ROLE = "auth_sample_role"  # sample mode: the role switcher's choice
    AUDITED = "auth_audited"  # what this session already logged, so reruns do not repeat entries
    ROOT_PICKER = "area_root_picker"  # users with several assigned areas pick one here


def init_state() -> None:
    """Create the keys the frame relies on; safe to call on every run."""
    st.session_state.setdefault(Keys.VIEW, None)
    st.session_state.setdefault(Keys.AUDITED, set())
