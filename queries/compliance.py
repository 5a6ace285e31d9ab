"""Eliminations that may have broken a procedural rule, narrowed in SQL (db/compliance_sql.py),
decided by rules/; counted from the findings rollup above village level while it is fresh."""

from __future__ import annotations

import itertools
from datetime import date

import pandas as pd
from sqlalchemy import func, select

from db.compliance_sql import candidates_statement
from db.rollup_schema import rollup_finding
from db.rollups import CASE_SPELLS
from db.schema import household
from queries.drill import in_area
from queries.gateway import cached, read
from queries.masking import mask_frame
from queries.rollups import use_rollup
from queries.scope import Scope
from rules.compliance import compliance_findings
from rules.elimination import PROCEDURAL_RULES, STABILITY_MONTHS  # noqa: F401  (PROCEDURAL_RULES: for the pages)

IDENTITIES = ("case_id", "household_id", "head_name")  # what names a household; aggregates-only viewers lose them
LIST_LIMIT = 300  # findings a list shows, newest first; the counts are always complete
PAGE_ROWS = 2_000  # candidates read at a time while a capped list fills


def _counted_only(frame: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    # Aggregates only: the rows are counted (by rule, by village), never named or linked.
    return frame if scope.household_detail else frame.drop(columns=list(IDENTITIES))


def _statement(scope: Scope, area_code: str, area_level: str, asof: date):
    return candidates_statement(in_area(household.c.village_code, area_code, area_level, scope), area_level, asof)


@cached
def _candidates(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    return mask_frame(read(db, _statement(scope, area_code, area_level, asof)), scope.personal_detail)


def elimination_candidates(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """Eliminations up to the as-of date that may break a rule: same month, under six months
    (not natural), or a household without labour. A superset; rules.compliance decides exactly
    (the clamped month end, e.g. Aug 31 -> Feb 28, is settled there)."""
    return _counted_only(_candidates(db, scope, area_code, area_level, asof), scope)


@cached
def _newest_findings(db: str, scope: Scope, area_code: str, area_level: str, asof: date, limit: int) -> pd.DataFrame:
    """The newest `limit` findings: candidates are read newest first, a page at a time, until enough
    of them broke a rule (a province's eliminations are never all read for a list of 300)."""
    statement, pages = _statement(scope, area_code, area_level, asof), []
    found = 0
    for offset in itertools.count(0, PAGE_ROWS) if limit > 0 else ():
        page = read(db, statement.limit(PAGE_ROWS).offset(offset))
        if page.empty:
            break
        pages.append(compliance_findings(mask_frame(page, scope.personal_detail)))
        found += len(pages[-1])
        if found >= limit or len(page) < PAGE_ROWS:
            break
    if not pages:
        return compliance_findings(pd.DataFrame())
    return pd.concat(pages, ignore_index=True).head(limit)


def area_findings(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                  limit: int | None = None) -> pd.DataFrame:
    """The area's eliminations that broke a procedural rule (SQL narrows, rules.compliance decides),
    newest first, at most `limit` of them when given; without the household columns for viewers who
    see aggregates only."""
    if limit is not None:
        return _counted_only(_newest_findings(db, scope, area_code, area_level, asof, limit), scope)
    return _counted_only(compliance_findings(_candidates(db, scope, area_code, area_level, asof)), scope)


@cached
def finding_counts(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> dict[str, int]:
    """How many findings of each procedural rule the area has up to the as-of date (from the
    findings rollup above village level while it is fresh)."""
    if use_rollup(db, CASE_SPELLS, area_level):
        f = rollup_finding.c
        frame = read(db, select(f.rule, func.sum(f.n).label("n"))
                     .where(in_area(f.village_code, area_code, area_level, scope), f.eliminated_on <= asof)
                     .group_by(f.rule))
        stored = {rule_code: int(n) for rule_code, n in zip(frame["rule"], frame["n"])}
    else:
        stored = area_findings(db, scope, area_code, area_level, asof)["rule"].value_counts().to_dict()
    return {code: int(stored.get(code, 0)) for code in PROCEDURAL_RULES}
