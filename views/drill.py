"""逐级钻取: county → township → village → household, with breadcrumbs and key figures."""

from __future__ import annotations

import math

import streamlit as st

from components.area_panels import TILES, render_area_tiles
from components.area_ranking import build_area_ranking
from components.wall.area_pages import build_drill_wall
from components.wall.frame import message_html, render_wall
from components.household_profile import (render_breaks, render_eligibility, render_history, render_identity,
                                          render_income_and_guarantees, render_measures_and_visits, render_status)
from components.drill_tables import (CHILD_COLUMNS, HOUSEHOLD_COLUMNS, build_children_table,
                                     build_household_table, render_breadcrumbs, render_list_filter,
                                     render_selectable_table)
from labels import label_of, t
from components.state import Keys
from components.text import md_escape
from components.url_state import go_to
from components.view import View, current_view
from components.warning_list import (build_finding_table, build_warning_table, render_findings, render_warning_list,
                                    row_listing)
from queries.areas import ancestors, area_tree, children
from queries.compliance import LIST_LIMIT as FINDING_LIMIT
from queries.compliance import PROCEDURAL_RULES, area_findings, finding_counts
from queries.drill import figures_by_area, income_recorded, income_year
from queries.rate_base import rate_base_kind
from queries.coverage import low_income_overlap, measure_coverage
from queries.households import PAGE_SIZE, village_list_counts, village_households
from queries.profile import household_profile
from queries.warnings import LIST_LIMIT, WARNING_RULES, area_warnings, warning_counts
from queries.rollups import CASE_SPELLS, rollup_freshness
from components.coverage import (build_coverage_table, build_overlap_table, render_coverage, render_overlap,
                                 render_settings)
from components.page_head import render_page_head
from components.rollup_caption import render_rollup_caption
from rules.calendar import WEEK

def _crumbs(view: View, tree, code: str) -> list[tuple[str, dict[str, str]]]:
    return [(tree.at[c, "name"], view.link(area=c)) for c in ancestors(tree, code)]


def show_area(view: View, tree) -> None:
    """Tiles for the area, then its children (or a village's households), warnings and findings."""
    render_breadcrumbs(_crumbs(view, tree, view.area_code))
    year, line = income_year(view.db, view.asof)
    own = figures_by_area(view.db, view.scope, view.area_code, view.area_level, view.area_level, view.asof)
    render_area_tiles(own.iloc[0] if not own.empty else None, year, line,
                      income_recorded(view.db, view.scope, view.area_code, view.area_level, view.asof))

    kids = children(tree, view.area_code)
    counts = warning_counts(view.db, view.scope, view.area_code, view.area_level, view.area_level, view.asof)
    warning_total = int(counts["total"].sum())
    finding_total = finding_counts(view.db, view.scope, view.area_code, view.area_level, view.asof)
    first = (t("drill.children_heading", level=label_of("level", kids["level"].iloc[0])) if not kids.empty
             else t("drill.households_heading"))
    listing, warned, checked, covered = st.tabs([first, f"{t('warning_list.heading')} {warning_total:,}",
                                                 f"{t('compliance.heading')} {sum(finding_total.values()):,}",
                                                 t("coverage.heading")])
    rows = view.scope.household_detail  # off on the big screen and for aggregate-only roles
    with listing:
        if not kids.empty:
            show_children(view, kids)
        elif view.area_level == "village" and rows:
            show_households(view)
        elif view.area_level == "village":
            st.info(t("screen.personal_hidden" if view.screen else "warning_list.counts_only"))
        else:
            st.info(t("drill.no_children"))
    listed, why = row_listing(rows, view.area_level)
    with warned:
        found = area_warnings(view.db, view.scope, view.area_code, view.area_level, view.asof,
                              limit=LIST_LIMIT if listed else 0)
        table = build_warning_table(found, tree["name"], lambda household_id: view.link(household=household_id))
        key = Keys.WARNING_TABLE.format(area=view.area_code)
        picked = render_warning_list(table, counts.sum().to_dict(), WARNING_RULES, LIST_LIMIT, key=key, rows=listed,
                                     why=why)
        if picked is not None:
            go_to(picked, forget=(f"{key}_table",))
    with checked:
        findings = area_findings(view.db, view.scope, view.area_code, view.area_level, view.asof,
                                 FINDING_LIMIT if listed else 0)  # counts only: no row is read
        table = build_finding_table(findings, tree["name"], lambda household_id: view.link(household=household_id))
        key = Keys.FINDING_TABLE.format(area=view.area_code)
        picked = render_findings(table, finding_total, PROCEDURAL_RULES, FINDING_LIMIT, key=key, rows=listed, why=why)
        if picked is not None:
            go_to(picked, forget=(f"{key}_table",))
    with covered:
        render_coverage(build_coverage_table(measure_coverage(view.db, view.scope, view.area_code,
                                                              view.area_level, view.asof)))
        render_overlap(build_overlap_table(low_income_overlap(view.db, view.scope, view.area_code,
                                                             view.area_level, view.asof)))
        render_settings()


def show_children(view: View, kids) -> None:
    """The child areas' key figures; selecting a row drills into it."""
    level = kids["level"].iloc[0]
    figures = figures_by_area(view.db, view.scope, view.area_code, view.area_level, level, view.asof)
    table = build_children_table(kids, figures, lambda code: view.link(area=code))
    table_key = Keys.CHILD_TABLE.format(area=view.area_code)
    picked = render_selectable_table(table, CHILD_COLUMNS, key=table_key)
    if picked is not None:
        go_to(view.link(area=table.at[picked, "code"]), forget=(table_key,))
    st.caption(t("drill.select_hint"))
    kind = rate_base_kind(view.db, view.scope, view.area_code, view.area_level)
    st.caption(t("quality.base_note", base=label_of("rate_base", kind)))


def show_households(view: View) -> None:
    """The village's households, filtered and one page at a time, names masked on the server."""
    counts = village_list_counts(view.db, view.scope, view.area_code, view.asof)
    if counts["all"] == 0:
        st.info(t("drill.no_households"))
        return
    list_filter = render_list_filter(counts, key=Keys.HOUSEHOLD_FILTER.format(village=view.area_code))
    total = counts[list_filter]
    if total == 0:
        st.info(t("drill.no_households_filtered"))
        return
    pages = math.ceil(total / PAGE_SIZE)
    page_key = Keys.HOUSEHOLD_PAGE.format(village=f"{view.area_code}_{list_filter}")
    page = int(st.number_input(t("drill.page_number"), 1, pages, 1, key=page_key, width=180))
    rows = village_households(view.db, view.scope, view.area_code, view.asof, page, list_filter)
    table = build_household_table(rows, lambda household_id: view.link(household=household_id))
    table_key = Keys.HOUSEHOLD_TABLE.format(village=view.area_code, filter=list_filter, page=page)
    picked = render_selectable_table(table, HOUSEHOLD_COLUMNS, key=table_key)
    st.caption(t("drill.page_of", page=page, pages=pages, total=f"{total:,}") + " · " + t("drill.households_caption"))
    if picked is not None:
        go_to(view.link(household=int(table.at[picked, "id"])), forget=(table_key,))


def show_household(view: View, tree) -> None:
    """The household profile: why it is monitored, whether its risk can be eliminated, the records."""
    profile = household_profile(view.db, view.scope, view.household, view.asof)
    if profile is None:
        st.warning(t("drill.household_not_found", id=view.household))
        return
    row, found = profile.record, profile.assessment
    render_breadcrumbs(_crumbs(view, tree, row["village_code"]) + [(row["head_name"], {})])
    st.subheader(t("drill.household_heading", name=md_escape(row["head_name"])))
    left, right = st.columns([2, 3])
    with left:
        render_identity(row, profile.low_income)
    with right:
        case_row = profile.cases.set_index("id").loc[found.open_case.id] if found.open_case else None
        render_status(case_row, found.reasons, found.warnings)
    render_eligibility(found.eligibility)
    render_history(profile.cases, profile.measures, profile.visits, profile.checks, view.asof, profile.signals)
    render_income_and_guarantees(profile.incomes, found.facts.size, profile.checks, view.asof)
    render_measures_and_visits(profile.measures, profile.visits)
    render_breaks(found.breaks)


def show_wall(view: View, tree) -> None:
    """The drill-down on the wall: counts only, the area's figures and its children worst first."""
    kids = children(tree, view.area_code)
    if view.household is not None or kids.empty:  # the big screen shows counts only, whatever the role
        render_wall(t("drill.title"), "", message_html(t("screen.personal_hidden")))
        return
    level = kids["level"].iloc[0]
    area = (view.db, view.scope, view.area_code, view.area_level)
    own = figures_by_area(*area, view.area_level, view.asof)
    now, before = (figures_by_area(*area, level, day) for day in (view.asof, view.asof - WEEK))
    render_wall(t("drill.title"), " · ".join(tree.at[c, "name"] for c in ancestors(tree, view.area_code)),
                build_drill_wall(own.iloc[0] if not own.empty else None, TILES, build_area_ranking(kids, now, before),
                                 level))


def main() -> None:
    """Draw the drill-down for the current view (counts only, composed for the wall, on the big screen)."""
    view = current_view()
    if view.screen:
        show_wall(view, area_tree(view.db, view.scope))
        return
    render_page_head(view, t("drill.title"), t("drill.caption"), ("overview", "risk"), "drill")
    render_rollup_caption(rollup_freshness(view.db, CASE_SPELLS), view.area_level)
    tree = area_tree(view.db, view.scope)
    if view.household is not None:
        show_household(view, tree)
    else:
        show_area(view, tree)


main()
