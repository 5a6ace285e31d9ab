"""Upload of one department's data on the 部门预警 page (county office): checked and imported at once.

The same import as `python -m db import-signals`: any bad row refuses the file and writes nothing;
the problems are listed by row number; every attempt is an import batch and an audit entry.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from components.auth_log import audit
from components.quality_panels import build_problem_table, render_problem_table
from components.quality_upload import MAX_UPLOAD_MB, _problem_frame
from components.view import View
from db.engine import make_engine
from db.imports.signals import DEPARTMENTS, import_signals
from labels import label_of, t
from queries.gateway import clear_caches, note_write


def render_signal_upload(view: View, viewer) -> None:
    """Department, receipt date, file, then 检查并导入 with the outcome and the problems."""
    st.subheader(t("signals.upload_header"))
    department = st.selectbox(t("signals.upload_department"), list(DEPARTMENTS), key="signals_upload_department",
                              format_func=lambda code: label_of("signal_department", code))
    received = st.date_input(t("signals.upload_received"), value=view.asof, format="YYYY-MM-DD",
                             key="signals_upload_received")
    upload = st.file_uploader(t("signals.upload_file"), type=["xlsx", "csv"], key="signals_upload")
    if upload is None or not st.button(t("signals.upload_import"), key="signals_upload_button"):
        return
    if upload.size > MAX_UPLOAD_MB << 20:
        st.error(t("quality.upload_too_large", size=f"{upload.size / (1 << 20):.1f}", limit=MAX_UPLOAD_MB))
        return
    name = Path(upload.name).name
    engine = make_engine(view.db)
    try:
        with tempfile.TemporaryDirectory(prefix="signals-upload-") as folder:
            path = Path(folder) / name
            path.write_bytes(upload.getvalue())
            summary = import_signals(engine, path, department, received=received,  # for the area in view
                                     imported_by=viewer.name if viewer else None, area_code=view.area_code)
    finally:
        engine.dispose()
    audit(view.db, viewer, "import", page="signals", area_code=view.area_code,
          detail=f"{name} department={department} batch={summary.batch_id} status={summary.status}")
    if summary.status == "done":
        note_write()
        clear_caches()
        st.success(t("signals.upload_done", batch=summary.batch_id, added=summary.counts.get("added", 0),
                     sent=summary.counts.get("sent", 0), again=summary.counts.get("already_imported", 0),
                     below=summary.counts.get("below_threshold", 0)))
    else:
        st.error(t("signals.upload_refused", batch=summary.batch_id))
    if summary.problems:
        render_problem_table(build_problem_table(_problem_frame(summary.problems, view)), key="signals_upload_problems")
