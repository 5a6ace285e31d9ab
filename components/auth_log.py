"""The audit entries of who looked: one function to append an entry, the export logger, the page-view log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import streamlit as st

from components.state import Keys
from components.view import View
from queries.audit import AuditEntry, ensure_audit_table, record

if TYPE_CHECKING:
    from components.auth import Viewer


def audit(db: str, viewer: Viewer | None, action: str, page: str | None = None, area_code: str | None = None,
          household_id: int | None = None, detail: str = "", user_name: str | None = None) -> bool:
    """Append an audit entry for the viewer (or a named would-be user); False (and a server log
    line) when it could not be written."""
    ensure_audit_table(db)
    return record(db, AuditEntry(user_name=user_name or (viewer.name if viewer else "-"),
                                 role=viewer.role if viewer else "-", action=action, page=page,
                                 area_code=area_code, household_id=household_id, detail=detail))


def export_logger(view: View, page: str) -> Callable[[str], bool]:
    """A function that records an export of `what` by this session's viewer. The viewer is taken
    now, so the function also works where Streamlit generates a download: on a thread of its own,
    without the session's state."""
    viewer = st.session_state.get(Keys.VIEWER)

    def log(what: str) -> bool:
        return audit(view.db, viewer, "export", page=page, area_code=view.area_code, household_id=view.household,
                     detail=what)

    return log


def log_view(viewer: Viewer, view: View, page: str, refusals: list[str]) -> bool:
    """Log the view once per session (reruns repeat nothing), full-detail views as 'detail', and refusals.

    False when a 'detail' entry could not be written: the frame must then not show the page, since
    unmasked personal data may only be seen on the record.
    """
    seen: set = st.session_state.setdefault(Keys.AUDITED, set())
    for refusal in refusals:
        key = ("refused", viewer.name, page, refusal)
        if key not in seen:
            seen.add(key)
            audit(view.db, viewer, "refused", page=page, area_code=view.area_code, detail=refusal)
    full_detail = viewer.scope.personal_detail and (view.household is not None or view.area_level == "village")
    action = "detail" if full_detail else "view"
    key = (action, viewer.name, page, view.area_code, view.household, view.asof)
    if key in seen:
        return True
    written = audit(view.db, viewer, action, page=page, area_code=view.area_code, household_id=view.household,
                    detail=f"asof={view.asof.isoformat()}")
    if written:  # a failed write is tried again on the next run, not remembered as done
        seen.add(key)
    return written or action != "detail"
