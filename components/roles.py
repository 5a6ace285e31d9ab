"""Roles and what each may see: the one place a user's role becomes a query Scope (no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from queries.scope import Scope

BROAD_LEVELS = ("province", "city", "county")


@dataclass(frozen=True)
class Role:
    """What a role may see. Area levels: the levels its assigned areas must be at."""

    code: str
    area_levels: tuple[str, ...]
    whole_dataset_by_default: bool  # no areas configured: the top of the tree (else: nothing)
    personal_detail: bool
    household_detail: bool
    audit_reader: bool = False
    personal_detail_configurable: bool = False  # the users file may lift the masking
    reports_progress: bool = False  # may report its own unit's progress (needs a unit in the users file)
    reviews_reports: bool = False  # the county office: approves or returns units' reports
    may_import: bool = False  # may upload exports on the data-quality page
    may_verify: bool = False  # may record the verification of a department signal in its own areas


ROLES: dict[str, Role] = {
    role.code: role for role in (
        Role("county_leader", BROAD_LEVELS, True, personal_detail=False, household_detail=True, audit_reader=True,
             reviews_reports=True, may_import=True),
        # Leaders above the county: their own city or province only (no area configured: nothing).
        Role("province_leader", ("province",), False, personal_detail=False, household_detail=True,
             audit_reader=True),
        Role("city_leader", ("city",), False, personal_detail=False, household_detail=True, audit_reader=True),
        Role("township_leader", ("township",), False, personal_detail=False, household_detail=True,
             personal_detail_configurable=True, may_verify=True),
        Role("department_head", BROAD_LEVELS, True, personal_detail=False, household_detail=False,
             reports_progress=True),
        # One unit's progress reporter (填报员): sees the county's matrix, writes only its unit's reports.
        Role("unit_reporter", BROAD_LEVELS, True, personal_detail=False, household_detail=False,
             reports_progress=True),
        Role("case_officer", ("village",), False, personal_detail=True, household_detail=True, may_verify=True),
        # 综合办 is the county office that gathers the units' reports: it reviews them too.
        Role("briefing", BROAD_LEVELS, True, personal_detail=False, household_detail=False,
             reviews_reports=True),
        # The data office: loads exports and fixes what the quality checks find (household rows, masked).
        Role("data_admin", BROAD_LEVELS, True, personal_detail=False, household_detail=True, may_import=True),
        # The meeting room's big screen: a read-only account of counts only, whose session never idles out
        # (rules/settings.py SESSION_SETTINGS.no_idle_roles); it opens the wall (?screen=1).
        Role("big_screen", BROAD_LEVELS, True, personal_detail=False, household_detail=False),
    )
}
SAMPLE_ROLE = "county_leader"  # who a county's sample signs in as (a city's or province's: its leader)
# Pages only some roles may open (the page itself checks again through the scope).
RESTRICTED_PAGES: dict[str, frozenset[str]] = {
    "audit": frozenset({"province_leader", "city_leader", "county_leader"}),
    "quality": frozenset({"province_leader", "city_leader", "county_leader", "township_leader", "data_admin"}),
    "signals": frozenset({"province_leader", "city_leader", "county_leader", "township_leader", "case_officer",
                          "data_admin"}),
}


def may_open(role_code: str, url_path: str) -> bool:
    """True when the role sees the page in its navigation."""
    allowed = RESTRICTED_PAGES.get(url_path)
    return allowed is None or role_code in allowed


def build_scope(role: Role, configured: tuple[str, ...], found: pd.DataFrame, top: pd.DataFrame,
                unit_code: str | None = None, personal_detail: bool | None = None) -> Scope:
    """The scope of a user: the configured areas found at the role's levels, detail by role.

    `found` (the configured areas that exist) and `top` hold code and level columns. Only a user
    with no areas configured gets the top of the tree, and only for roles that default to it;
    unknown codes or areas at another level are dropped, never widened: a mistake in the users
    file must never grant more.
    """
    if not configured:
        rows = top if role.whole_dataset_by_default else top.iloc[0:0]
    else:
        rows = found[found["code"].isin(configured) & found["level"].isin(role.area_levels)]
    roots = tuple(sorted(zip(rows["code"].astype(str), rows["level"].astype(str))))
    detail = role.personal_detail
    if role.personal_detail_configurable and personal_detail is not None:
        detail = bool(personal_detail)
    return Scope(roots=roots, personal_detail=detail and role.household_detail,
                 household_detail=role.household_detail, unit_code=unit_code,
                 audit_reader=role.audit_reader, reports_unit=unit_code if role.reports_progress else None,
                 reviews_reports=role.reviews_reports)
