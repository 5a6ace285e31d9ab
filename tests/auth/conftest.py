"""Fixtures for sign-in, roles and audit tests: a users file of personas on the small sample county."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.auth_users import AUTH_FILE_ENV, hash_password
from labels import _catalogue
from components.state import Keys
from tests.conftest import on_page, read_table, vega_rows

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ASOF = "2026-11-20"
PASSWORD = "correct horse 9"
# Hashing is deliberately slow: hash once for every persona.
PASSWORD_HASH = hash_password(PASSWORD)


@dataclass(frozen=True)
class Sample:
    """The sample county's tables and the areas the personas are assigned."""

    areas: pd.DataFrame
    households: pd.DataFrame
    town_a: str
    town_b: str
    villages_b: tuple[str, ...]


@pytest.fixture(scope="session")
def sample(sample_db_url) -> Sample:
    areas = read_table(sample_db_url, "area")
    households = read_table(sample_db_url, "household")
    towns = sorted(areas.loc[areas["level"] == "township", "code"])
    villages_b = tuple(sorted(areas.loc[areas["parent_code"] == towns[1], "code"])[:2])
    return Sample(areas, households, towns[0], towns[1], villages_b)


def users_toml(sample: Sample) -> str:
    """Every persona the tests sign in as; all share PASSWORD."""
    people = {
        "county": ("county_leader", [], None, None),
        "town_a": ("township_leader", [sample.town_a], None, None),
        "town_a_full": ("township_leader", [sample.town_a], None, True),
        "town_b": ("township_leader", [sample.town_b], None, None),
        "dept": ("department_head", [], "fpb", None),
        "officer": ("case_officer", list(sample.villages_b), None, None),
        "brief": ("briefing", [], None, None),
        "nowhere": ("township_leader", ["429999999999"], None, None),  # an area that does not exist
        "wrong_level": ("case_officer", [sample.town_a], None, None),  # a township for a village role
    }
    lines = []
    for name, (role, areas, unit, detail) in people.items():
        lines += [f"[users.{name}]", f'display_name = "{name}"', f'role = "{role}"',
                  f"areas = {areas!r}".replace("'", '"'), f'password_hash = "{PASSWORD_HASH}"']
        lines += [f'unit = "{unit}"'] if unit else []
        lines += [f"personal_detail = {str(detail).lower()}"] if detail is not None else []
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def users_file(sample, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "users.toml"
    path.write_text(users_toml(sample), encoding="utf-8")
    return path


@pytest.fixture
def signed_in_app(sample_db_url, users_file, monkeypatch):
    """Open the app as a configured user (already signed in), or at the sign-in form with user=None."""
    monkeypatch.setenv("DASHBOARD_DB_URL", sample_db_url)
    monkeypatch.setenv(AUTH_FILE_ENV, str(users_file))

    def open_app(user: str | None, page: str | None = "drill", **params: str) -> AppTest:
        """page=None opens the app's address itself ("/"), where the start page is chosen."""
        test = AppTest.from_file(APP, default_timeout=60)
        if user is not None:
            test.session_state[Keys.USER] = user
        for name, value in {"asof": ASOF, **params}.items():
            test.query_params[name] = value
        return (test if page is None else on_page(test, page)).run()

    return open_app


_ESCAPED = re.compile(r"\\+u([0-9a-fA-F]{4})")


def tree_text(test: AppTest) -> str:
    """Everything the run sent to the browser, as text: every element's protobuf (plotly JSON and
    folium HTML included), every dataframe and every Vega-Lite chart's rows as CSV, JSON \\u escapes
    decoded."""
    from google.protobuf import text_format

    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        value = getattr(node, "value", None) if getattr(node, "type", "") in ("arrow_data_frame", "table") else None
        if isinstance(value, pd.DataFrame):
            parts.append(value.to_csv())
        if getattr(node, "type", "") == "vega_lite_chart":
            parts.extend(rows.to_csv() for rows in vega_rows(node))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(test._tree)
    text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), "\n".join(parts))
    # What a reader sees: Markdown escapes and the word joiners that break autolinks (components.text)
    # removed, so a masked ID number "429999\*\*…" in a table cell is still found by the leak checks.
    return text.replace("\\", "").replace("\u2060", "")


def label_text() -> str:
    """All catalogue labels: a name that also occurs in a label is no evidence of a leak."""
    return "\n".join(_catalogue("zh_CN").values())


def audit_rows(url: str) -> pd.DataFrame:
    """The audit log as stored."""
    return read_table(url, "audit_log")
