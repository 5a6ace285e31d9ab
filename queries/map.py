"""The village map's data: per-area indicators, simplified boundaries, and one village's points.

Every figure is aggregated in SQL per village (or per village and unit) and rolled up to the areas
shown, so the map's cost grows with the number of areas, not households. Only the village view
loads rows below that: one village's household points (masked) and its assets.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import and_, case, func, literal, or_, select, union_all

from db.rollup_schema import rollup_village_unit
from db.rollups import CASE_SPELLS
from db.schema import area, area_boundary, asset, household, task_milestone, task_progress
from geo.boundaries import simplified_geojson
from queries.areas import scope_filter
from queries.area_query import AreaQuery
from queries.drill import figures_by_area, in_area, village_figures
from queries.households import household_rows_allowed
from queries.gateway import cached, read
from queries.households import _open_case_as_of
from queries.masking import coarsen_points, mask_frame
from queries.overview import assets_by_village
from queries.rate_base import listed_households, per_100, rate_bases
from queries.rollups import case_source, use_rollup
from queries.scope import Scope, ScopeError, child_key, code_range

NEW_CASE_DAYS = 28  # "identified in the last 4 weeks"
# Task-matrix status of a unit, worst first wins: overdue > at_risk > on_track/not_started > done.
STATUS_RANK = {"done": 0, "not_started": 1, "on_track": 1, "at_risk": 2, "overdue": 3}
RANK_STATUS = {0: "done", 1: "on_track", 2: "at_risk", 3: "overdue"}
SUM_COLUMNS = ("households", "open_cases", "new_cases_4w", "under_line", "open_problems",
               "eliminated_year", "cases_in_year", "asset_value")


def _case_flows(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """Per village: cases identified in the last 4 weeks, eliminated this year, and open at some point
    this year (above village level from the village rollup while it is fresh)."""
    c = case_source(db, area_level)
    year_start = date(asof.year, 1, 1)
    statement = (
        select(c.village.label("village_code"),
               c.count_if(c.identified_on > asof - timedelta(days=NEW_CASE_DAYS)).label("new_cases_4w"),
               c.count_if(and_(c.eliminated_on >= year_start, c.eliminated_on <= asof)).label("eliminated_year"),
               c.count_if(or_(c.eliminated_on.is_(None), c.eliminated_on >= year_start)).label("cases_in_year"))
        .select_from(c.joined)
        .where(in_area(c.village, area_code, area_level, scope), *c.where, c.identified_on <= asof)
        .group_by(c.village)
    )
    return read(db, statement)


def _unit_status_ranks(asof: date):
    """Subquery: each unit's worst status over its tasks, each task at its latest report by the date.

    An open overdue milestone makes the unit overdue whatever its reports say (rules/tasks.py).
    """
    p, m = task_progress.c, task_milestone.c
    latest = (select(p.task_code, p.unit_code, func.max(p.reported_on).label("reported_on"))
              .where(p.reported_on <= asof, p.review_state == "approved")
              .group_by(p.task_code, p.unit_code).subquery("latest"))
    rank = case(*((p.status == status, value) for status, value in STATUS_RANK.items()), else_=None)
    reported = (select(p.unit_code.label("unit_code"), rank.label("task_rank"))
                .select_from(task_progress.join(latest, and_(p.task_code == latest.c.task_code,
                                                             p.unit_code == latest.c.unit_code,
                                                             p.reported_on == latest.c.reported_on)))
                .where(p.review_state == "approved"))
    late = (select(m.unit_code.label("unit_code"), literal(STATUS_RANK["overdue"]).label("task_rank"))
            .where(m.due_on < asof, or_(m.done_on.is_(None), m.done_on > asof)))
    ranks = union_all(reported, late).subquery("ranks")
    return (select(ranks.c.unit_code, func.max(ranks.c.task_rank).label("task_rank"))
            .group_by(ranks.c.unit_code).subquery("unit_rank"))


def _task_ranks(db: str, scope: Scope, area_code: str, area_level: str, asof: date) -> pd.DataFrame:
    """Per village: the worst status among the units helping its households (NULL when none reports);
    the village's units from the rollup above village level while it is fresh."""
    units = _unit_status_ranks(asof)
    if use_rollup(db, CASE_SPELLS, area_level):
        pair = rollup_village_unit.c
        helpers = (select(pair.village_code, pair.unit_code.label("helper_unit_code"))
                   .where(in_area(pair.village_code, area_code, area_level, scope)).subquery("helpers"))
    else:
        helpers = (select(household.c.village_code, household.c.helper_unit_code).distinct()
                   .where(in_area(household.c.village_code, area_code, area_level, scope),
                          household.c.helper_unit_code.isnot(None)).subquery("helpers"))
    statement = (select(helpers.c.village_code, func.max(units.c.task_rank).label("task_rank"))
                 .select_from(helpers.join(units, units.c.unit_code == helpers.c.helper_unit_code))
                 .group_by(helpers.c.village_code))
    return read(db, statement)


# The query set each part of the map's figures needs; a page asks only for what its indicator uses,
# so the default view reuses the drill-down's cached per-village figures and nothing more.
PARTS = ("base", "flows", "assets", "tasks")
PART_COLUMNS = {"base": ("households", "open_cases", "under_line", "open_problems"),
                "flows": ("new_cases_4w", "eliminated_year", "cases_in_year"),
                "assets": ("asset_value",), "tasks": ("task_rank",)}


@cached
def village_map_part(db: str, scope: Scope, area_code: str, area_level: str, asof: date, part: str) -> pd.DataFrame:
    """One part of the map's inputs per village under an area as of a date (index: village code)."""
    if part == "base":
        return village_figures(db, scope, area_code, area_level, asof)[list(PART_COLUMNS["base"])]
    if part == "assets":  # the cockpit's and the briefing's asset rows, summed per village
        rows = assets_by_village(AreaQuery(db, scope, area_code, area_level, asof))
        return rows.groupby("village_code")[["value"]].sum().rename(columns={"value": "asset_value"})
    if part == "flows":
        frame = _case_flows(db, scope, area_code, area_level, asof)
    else:
        frame = _task_ranks(db, scope, area_code, area_level, asof)
    return frame.set_index("village_code").reindex(columns=list(PART_COLUMNS[part])).sort_index()


def village_map_figures(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                        parts: tuple[str, ...] = PARTS) -> pd.DataFrame:
    """The chosen parts of the map's inputs per village, joined (index: village code); counts 0 when absent."""
    figures = village_map_part(db, scope, area_code, area_level, asof, "base")
    for part in parts:
        if part != "base":
            figures = figures.join(village_map_part(db, scope, area_code, area_level, asof, part), how="outer")
    counts = [column for column in SUM_COLUMNS if column in figures.columns]
    figures[counts] = figures[counts].fillna(0)
    figures.index.name = "village_code"
    return figures


def map_figures(db: str, scope: Scope, area_code: str, area_level: str, group_level: str, asof: date,
                parts: tuple[str, ...] = PARTS) -> pd.DataFrame:
    """Map indicators per area at group_level under an area (index: area code); ranks are worst-of.
    The base part alone, grouped above village level, is the drill's figures (summed per area from
    the rollups while they are fresh: no row per village is read)."""
    if tuple(parts) == ("base",) and group_level != "village":
        figures = figures_by_area(db, scope, area_code, area_level, group_level, asof)
        return figures[[*(column for column in SUM_COLUMNS if column in PART_COLUMNS["base"]), "open_rate"]]
    per_village = village_map_figures(db, scope, area_code, area_level, asof, parts)
    keys = [child_key(code, group_level) for code in per_village.index]
    grouped = per_village.groupby(keys)
    figures = grouped[[column for column in SUM_COLUMNS if column in per_village.columns]].sum()
    bases = rate_bases(per_village["households"], listed_households(db, scope, area_code, area_level), group_level)
    figures["open_rate"] = per_100(figures["open_cases"], bases)
    if "flows" in parts:
        in_year = figures["cases_in_year"].where(figures["cases_in_year"] > 0)
        figures["elimination_share"] = (100 * figures["eliminated_year"] / in_year).round(1)
    if "tasks" in parts:
        figures["task_rank"] = grouped["task_rank"].max()  # NaN (no reporting unit) stays NaN
        figures["task_status"] = figures["task_rank"].map(RANK_STATUS)
    figures.index.name = "area_code"
    return figures


def parts_for(column: str) -> tuple[str, ...]:
    """The parts a map indicator's column needs (the base part is always read)."""
    needs = {"new_cases_4w": "flows", "elimination_share": "flows", "asset_value": "assets", "task_status": "tasks"}
    return ("base", needs[column]) if column in needs else ("base",)


@cached
def child_boundaries(db: str, scope: Scope, area_code: str, area_level: str, child_level: str) -> dict[str, dict]:
    """Simplified GeoJSON geometries of the areas at child_level under an area (or of the area itself)."""
    if not scope.covers(area_code, area_level):
        raise ScopeError(area_code)
    low_high = code_range(area_code, area_level)
    statement = (select(area_boundary.c.area_code, area_boundary.c.geojson)
                 .select_from(area_boundary.join(area, area.c.code == area_boundary.c.area_code))
                 .where(area.c.level == child_level, area.c.code.between(*low_high),
                        scope_filter(area.c.code, scope)))
    rows = read(db, statement)
    # Simplified once per area set and cached with it: the page reruns on every click.
    return simplified_geojson(dict(zip(rows["area_code"], rows["geojson"])))


@cached
def village_points(db: str, scope: Scope, village_code: str, asof: date) -> pd.DataFrame:
    """One village's households with coordinates and status (open case type or poverty status), masked.

    Masked roles get the points on the coarse grid of queries.masking as well as masked names.
    """
    if not scope.covers(village_code, "village"):
        raise ScopeError(village_code)
    open_case = _open_case_as_of(village_code, asof)
    h = household.c
    statement = (select(h.id, h.head_name, h.lat, h.lon, h.poverty_status, open_case.c.open_case_type)
                 .select_from(household.outerjoin(open_case, open_case.c.household_id == h.id))
                 .where(h.village_code == village_code, household_rows_allowed(scope),
                        h.lat.isnot(None), h.lon.isnot(None))
                 .order_by(h.id))
    return coarsen_points(mask_frame(read(db, statement), scope.personal_detail), scope.personal_detail)


@cached
def village_assets(db: str, scope: Scope, village_code: str, asof: date) -> pd.DataFrame:
    """One village's project assets formed by the date, with kind, value and coordinates."""
    if not scope.covers(village_code, "village"):
        raise ScopeError(village_code)
    a = asset.c
    statement = (select(a.id, a.name, a.kind, a.value, a.lat, a.lon)
                 .where(a.village_code == village_code, scope_filter(a.village_code, scope),
                        a.lat.isnot(None), a.lon.isnot(None),
                        or_(a.formed_year.is_(None), a.formed_year <= asof.year))
                 .order_by(a.id))
    return read(db, statement)


@cached
def villages_without_boundary(db: str, scope: Scope, area_code: str, area_level: str) -> pd.DataFrame:
    """Villages under an area that have no stored boundary (listed under the map instead)."""
    if not scope.covers(area_code, area_level):
        raise ScopeError(area_code)
    statement = (select(area.c.code, area.c.name)
                 .select_from(area.outerjoin(area_boundary, area_boundary.c.area_code == area.c.code))
                 .where(area.c.level == "village", area.c.code.between(*code_range(area_code, area_level)),
                        scope_filter(area.c.code, scope), area_boundary.c.area_code.is_(None))
                 .order_by(area.c.code))
    return read(db, statement)
