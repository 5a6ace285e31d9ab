"""Streamlit's English uploader words are replaced by the catalogue's (components/widget_text.py)."""

from __future__ import annotations

from components.widget_text import build_widget_text_css, css_string
from labels import t


def test_the_css_shows_the_catalogue_words_and_hides_the_english():
    css = build_widget_text_css()
    assert f'content: "{t("widget.upload_button")}"' in css
    assert f'content: "{t("widget.upload_instructions")}"' in css
    assert css.count("display: none;") == 2  # the button's and the limit line's own English


def test_catalogue_text_cannot_end_the_css_string_or_the_style_element():
    assert css_string('选择"; } body { display: none; } a::after { content: "') .count('"') == 2
    assert "<" not in css_string("</style><script>") and "\\" not in css_string("a\\")
