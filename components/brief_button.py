"""A compact 导出汇报材料 popover any page can call to build and download a pack of its sections."""

from __future__ import annotations

import streamlit as st

from brief.model import BriefRequest
from components.auth_log import export_logger
from components.brief_panel import render_build_and_download
from labels import t
from components.view import View


def render_brief_download(view: View, sections: tuple[str, ...], page: str, unit_code: str | None = None) -> None:
    """A popover with the comparison and the build/download buttons for the page's own sections
    (none on the big screen, which nobody operates during the meeting); with unit_code, that unit's pack."""
    if view.screen:
        return
    key = "brief_button_" + "_".join(sections) + (f"_{unit_code}" if unit_code else "")
    with st.popover(t("brief.popover")):
        st.caption(t("brief.popover_caption"))
        compare = st.selectbox(t("brief.compare"), ("week", "month", "year"), key=f"{key}_compare",
                               format_func=lambda code: t(f"brief_compare.{code}_option"))
        request = BriefRequest(view.db, view.scope, view.area_code, view.asof, compare, tuple(sections), unit_code)
        render_build_and_download(request, key=key, log=export_logger(view, page))
