"""Text from the URL or the database on its way into Markdown-rendering elements.

Streamlit renders Markdown in st.markdown, captions, alerts, headings, button and tab labels and
st.table cells. Every value a user or an import can choose passes through md_escape (or echo, for a
value echoed back from the URL), so it always shows as typed: no link, no image, no formatting.
"""

from __future__ import annotations

import pandas as pd

ECHO_LIMIT = 40  # characters of a rejected value shown back to the user
ELLIPSIS = "…"
_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>&~$:=\"'@^%")
# A word joiner after "www" and "://" breaks GFM's autolink literals even where an escape would not
# (an escaped character inside a bare URL is still part of the text a renderer may scan).
_JOINER = "\u2060"


def shorten(text: object, limit: int = ECHO_LIMIT) -> str:
    """At most limit characters, with an ellipsis when cut."""
    value = str(text)
    return value if len(value) <= limit else value[:limit] + ELLIPSIS


def md_escape(text: object) -> str:
    """Escape Markdown (and the HTML it would pass) and break bare URLs, so the text shows as typed."""
    value = str(text).replace("://", f":{_JOINER}//").replace("www.", f"www{_JOINER}.")
    value = value.replace("WWW.", f"WWW{_JOINER}.")
    return "".join("\\" + char if char in _MARKDOWN_SPECIAL else char for char in value)


def echo(value: object, limit: int = ECHO_LIMIT) -> str:
    """A value echoed back to the user (a rejected URL parameter): cut to limit characters, escaped."""
    return md_escape(shorten(value, limit))


def md_cells(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell escaped, for st.table (which renders Markdown in cells)."""
    return table.map(lambda value: md_escape(value) if isinstance(value, str) else value)
