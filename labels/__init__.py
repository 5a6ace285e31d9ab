"""The label catalogue: every user-facing string, looked up by a dotted key."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

CATALOGUE_DIR = Path(__file__).resolve().parent
DEFAULT_LOCALE = "zh_CN"


@lru_cache(maxsize=4)
def _catalogue(locale: str) -> dict[str, str]:
    # One file per feature (core, tasks, trends, ...) so features add labels without touching
    # each other's files; a section defined twice is a mistake that must not pass silently.
    labels: dict[str, str] = {}
    owner: dict[str, str] = {}
    for path in sorted((CATALOGUE_DIR / locale).glob("*.toml")):
        with open(path, "rb") as handle:
            nested = tomllib.load(handle)
        for section, entries in nested.items():
            if owner.setdefault(section, path.name) != path.name:
                raise ValueError(f"label section [{section}] is in both {owner[section]} and {path.name}")
            labels.update({f"{section}.{key}": value for key, value in entries.items()})
    return labels


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


def label_keys(locale: str = DEFAULT_LOCALE) -> frozenset[str]:
    """Every key of the catalogue (for checks of keys the code builds from parts)."""
    return frozenset(_catalogue(locale))


RETIRED_SECTION = "glossary_retired"


def retired_words(locale: str = DEFAULT_LOCALE) -> tuple[str, ...]:
    """Words officials do not use, which no label, page or pack may show (the glossary's keys)."""
    prefix = f"{RETIRED_SECTION}."
    return tuple(key[len(prefix):] for key in _catalogue(locale) if key.startswith(prefix))
