"""The briefing pack in Streamlit: options, preview, build-on-click with progress, downloads.

build_* shape a pack for display (no Streamlit); render_* draw. The built files are kept in the
session under a key that includes the request, so a download never serves a stale pack.
"""

from __future__ import annotations

import time
from typing import Callable

import streamlit as st

from brief.build import FORMATS, MIME, BuiltPack, build_files, error_text
from brief.model import COMPARES, BriefRequest, Pack, Section
from components.labels import t
from components.text import md_escape

RESULT_KEY = "brief_result_{key}"


def build_figure_rows(section: Section) -> list[tuple[str, str, str | None]]:
    """(label, value, delta) per key figure, as st.metric takes them."""
    return [(figure.label, figure.text(), figure.delta_text() or None) for figure in section.figures]


def render_options(sections: tuple[str, ...], key: str) -> tuple[str, list[str]]:
    """The comparison and the sections to include; returns (compare, sections in pack order)."""
    left, right = st.columns([1, 3])
    compare = left.selectbox(t("brief.compare"), COMPARES, key=f"{key}_compare",
                             format_func=lambda code: t(f"brief_compare.{code}_option"))
    chosen = right.multiselect(t("brief.sections"), sections, default=list(sections),
                               key=f"{key}_sections", format_func=lambda code: t(f"brief_section.{code}"))
    return compare, [code for code in sections if code in chosen]


def render_preview(pack: Pack) -> None:
    """Each section's key figures, commentary and first table."""
    for section in pack.sections:
        st.markdown(f"#### {md_escape(section.title)}")
        rows = build_figure_rows(section)
        if rows:
            for column, (label, value, delta) in zip(st.columns(len(rows)), rows):
                column.metric(label, value, delta, delta_color="inverse", border=True)
        st.markdown("\n".join(f"- {md_escape(sentence)}" for sentence in section.commentary))
        for table in section.tables[:1]:
            st.caption(md_escape(table.title))
            height = min(400, 35 * (len(table.frame) + 1) + 3)  # short tables without blank rows
            st.dataframe(table.frame, hide_index=True, width="stretch", height=height)


def _build(request: BriefRequest) -> BuiltPack:
    bar = st.progress(0.0, text=t("brief.building"))

    def report(stage: str, share: float) -> None:
        bar.progress(share, text=t(f"brief.stage_{stage}"))

    built = build_files(request, report)
    bar.empty()
    return built


def render_build_and_download(request: BriefRequest, key: str, on_export: Callable[[str], None] | None = None) -> None:
    """A build button (nothing is built before the click), a progress bar, then three downloads;
    on_export(kind) runs when a file is handed out (the audit log records exports)."""
    slot = RESULT_KEY.format(key=key)
    if st.button(t("brief.build"), key=f"{key}_build", type="primary", disabled=not request.sections):
        started = time.perf_counter()
        try:
            built = _build(request)
        except Exception as error:  # a clear message, never a traceback
            st.session_state.pop(slot, None)
            st.error(t("brief.failed", detail=md_escape(error_text(error))))
            return
        st.session_state[slot] = (request, built, round(time.perf_counter() - started, 1))
    stored = st.session_state.get(slot)
    if stored is None or stored[0] != request:
        return
    _, built, seconds = stored
    st.success(t("brief.done", sections=len(built.pack.sections), seconds=seconds))
    if built.pack.chart_problem:
        st.warning(t("brief.no_charts", reason=md_escape(built.pack.chart_problem)))
    for column, kind in zip(st.columns(len(FORMATS)), FORMATS):
        column.download_button(t(f"brief.download_{kind}"), built.files[kind], file_name=built.file_name(kind),
                               mime=MIME[kind], key=f"{key}_download_{kind}", width="stretch",
                               on_click=on_export or "rerun", args=(kind,) if on_export else None)
