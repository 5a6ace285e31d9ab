"""汇报材料: pick comparison and sections, preview the commentary, build PPTX/PDF/XLSX on click."""

from __future__ import annotations

import streamlit as st

from brief.model import BriefRequest
from brief.sections import build_pack, section_keys
from components.auth import log_export
from components.brief_panel import render_build_and_download, render_options, render_preview
from components.labels import t
from components.view import current_view


def main() -> None:
    """Draw the briefing-pack page for the current view (area and date from the shared sidebar)."""
    view = current_view()
    st.title(t("brief.page"))
    st.caption(t("brief.caption"))
    compare, sections = render_options(section_keys(), key="brief_page")
    if not sections:
        st.info(t("brief.no_sections"))
        return
    request = BriefRequest(view.db, view.scope, view.area_code, view.asof, compare, tuple(sections))
    render_build_and_download(request, key="brief_page",
                              on_export=lambda kind: log_export(view, "brief", f"{kind}: {','.join(request.sections)}"))
    st.subheader(t("brief.preview"))
    st.caption(t("brief.preview_caption"))
    render_preview(build_pack(request))


main()
