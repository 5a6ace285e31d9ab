"""The briefing pack in Streamlit: options, preview, build-on-click with progress, downloads.

build_* shape a pack for display (no Streamlit); render_* draw. The built pack is kept in the
session under a key that includes the request, so a download never serves a stale pack; Streamlit
registers a file only when its download is clicked, and the audit entry is written then.
"""

from __future__ import annotations

import math
import os
import time
from functools import partial
from typing import Mapping

import streamlit as st

from brief.build import FORMATS, MIME, BuiltPack, build_or_reuse, error_text, reusable_pack
from brief.model import COMPARES, BriefRequest, Pack, Section
from components.exports import ExportLog, render_download
from components.state import Keys
from components.text import md_escape
from labels import t

DEFAULT_COOLDOWN_SECONDS = 30


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


def brief_cooldown(env: Mapping[str, str] = os.environ) -> int:
    """Seconds a session waits between two pack builds (DASHBOARD_BRIEF_COOLDOWN, a local choice)."""
    text = env.get("DASHBOARD_BRIEF_COOLDOWN", "")
    return int(text) if text.isdigit() else DEFAULT_COOLDOWN_SECONDS


def cooldown_left(last_build: float | None, now: float, cooldown: int) -> int:
    """Whole seconds until this session may build again (0: now)."""
    if last_build is None:
        return 0
    return max(0, math.ceil(last_build + cooldown - now))


def _build(request: BriefRequest) -> tuple[BuiltPack, bool]:
    bar = st.progress(0.0, text=t("brief.building"))

    def report(stage: str, share: float) -> None:
        bar.progress(share, text=t(f"brief.stage_{stage}"))

    built = build_or_reuse(request, report)
    bar.empty()
    return built


def _what(request: BriefRequest, kind: str) -> str:
    unit = f", unit={request.unit_code}" if request.unit_code else ""
    return f"{kind}: {','.join(request.sections)} ({request.compare}, {request.asof.isoformat()}{unit})"


def _build_into(request: BriefRequest, slot: str, log: ExportLog) -> None:
    started = time.perf_counter()
    try:
        built, reused = _build(request)
    except Exception as error:  # a clear message, never a traceback
        st.session_state.pop(slot, None)
        st.error(t("brief.failed", detail=md_escape(error_text(error))))
        return
    if not reused:
        st.session_state[Keys.BRIEF_LAST_BUILD] = time.monotonic()
    log(_what(request, "build"))
    st.session_state[slot] = (request, built, round(time.perf_counter() - started, 1), reused)


def render_build_and_download(request: BriefRequest, key: str, log: ExportLog) -> None:
    """A build button (nothing is built before the click; a session waits brief_cooldown() seconds
    between builds, and a pack built for the same request minutes ago is reused), a progress bar,
    then three downloads whose files are written only when clicked. log(what) records the build
    and every file handed out in the audit log."""
    slot = Keys.BRIEF_RESULT.format(key=key)
    if st.button(t("brief.build"), key=f"{key}_build", type="primary", disabled=not request.sections):
        wait = cooldown_left(st.session_state.get(Keys.BRIEF_LAST_BUILD), time.monotonic(), brief_cooldown())
        if wait and reusable_pack(request) is None:
            st.warning(t("brief.cooldown", seconds=wait))  # the pack built before stays downloadable below
        else:
            _build_into(request, slot, log)
    stored = st.session_state.get(slot)
    if stored is None or stored[0] != request:
        return
    _, built, seconds, reused = stored
    st.success(t("brief.reused" if reused else "brief.done", sections=len(built.pack.sections), seconds=seconds))
    if built.pack.chart_problem:
        st.warning(t("brief.no_charts", reason=md_escape(built.pack.chart_problem)))
    for column, kind in zip(st.columns(len(FORMATS)), FORMATS):
        with column:  # the bytes stay in the session; Streamlit serves them only after the click and its entry
            render_download(t(f"brief.download_{kind}"), partial(built.files.get, kind), built.file_name(kind),
                            MIME[kind], f"{key}_download_{kind}", log, _what(request, kind), width="stretch")
