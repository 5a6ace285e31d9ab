"""The label catalogue: every user-facing string, looked up by a dotted key."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

CATALOGUE_DIR = Path(__file__).resolve().parent
DEFAULT_LOCALE = "zh_CN"


@lru_cache(maxsize=4)
def _catalogue(locale: str) -> dict[str, str]:
    with open(CATALOGUE_DIR / f"labels_{locale}.toml", "rb") as handle:
        nested = tomllib.load(handle)
    return {f"{section}.{key}": value for section, entries in nested.items() for key, value in entries.items()}


def t(key: str, locale: str = DEFAULT_LOCALE, **values: object) -> str:
    """The label for key, formatted with values; a missing key shows itself so it gets noticed."""
    text = _catalogue(locale).get(key, key)
    return text.format(**values) if values else text


def label_of(section: str, code: str | None, locale: str = DEFAULT_LOCALE) -> str:
    """The label of a data code in a section (e.g. case_type, unstable); unknown codes pass through."""
    if code is None:
        return ""
    return _catalogue(locale).get(f"{section}.{code}", str(code))


def has_label(key: str, locale: str = DEFAULT_LOCALE) -> bool:
    """True when the catalogue holds key."""
    return key in _catalogue(locale)
