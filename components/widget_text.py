"""Streamlit's own widget words in Chinese.

The file uploader's button (Upload) and its limit line (200MB per file • XLSX, CSV) come in
English from Streamlit's front end, which has no locale setting. CSS hides those words and shows
the catalogue's instead; each uploader's caption states its own limits and file types.
"""

from __future__ import annotations

import streamlit as st

from labels import t

UPLOADER = '[data-testid="stFileUploaderDropzone"]'
# The dropzone's own button (not a file chip's remove button nor the add-more button).
UPLOAD_BUTTON = f'{UPLOADER} [data-testid="stBaseButton-secondary"]'
INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"]'


def css_string(text: str) -> str:
    """A CSS string literal of catalogue text (quotes, backslashes and angle brackets dropped)."""
    return '"' + "".join(char for char in text if char not in '"\\<>') + '"'


def build_widget_text_css() -> str:
    """Rules that replace the uploader's English button and limit line with the catalogue's words."""
    return (f'{UPLOAD_BUTTON} [data-testid="stMarkdownContainer"] {{ display: none; }}\n'
            f"{UPLOAD_BUTTON} span[data-has-shortcut]::after {{ content: {css_string(t('widget.upload_button'))}; }}\n"
            f"{INSTRUCTIONS} span {{ display: none; }}\n"
            f"{INSTRUCTIONS} > div::after {{ content: {css_string(t('widget.upload_instructions'))}; }}\n")


def render_widget_text() -> None:
    """Once per run, in the sidebar so that it takes no place among a page's elements."""
    st.html(f"<style>{build_widget_text_css()}</style>")
