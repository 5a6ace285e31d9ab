"""Putting a wall layout on the page: the stage, the page heading and the rotation line."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from pathlib import Path

import streamlit as st

from labels import t


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The wall's CSS (viewport-sized layout, dark panels)."""
    return Path(__file__).with_name("wall.css").read_text(encoding="utf-8")


def stage_html(title: str, subtitle: str, body: str) -> str:
    """The fixed stage under the title bar: the page's name, a line of context, then its grid."""
    return (f'<div class="wall-stage"><div class="wall-heading"><h2>{escape(title)}</h2>'
            f'<span>{escape(subtitle)}</span></div>{body}</div>')


def message_html(text: str) -> str:
    """A stage body that only says something (a page that is not for the wall, no data)."""
    return f'<div class="wall-message">{escape(text)}</div>'


def render_wall(title: str, subtitle: str, body: str) -> None:
    """Draw a composed wall page (the frame has already loaded the dark theme)."""
    st.html(f"<style>{stylesheet()}</style>{stage_html(title, subtitle, body)}")


def render_not_on_wall(title: str) -> None:
    """What a page that has no wall layout (briefing, audit) shows on the big screen: only its name."""
    render_wall(title, "", message_html(t("wall.not_on_wall", page=title)))
