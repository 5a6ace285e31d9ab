"""The head every desk page opens with: its title, its 导出汇报材料 popover and its caption."""

from __future__ import annotations

import streamlit as st

from components.brief_button import render_brief_download
from components.view import View


def render_page_head(view: View, title: str, caption: str, pack: tuple[str, ...] = (),
                     page: str | None = None) -> None:
    """Title, then (for pages that have pack sections) the pack popover, then the caption."""
    st.title(title)
    if pack and page:
        render_brief_download(view, pack, page)
    st.caption(caption)
