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
    CLIENT = "auth_client"  # a random token per browser session: the client failed sign-ins are counted by
    SSO_AUDITED = "auth_sso_audited"  # the single-sign-on identity this session already logged
    SIGN_OUT_BUTTON = "auth_sign_out"
    SESSION = "auth_session"  # the id of this tab's session record (checked again on every run)
    SESSION_TICKET = "auth_session_ticket"  # the one-time ticket the browser trades for its cookie, and when
    CRUMB_BUTTON = "crumb_{position}"
    # Drill-down tables: a row selection is forgotten when it opens another view.
    CHILD_TABLE = "children_{area}"
    HOUSEHOLD_TABLE = "households_{village}_{filter}_{page}"
    WARNING_TABLE = "warn_{area}"
    FINDING_TABLE = "findings_{area}"
    # Widgets whose value lives in the URL (components/url_state.py sets them from it on every run).
    MAP_INDICATOR = "map_indicator"
    MAP_GROUP = "map_group"
    MAP_CLICK = "map_{area}_{level}"  # the area map's last click, forgotten after drilling
    OVERVIEW_MAP = "overview_map_{area}"
    RISK_TYPES = "risk_types"
    RISK_CODES = "risk_codes"
    RISK_FROM_DAY = "risk_from"
    RISK_TO_DAY = "risk_to"
    RISK_MEASURE = "risk_measure"
    RISK_SORT = "risk_sort"
    RISK_WARNINGS = "risk_warnings"  # the warning list; its table's selection is "<key>_table"
    TRENDS_PERIOD = "trends_period_picker_{first}_{last}_{asof}"  # one widget per period shown
    TRENDS_SECTION = "trends_section"
    TASKS_PICK_UNIT = "tasks_pick_unit"
    TASKS_PICK_TASK = "tasks_pick_task"
    TASKS_SORT = "tasks_sort"
    # Briefing packs: the last pack built on a page (so a rerun does not build it again).
    BRIEF_RESULT = "brief_result_{key}"
    # Big screen rotation.
    SCREEN_PAGE = "screen_page"  # the page on screen, to time its dwell
    SCREEN_SHOWN_AT = "screen_shown_at"
    SCREEN_PAUSED = "screen_paused"
    SCREEN_PAUSE_BUTTON = "screen_pause"
    BRIEF_LAST_BUILD = "brief_last_build"  # monotonic time of this session's last pack build (the cooldown)
    # 部门预警: the verification just saved, shown after the rerun with its history.
    SIGNAL_RECORDED = "signals_recorded"  # its message
    SIGNAL_HISTORY_OF = "signals_history_of"  # the signal whose history to show
    SIGNAL_SAVES = "signals_records_saved"  # bumped on each save: a new correction picker
    SIGNAL_CORRECT_PICK = "signals_fix_pick_{saves}"


def init_state() -> None:
    """Create the keys the frame relies on; safe to call on every run."""
    st.session_state.setdefault(Keys.VIEW, None)
    st.session_state.setdefault(Keys.AUDITED, set())
