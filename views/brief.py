"""汇报材料: pick comparison and sections, preview the commentary, build PPTX/PDF/XLSX on click."""

from __future__ import annotations

import streamlit as st

from brief.model import BriefRequest
from brief.sections import build_pack, section_keys
from components.auth_log import export_logger
from components.brief_panel import render_build_and_download, render_options, render_preview
from labels import t
from components.wall.frame import render_not_on_wall
from components.view import current_view
from components.page_head import render_page_head


def main() -> None:
    """Draw the briefing-pack page for the current view (area and date from the shared sidebar)."""
    view = current_view()
    if view.screen:  # nothing to watch on a wall: no controls there
        render_not_on_wall(t("brief.page"))
        return
    render_page_head(view, t("brief.page"), t("brief.caption"))
    compare, sections = render_options(section_keys(), key="brief_page")
    if not sections:
        st.info(t("brief.no_sections"))
        return
    request = BriefRequest(view.db, view.scope, view.area_code, view.asof, compare, tuple(sections))
    render_build_and_download(request, key="brief_page", log=export_logger(view, "brief"))
    st.subheader(t("brief.preview"))
    st.caption(t("brief.preview_caption"))
    render_preview(build_pack(request))


main()
