"""逐级钻取: county → township → village → household, with breadcrumbs and key figures."""

from __future__ import annotations

import math

import streamlit as st

from components.area_panels import build_case_table, build_household_facts, render_area_tiles
from components.drill_tables import (CHILD_COLUMNS, HOUSEHOLD_COLUMNS, build_children_table,
                                     build_household_table, render_breadcrumbs, render_list_filter,
                                     render_selectable_table)
from components.labels import label_of, t
from components.state import Keys
from components.text import md_escape
from components.view import View, current_view
from queries.areas import ancestors, area_tree, children
from queries.drill import figures_by_area, income_year
from queries.households import (PAGE_SIZE, household_cases, household_record, village_list_counts,
                                village_households)

def _crumbs(view: View, tree, code: str) -> list[tuple[str, dict[str, str]]]:
    return [(tree.at[c, "name"], view.link(area=c)) for c in ancestors(tree, code)]


def _drill_to(query: dict[str, str], table_key: str) -> None:
    # Forget the row selection, or coming back up would drill straight down again.
    st.session_state.pop(table_key, None)
    st.query_params.from_dict(query)
    st.rerun()


def show_area(view: View, tree) -> None:
    """Tiles for the area, then its children (or, for a village, its households)."""
    render_breadcrumbs(_crumbs(view, tree, view.area_code))
    year, line = income_year(view.db, view.asof)
    own = figures_by_area(view.db, view.scope, view.area_code, view.area_level, view.area_level, view.asof)
    render_area_tiles(own.iloc[0] if not own.empty else None, year, line)

    kids = children(tree, view.area_code)
    if not kids.empty:
        level = kids["level"].iloc[0]
        st.subheader(t("drill.children_heading", level=label_of("level", level)))
        figures = figures_by_area(view.db, view.scope, view.area_code, view.area_level, level, view.asof)
        table = build_children_table(kids, figures, lambda code: view.link(area=code))
        table_key = f"children_{view.area_code}"
        picked = render_selectable_table(table, CHILD_COLUMNS, key=table_key)
        if picked is not None:
            _drill_to(view.link(area=table.at[picked, "code"]), table_key)
        st.caption(t("drill.select_hint"))
    elif view.area_level == "village":
        show_households(view)
    else:
        st.info(t("drill.no_children"))


def show_households(view: View) -> None:
    """The village's households, filtered and one page at a time, names masked on the server."""
    st.subheader(t("drill.households_heading"))
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
    """A household's summary: masked identity, basic facts and monitoring history."""
    record = household_record(view.db, view.scope, view.household)
    if record.empty:
        st.warning(t("drill.household_not_found", id=view.household))
        return
    row = record.iloc[0]
    render_breadcrumbs(_crumbs(view, tree, row["village_code"]) + [(row["head_name"], {})])
    st.subheader(t("drill.household_heading", name=md_escape(row["head_name"])))
    left, right = st.columns([2, 3])
    left.markdown(f"**{t('drill.household_facts')}**")
    left.table(build_household_facts(row), hide_index=True, hide_header=True, border="horizontal")
    right.markdown(f"**{t('drill.household_cases')}**")
    cases = household_cases(view.db, view.scope, view.household, view.asof)
    if cases.empty:
        right.info(t("drill.no_cases"))
    else:
        right.table(build_case_table(cases), hide_index=True, border="horizontal")


def main() -> None:
    """Draw the drill-down for the current view."""
    view = current_view()
    st.title(t("drill.title"))
    st.caption(t("drill.caption"))
    tree = area_tree(view.db, view.scope)
    if view.household is not None:
        show_household(view, tree)
    else:
        show_area(view, tree)


main()
