"""逐级钻取: county → township → village → household, with breadcrumbs and key figures."""

from __future__ import annotations

import math

import streamlit as st

from components.brief_button import render_brief_download
from components.area_panels import render_area_tiles
from components.household_profile import (render_breaks, render_eligibility, render_history, render_identity,
                                          render_income_and_guarantees, render_measures_and_visits, render_status)
from components.drill_tables import (CHILD_COLUMNS, HOUSEHOLD_COLUMNS, build_children_table,
                                     build_household_table, render_breadcrumbs, render_list_filter,
                                     render_selectable_table)
from components.labels import label_of, t
from components.state import Keys
from components.text import md_escape
from components.view import View, current_view
from components.warning_list import build_finding_table, build_warning_table, render_findings, render_warning_list
from queries.areas import ancestors, area_tree, children
from queries.compliance import elimination_candidates
from queries.drill import figures_by_area, income_year
from queries.households import (PAGE_SIZE, household_cases, household_record, village_list_counts,
                                village_households)
from queries.profile import household_checks, household_incomes, household_measures, household_visits
from queries.warnings import LIST_LIMIT, area_warnings, warning_counts
from rules.compliance import compliance_findings
from rules.elimination import PROCEDURAL_RULES, eligibility, elimination_breaks, monitoring_reasons
from rules.facts import household_facts
from rules.warnings import WARNING_RULES, household_warnings

def _crumbs(view: View, tree, code: str) -> list[tuple[str, dict[str, str]]]:
    return [(tree.at[c, "name"], view.link(area=c)) for c in ancestors(tree, code)]


def _drill_to(query: dict[str, str], table_key: str) -> None:
    # Forget the row selection, or coming back up would drill straight down again.
    st.session_state.pop(table_key, None)
    st.query_params.from_dict(query)
    st.rerun()


def show_area(view: View, tree) -> None:
    """Tiles for the area, then its children (or a village's households), warnings and findings."""
    render_breadcrumbs(_crumbs(view, tree, view.area_code))
    year, line = income_year(view.db, view.asof)
    own = figures_by_area(view.db, view.scope, view.area_code, view.area_level, view.area_level, view.asof)
    render_area_tiles(own.iloc[0] if not own.empty else None, year, line)

    kids = children(tree, view.area_code)
    counts = warning_counts(view.db, view.scope, view.area_code, view.area_level, view.area_level, view.asof)
    warning_total = int(counts["total"].sum())
    findings = compliance_findings(elimination_candidates(view.db, view.scope, view.area_code, view.area_level,
                                                          view.asof))
    first = (t("drill.children_heading", level=label_of("level", kids["level"].iloc[0])) if not kids.empty
             else t("drill.households_heading"))
    listing, warned, checked = st.tabs([first, f"{t('warning_list.heading')} {warning_total:,}",
                                        f"{t('compliance.heading')} {len(findings):,}"])
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
    with warned:
        found = area_warnings(view.db, view.scope, view.area_code, view.area_level, view.asof)
        table = build_warning_table(found, tree["name"], lambda household_id: view.link(household=household_id))
        render_warning_list(table, counts.sum().to_dict(), WARNING_RULES, LIST_LIMIT, key=f"warn_{view.area_code}",
                            rows=rows)
    with checked:
        table = build_finding_table(findings, tree["name"], lambda household_id: view.link(household=household_id))
        render_findings(table, PROCEDURAL_RULES, key=f"findings_{view.area_code}", rows=rows)


def show_children(view: View, kids) -> None:
    """The child areas' key figures; selecting a row drills into it."""
    level = kids["level"].iloc[0]
    figures = figures_by_area(view.db, view.scope, view.area_code, view.area_level, level, view.asof)
    table = build_children_table(kids, figures, lambda code: view.link(area=code))
    table_key = f"children_{view.area_code}"
    picked = render_selectable_table(table, CHILD_COLUMNS, key=table_key)
    if picked is not None:
        _drill_to(view.link(area=table.at[picked, "code"]), table_key)
    st.caption(t("drill.select_hint"))


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
    table_key = f"households_{view.area_code}_{list_filter}_{page}"
    picked = render_selectable_table(table, HOUSEHOLD_COLUMNS, key=table_key)
    st.caption(t("drill.page_of", page=page, pages=pages, total=f"{total:,}") + " · " + t("drill.households_caption"))
    if picked is not None:
        _drill_to(view.link(household=int(table.at[picked, "id"])), table_key)


def show_household(view: View, tree) -> None:
    """The household profile: why it is monitored, whether its risk can be eliminated, the records."""
    record = household_record(view.db, view.scope, view.household)
    if record.empty:
        st.warning(t("drill.household_not_found", id=view.household))
        return
    row = record.iloc[0]
    render_breadcrumbs(_crumbs(view, tree, row["village_code"]) + [(row["head_name"], {})])
    st.subheader(t("drill.household_heading", name=md_escape(row["head_name"])))
    args = (view.db, view.scope, view.household, view.asof)
    cases, incomes, checks = household_cases(*args), household_incomes(*args), household_checks(*args)
    measures, visits = household_measures(*args), household_visits(*args)
    facts = household_facts(row, cases, incomes, checks, measures, visits)
    year, _ = income_year(view.db, view.asof)
    open_case = facts.open_case(view.asof)

    left, right = st.columns([2, 3])
    with left:
        render_identity(row)
    with right:
        case_row = cases.set_index("id").loc[open_case.id] if open_case else None
        render_status(case_row, monitoring_reasons(facts, year), household_warnings(facts, view.asof, year))
    render_eligibility(eligibility(facts, open_case, view.asof, year) if open_case else None)
    render_history(cases, measures, visits, checks, view.asof)
    render_income_and_guarantees(incomes, facts.size, checks, view.asof)
    render_measures_and_visits(measures, visits)
    breaks = [(case, elimination_breaks(case, facts.labor_capacity)) for case in facts.cases]
    render_breaks([(case, broken) for case, broken in breaks if broken])


def main() -> None:
    """Draw the drill-down for the current view."""
    view = current_view()
    st.title(t("drill.title"))
    render_brief_download(view, ("overview", "risk"), "drill")
    st.caption(t("drill.caption"))
    tree = area_tree(view.db, view.scope)
    if view.screen and view.household is not None:
        st.info(t("screen.personal_hidden"))  # the big screen shows counts only, whatever the role
    elif view.household is not None:
        show_household(view, tree)
    else:
        show_area(view, tree)


main()
