"""Text from the database on its way into Markdown-rendering elements."""

from __future__ import annotations

_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>&~$:")


def md_escape(text: object) -> str:
    """Escape Markdown (and the HTML it would pass) so a database value always shows as typed."""
    return "".join("\\" + char if char in _MARKDOWN_SPECIAL else char for char in str(text))
