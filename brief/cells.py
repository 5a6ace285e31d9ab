"""Values on their way into a spreadsheet: formulas neutralised, numbers kept as numbers."""

from __future__ import annotations

import math
from datetime import date, datetime
from numbers import Number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what Excel, LibreOffice and WPS read as a formula


def safe_cell(value: object) -> object:
    """A number or date as itself; text that would start a formula gets a leading apostrophe."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Number):
        return value.item() if hasattr(value, "item") else value  # numpy scalars -> plain numbers
    if isinstance(value, (date, datetime)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def display_rows(frame) -> list[list[str]]:
    """A table as text rows for a slide or a PDF: the header, then each row's display values."""
    return [list(map(str, frame.columns))] + [[display_cell(v) for v in row] for row in frame.itertuples(index=False)]


def display_cell(value: object) -> str:
    """A value as slide or PDF text: thousands separators for numbers, ISO dates, empty for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Number):
        number = float(value)
        return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
