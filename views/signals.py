"""部门预警: department data matched to people, the verification loop, and who is late."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components.auth_log import audit
from components.legend import render_legend
from components.map_layers import LayerNames, build_area_map
from components.map_render import render_map
from components.roles import ROLES
from components.rollup_caption import signal_caption_text
from components.signal_panels import (build_funnel, build_history_table, build_monthly_figure, build_open_styles,
                                      build_overdue_table, build_received_table, build_settings_table,
                                      build_signal_list, render_stage_metrics, render_table, signal_choice,
                                      verified_choice)
from components.signal_upload import render_signal_upload
from components.state import Keys
from components.vega import render_vega
from components.view import View, current_view
from components.wall.frame import render_not_on_wall
from labels import label_of, t
from queries.areas import area_tree, children
from queries.map import child_boundaries
from queries.scope import ScopeError, child_key, code_range
from queries.signal_source import signal_state_freshness
from queries.signals import (SIGNAL_OUTCOMES, case_choices, funnel, median_days_to_verify, monthly,
                             open_by_village, overdue_count,
                             overdue_by_area, pending_list, received_by_department, record_verification,
                             review_history, signal_settings, verified_list, verify_days)

YEAR = dt.timedelta(days=365)


def show_county(view: View, tree) -> None:
    """Received by department, the funnel, who is late, the median, the map and the months."""
    area = (view.db, view.scope, view.area_code, view.area_level)
    stages = funnel(*area, view.asof, view.asof - YEAR)
    render_stage_metrics(stages, overdue_count(*area, view.asof, verify_days()))
    left, right = st.columns(2)
    with left:
        st.subheader(t("signals.received_header"))
        render_table(build_received_table(received_by_department(*area, view.asof)), "signals.empty", counts=True)
        median = median_days_to_verify(*area, view.asof, view.asof - YEAR)
        st.metric(t("signals.median_days"),
                  t("signals.days_unit", days=f"{median:g}") if median is not None else t("signals.median_none"))
    with right:
        st.subheader(t("signals.funnel_header"))
        render_vega(build_funnel(stages), key="signals_funnel")
    kids = children(tree, view.area_code)
    if not kids.empty:
        level = str(kids["level"].iloc[0])
        level_name = label_of("level", level)
        st.subheader(t("signals.overdue_header", level=level_name))
        overdue = overdue_by_area(*area, level, view.asof, verify_days())
        render_table(build_overdue_table(overdue, kids["name"], level_name), "signals.list_empty", counts=True,
                     key="signals_overdue")
    show_map(view, tree)
    st.subheader(t("signals.trend_header"))
    render_vega(build_monthly_figure(monthly(*area, view.asof, view.asof - YEAR)), key="signals_monthly")


def show_map(view: View, tree) -> None:
    """Areas under the area coloured by signals waiting for verification: the villages county-wide
    and below, above a county its children (thousands of villages would be neither legible nor light)."""
    kids = children(tree, view.area_code)
    level = "village" if view.area_level in ("county", "township") or kids.empty else str(kids["level"].iloc[0])
    low, high = code_range(view.area_code, view.area_level)
    areas = tree[(tree["level"] == level) & tree["code"].between(low, high)]
    if areas.empty:
        return
    st.subheader(t("signals.map_header"))
    waiting = open_by_village(view.db, view.scope, view.area_code, view.area_level, view.asof)
    waiting = waiting.groupby([child_key(code, level) for code in waiting.index]).sum() if not waiting.empty else waiting
    styles, legend = build_open_styles(areas, waiting)
    names = LayerNames(areas=t("map_layer.areas"), labels=t("map_layer.labels"), basemap=t("map.basemap"))
    geometries = child_boundaries(view.db, view.scope, view.area_code, view.area_level, level)
    render_map(build_area_map(geometries, styles, t("signals.col_pending"), names, t("map.area"), clickable=False),
               key=f"signals_map_{view.area_code}", clickable=False)
    render_legend(t("signals.col_pending"), legend, t("map.legend_count"))


def show_list(view: View, tree) -> None:
    """The signals to verify, oldest first (masked by role), and the form to record one."""
    st.subheader(t("signals.list_header"))
    recorded = st.session_state.pop(Keys.SIGNAL_RECORDED, None)
    if recorded:
        st.success(recorded)
    rows = pending_list(view.db, view.scope, view.area_code, view.area_level, view.asof)
    render_table(build_signal_list(rows, tree["name"], verify_days(), view.asof), "signals.list_empty",
                 key="signals_list")
    viewer = st.session_state.get(Keys.VIEWER)
    role = ROLES.get(viewer.role) if viewer else None
    last = st.session_state.get(Keys.SIGNAL_HISTORY_OF)
    if last is not None and (rows.empty or last not in set(rows["signal_id"])):
        show_history(view, int(last), "saved")  # the verification just recorded, as it now stands
    if not (role and role.may_verify):
        if not rows.empty:
            st.caption(t("signals.record_no_rights"))
        return
    if not rows.empty:
        show_record_form(view, viewer, signal_choice(rows))
    show_correction(view, viewer)


def show_record_form(view: View, viewer, choices: dict[int, str]) -> None:
    """Outcome, date, reviewer, note and (for included) the case; every record audited."""
    st.subheader(t("signals.record_header"))
    signal_id = st.selectbox(t("signals.record_pick"), list(choices), key="signals_pick", format_func=choices.get)
    record_inputs(view, viewer, signal_id, "signals", "verify")
    show_history(view, signal_id, "pending")


def show_correction(view: View, viewer) -> None:
    """A recorded verification corrected: a new review row naming the one it corrects (both shown)."""
    rows = verified_list(view.db, view.scope, view.area_code, view.area_level, view.asof)
    if rows.empty:
        return
    st.subheader(t("signals.record_correct"))
    st.caption(t("signals.correct_caption"))
    described = verified_choice(rows)
    picker_key = Keys.SIGNAL_CORRECT_PICK.format(saves=st.session_state.get(Keys.SIGNAL_SAVES, 0))
    signal_id = st.selectbox(t("signals.correct_pick"), list(described), key=picker_key, format_func=described.get)
    show_history(view, signal_id, "correct")
    record_inputs(view, viewer, signal_id, "signals_fix", "correct")


def record_inputs(view: View, viewer, signal_id: int, prefix: str, action: str) -> None:
    """The inputs of one review row and its save button; the row is appended, audited, and the page rerun."""
    outcome = st.selectbox(t("signals.record_outcome"), SIGNAL_OUTCOMES, key=f"{prefix}_outcome",
                           format_func=lambda code: label_of("signal_outcome", code))
    case_id = None
    if outcome == "included":
        cases = case_choices(view.db, view.scope, signal_id)
        options = [None] + [int(value) for value in cases["id"]]
        case_id = st.selectbox(t("signals.record_case"), options, key=f"{prefix}_case",
                               format_func=lambda value: t("signals.record_case_none") if value is None else str(value))
    with st.form(f"{prefix}_record", clear_on_submit=True):
        verified_on = st.date_input(t("signals.record_date"), value=view.asof, max_value=view.asof,
                                    format="YYYY-MM-DD", key=f"{prefix}_date")
        reviewer = st.text_input(t("signals.record_reviewer"), value=viewer.display_name, key=f"{prefix}_reviewer")
        note = st.text_area(t("signals.record_note"), key=f"{prefix}_note", max_chars=500)
        submitted = st.form_submit_button(t(f"signals.{action}_submit"), type="primary")
    if not submitted:
        return
    try:
        review_id = record_verification(view.db, view.scope, signal_id, outcome=outcome, verified_on=verified_on,
                                        reviewer=reviewer, note=note, case_id=case_id, recorded_by=viewer.name)
    except ScopeError:
        audit(view.db, viewer, "refused", page="signals", area_code=view.area_code, detail=f"{action} {signal_id}")
        st.error(t("signals.record_refused"))
        return
    audit(view.db, viewer, "verify", page="signals", area_code=view.area_code,  # detail: verify or correct
          detail=f"{action} signal={signal_id} review={review_id} outcome={outcome} case={case_id}")
    # Rerun so the lists above show the new state; the message survives the rerun.
    st.session_state[Keys.SIGNAL_RECORDED] = t(f"signals.{action}_done", signal=signal_id,
                                       outcome=label_of("signal_outcome", outcome))
    st.session_state[Keys.SIGNAL_HISTORY_OF] = signal_id
    # The correction picker starts again on the newest verification, the one just saved: a new key, since
    # the browser keeps a selectbox's value while it is still an option (a deleted state key is not enough).
    st.session_state[Keys.SIGNAL_SAVES] = st.session_state.get(Keys.SIGNAL_SAVES, 0) + 1
    st.rerun()


def show_settings() -> None:
    """The county's deadline and thresholds of the loop, as the code applies them (rules/settings.py)."""
    with st.expander(t("signals.settings_header")):
        render_table(build_settings_table(signal_settings()), "signals.empty", key="signals_settings")


def show_history(view: View, signal_id: int, where: str) -> None:
    """Every review row of a signal, a correction next to what it corrects."""
    st.markdown(f"**{t('signals.history_header')}**")
    render_table(build_history_table(review_history(view.db, view.scope, signal_id)), "signals.list_empty",
                 key=f"signals_history_{where}_{signal_id}")


def main() -> None:
    """County views get the overview; every view with household rows gets its list to verify."""
    view = current_view()
    if view.screen:  # lists and forms: not for the wall (the cockpit's wall carries the news lines)
        render_not_on_wall(t("signals.title"))
        return
    st.title(t("signals.title"))
    st.caption(t("signals.caption"))
    tree = area_tree(view.db, view.scope)
    if view.area_code not in tree.index:
        st.error(t("signals.not_allowed"))
        st.stop()
    st.caption(t("signals.settings_note", days=verify_days()))
    st.caption(signal_caption_text(signal_state_freshness(view.db)))
    show_settings()
    show_county(view, tree)
    if view.scope.household_detail:
        show_list(view, tree)
    viewer = st.session_state.get(Keys.VIEWER)
    role = ROLES.get(viewer.role) if viewer else None
    if role and role.may_import and not view.screen:
        render_signal_upload(view, viewer)


main()
