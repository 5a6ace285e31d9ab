"""Upload of a national-system export on the data-quality page: check, preview the problems, import.

Only roles that may import see it. The file is checked exactly as `python -m db import-ledger
--check` does, then imported with a progress bar; both attempts are import batches and audit entries.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from components.auth_log import audit
from components.quality_panels import build_problem_table, render_problem_table
from components.roles import ROLES
from components.state import Keys
from components.view import View
from db.engine import make_engine
from db.imports.ledger import import_ledger
from labels import t
from queries.gateway import clear_caches, note_write
from queries.quality import batch_problems, import_history

MAX_UPLOAD_MB = 200  # also server.maxUploadSize in .streamlit/config.toml
UPLOAD_TYPES = ["xlsx", "xls", "csv"]
CHECKED_KEY = "quality_checked_{name}"


def may_import() -> bool:
    """True when the signed-in viewer's role may upload exports."""
    viewer = st.session_state.get(Keys.VIEWER)
    role = ROLES.get(viewer.role) if viewer else None
    return bool(role and role.may_import)


def render_upload(view: View) -> None:
    """File picker, export date, 检查 then 导入, each with a progress bar and the problems listed."""
    viewer = st.session_state.get(Keys.VIEWER)
    st.subheader(t("quality.upload_header"))
    st.caption(t("quality.upload_caption", limit=MAX_UPLOAD_MB))
    upload = st.file_uploader(t("quality.upload_file"), type=UPLOAD_TYPES, key="quality_upload")
    asof = st.date_input(t("quality.upload_asof"), value=None, format="YYYY-MM-DD", key="quality_asof")
    if upload is None:
        return
    size_mb = upload.size / (1 << 20)
    if size_mb > MAX_UPLOAD_MB:
        st.error(t("quality.upload_too_large", size=f"{size_mb:.1f}", limit=MAX_UPLOAD_MB))
        return
    name = Path(upload.name).name  # never a path the browser chose
    checked_key = CHECKED_KEY.format(name=f"{name}:{upload.size}:{asof}")
    if st.button(t("quality.upload_check"), key="quality_check_button"):
        summary = _run(view, viewer, name, upload.getvalue(), asof, check=True)
        st.session_state[checked_key] = summary
    summary = st.session_state.get(checked_key)
    if summary is None:
        return
    st.write(t("quality.upload_preview", errors=len(summary.errors), warnings=len(summary.warnings)))
    if summary.problems:
        problems = build_problem_table(_problem_frame(summary.problems, view))
        render_problem_table(problems, key="quality_upload_problems")
    if summary.errors:
        st.error(t("quality.upload_has_errors"))
        return
    st.success(t("quality.upload_ready", rows=f"{summary.counts.get('rows_read', 0):,}",
                 households=f"{summary.counts.get('households', 0):,}"))
    if st.button(t("quality.upload_import"), key="quality_import_button", type="primary"):
        done = _run(view, viewer, name, upload.getvalue(), asof, check=False)
        st.session_state.pop(checked_key, None)
        if done.status == "done":
            clear_caches()  # every page shows the imported data at once
            st.success(t("quality.upload_done", batch=done.batch_id, rows=f"{done.counts.get('rows_read', 0):,}",
                         added=f"{done.counts.get('added', 0):,}", updated=f"{done.counts.get('updated', 0):,}"))
        else:
            st.error(t("quality.upload_refused", batch=done.batch_id))


def _run(view: View, viewer, name: str, data: bytes, asof, check: bool):
    """Check or import the uploaded bytes (saved under their own name in a private temporary folder)."""
    bar = st.progress(0.0, text=t("quality.upload_checking" if check else "quality.upload_importing"))
    engine = make_engine(view.db)
    try:
        with tempfile.TemporaryDirectory(prefix="ledger-upload-") as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            summary = import_ledger(engine, path, asof=asof, check=check,
                                    imported_by=viewer.name if viewer else None, within=view.scope.covers,
                                    progress=lambda share, stage: bar.progress(min(1.0, share), text=stage))
    finally:
        engine.dispose()
    bar.empty()
    note_write()  # the replica may not hold the batch yet: this process reads the primary for a while
    import_history.clear()  # the new batch shows in the history at once
    batch_problems.clear()
    audit(view.db, viewer, "import", page="quality", area_code=view.area_code,
          detail=f"{name} batch={summary.batch_id} status={summary.status} rows={summary.counts.get('rows_read', 0)}")
    return summary


def _problem_frame(problems, view: View):
    import pandas as pd

    from queries.quality import mask_problem_text

    frame = pd.DataFrame([{"level": p.level, "sheet": p.sheet, "row": p.row, "column": p.column, "value": p.value,
                           "message": p.message} for p in problems])
    if not view.scope.personal_detail:
        for column in ("value", "message"):
            frame[column] = frame[column].map(mask_problem_text)
    return frame
