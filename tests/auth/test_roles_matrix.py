"""Every role × every page × (default view, a household, a tampered area): what the browser receives.

Generic on purpose, so pages added to components/page_registry.PAGES join automatically: the text
of every element sent (tables as CSV, plotly JSON, folium HTML, widgets' options) must name no
area outside the role's scope, and masked roles must receive no raw name, ID number or phone.
"""

from __future__ import annotations

import re

import pytest

from components.page_registry import PAGES
from components.roles import ROLES, may_open
from components.state import Keys
from tests.auth.conftest import label_text, tree_text

PERSONAS = ("county", "town_a", "dept", "officer", "brief", "town_a_full")
# What each persona must get, written down independently of components.roles: (full personal data,
# household rows). A change to a role's rights must fail here, not silently move the goalposts.
RIGHTS = {"county": (False, True), "town_a": (False, True), "dept": (False, False), "officer": (True, True),
          "brief": (False, False), "town_a_full": (True, True)}


def expected_roots(persona: str, sample) -> set[str]:
    """The areas each persona's users-file entry assigns (or the county for whole-county roles)."""
    return {"town_a": {sample.town_a}, "town_a_full": {sample.town_a},
            "officer": set(sample.villages_b)}.get(persona, {"429999000000"})
VIEWS = ("default", "household", "tampered")
AREA_CODE = re.compile(r"(?<!\d)\d{12}(?!\d)")


def _leak_checks(sample):
    """Names that would only appear if leaked: unique, not part of any other text we show."""
    labels = label_text()
    helpers = set(sample.households["helper_name"].dropna())
    area_names = list(sample.areas["name"])
    people = sample.households
    safe_names = [name for name in people["head_name"].unique()
                  if len(name) >= 2 and not any(name in other for other in helpers | set(area_names))
                  and name not in labels]
    return labels, safe_names


@pytest.fixture(scope="module")
def leak_checks(sample):
    return _leak_checks(sample)


def _household_for(sample, scope):
    """A household inside the scope (or any household, for roles that may not see households)."""
    people = sample.households
    inside = people[[scope.covers(code) for code in people["village_code"]]]
    return (inside if not inside.empty else people).iloc[0]


def _outside_area(sample, scope) -> str:
    towns = sample.areas[sample.areas["level"] == "township"]["code"]
    outside = [code for code in towns if not scope.covers(code)]
    return outside[0] if outside else "429999999999"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
@pytest.mark.parametrize("persona", PERSONAS)
def test_role_sees_only_its_scope(signed_in_app, sample, leak_checks, persona, spec, view):
    labels, safe_names = leak_checks
    test = signed_in_app(persona)
    scope = test.session_state[Keys.VIEWER].scope
    role = ROLES[test.session_state[Keys.VIEWER].role]
    assert {code for code, _level in scope.roots} == expected_roots(persona, sample)
    assert (scope.personal_detail, scope.household_detail) == RIGHTS[persona]
    params: dict[str, str] = {}
    person = _household_for(sample, scope)
    if view == "household":
        params = {"household": str(person["id"]), "area": person["village_code"]}
    elif view == "tampered":
        params = {"area": _outside_area(sample, scope)}
    test = signed_in_app(persona, **params)
    if not may_open(role.code, spec.url_path):
        with pytest.raises(ValueError):  # not in this role's navigation
            test.switch_page(str(spec.path))
        return
    test.switch_page(str(spec.path)).run()
    assert not test.exception, test.exception
    sent = tree_text(test)

    # Every area named is inside the scope (the one typed into a tampered URL only in the warning).
    typed = params.get("area")
    codes = set(AREA_CODE.findall(sent)) & set(sample.areas["code"])
    assert {code for code in codes if code != typed and not scope.covers(code)} == set()
    if typed and not scope.covers(typed):
        assert all(typed in w.value for w in test.warning[:1]) and test.warning
    outside = sample.areas[[not scope.covers(code) for code in sample.areas["code"]]]
    in_scope_names = set(sample.areas.loc[~sample.areas["code"].isin(outside["code"]), "name"])
    for name in outside["name"]:
        if name not in labels and not any(name in other for other in in_scope_names):
            assert name not in sent, f"{persona} on {spec.url_path} received {name}"

    # Personal data: raw only for roles with full detail; nothing at all for aggregate-only roles.
    people = sample.households
    if not scope.personal_detail:
        for column in ("id_number", "phone"):
            leaked = [value for value in people[column].dropna() if value in sent]
            assert not leaked, f"{persona} on {spec.url_path} received raw {column}"
        assert not [name for name in safe_names if name in sent]
    if not scope.household_detail:
        assert not re.search(r"\d{6}\*{8}[\dX]{4}", sent), "aggregate-only role received an ID number"
    if view == "household" and spec.url_path == "drill" and scope.household_detail:
        # The checks above are not vacuous: the profile is there, masked or in full.
        shown = person["id_number"] if scope.personal_detail else person["id_number"][:6] + "********"
        assert shown in sent
