"""风险热力: cases by area × risk type, new cases by month × area, and a heat layer of open cases."""

from __future__ import annotations

import streamlit as st

from components.drill_tables import render_breadcrumbs
from labels import label_of, t
from components.map_layers import LayerNames, add_heat, add_layer_switcher, build_area_map
from components.map_render import render_map
from components.map_styles import build_outline_styles
from components.risk_filters import render_risk_filters
from components.risk_charts import build_month_heatmap, build_risk_heatmap, build_risk_matrix
from components.vega import render_vega
from components.page_registry import page_path
from components.state import Keys
from components.url_params import FIRST_DAY
from components.url_state import open_page
from components.view import View, current_view
from components.wall.area_pages import build_risk_wall
from components.wall.frame import render_wall
from queries.risk import RISK_CODES, RiskFilter
from components.warning_list import build_warning_table, render_warning_list, row_listing
from components.page_head import render_page_head
from queries.areas import ancestors, area_tree, children
from queries.drill import figures_by_area
from queries.map import child_boundaries
from queries.risk import cases_by_risk_type, new_cases_by_month, open_cases_by_village, totals_by_area
from queries.warnings import LIST_LIMIT, WARNING_RULES, area_warnings, warning_counts
from rules.calendar import month_key, month_range, shift_month


def show_wall(view: View) -> None:
    """Risk composed for the wall: areas × risk types since 2021, warnings, new cases by month."""
    tree = area_tree(view.db, view.scope)
    kids = children(tree, view.area_code)
    shown = kids if not kids.empty else tree.loc[[view.area_code]]
    level, codes = shown["level"].iloc[0], list(shown.index)
    flt = RiskFilter(start=FIRST_DAY, end=view.asof)
    args = (view.db, view.scope, view.area_code, view.area_level, level, flt)
    monthly = new_cases_by_month(*args)
    households = figures_by_area(view.db, view.scope, view.area_code, view.area_level, level, view.asof)["households"]
    matrix = build_risk_matrix(cases_by_risk_type(*args), totals_by_area(monthly), households, codes, RISK_CODES,
                               "count", "total")
    months = [shift_month(month_key(view.asof), -back) for back in range(11, -1, -1)]
    per_month = monthly.groupby("month")["cases"].sum().reindex(months).fillna(0) if not monthly.empty else \
        [0.0] * len(months)
    counts = warning_counts(view.db, view.scope, view.area_code, view.area_level, view.area_level, view.asof).sum()
    render_wall(t("page.risk"), t("wall.risk_subtitle"),
                build_risk_wall(matrix, tree["name"], RISK_CODES, level, f"{FIRST_DAY:%Y-%m-%d}", counts.to_dict(),
                                WARNING_RULES, months, list(per_month)))


def main() -> None:
    """Draw the risk heatmaps of the current area (composed for the wall on the big screen)."""
    view = current_view()
    if view.screen:
        show_wall(view)
        return
    render_page_head(view, t("page.risk"), t("risk_page.caption"), ("risk",), "risk")
    tree = area_tree(view.db, view.scope)
    crumbs = st.container()
    flt, measure, sort, kept = render_risk_filters(view.asof)
    with crumbs:
        render_breadcrumbs([(tree.at[c, "name"], view.link(area=c, **kept)) for c in ancestors(tree, view.area_code)])
    if not flt.case_types or not flt.risk_codes:
        st.info(t("risk_page.nothing_chosen"))
        return
    kids = children(tree, view.area_code)  # a village shows itself
    shown = kids if not kids.empty else tree.loc[[view.area_code]]
    level, codes, names = shown["level"].iloc[0], list(shown.index), tree["name"]
    args = (view.db, view.scope, view.area_code, view.area_level, level, flt)
    monthly = new_cases_by_month(*args)
    totals = totals_by_area(monthly)
    if totals.sum() == 0:
        st.info(t("risk_page.no_cases"))
    period = f"{flt.start:%Y-%m-%d} – {flt.end:%Y-%m-%d} "
    st.subheader(t("risk_page.matrix_heading", level=label_of("level", level), period=period))
    households = figures_by_area(view.db, view.scope, view.area_code, view.area_level, level, view.asof)["households"]
    matrix = build_risk_matrix(cases_by_risk_type(*args), totals, households, codes, flt.risk_codes, measure, sort)
    render_vega(build_risk_heatmap(matrix, names, measure), key="risk_matrix")
    st.caption(t("risk_page.matrix_note"))

    st.subheader(t("risk_page.month_heading", level=label_of("level", level)))
    months = month_range(flt.start, flt.end)
    render_vega(build_month_heatmap(monthly, list(matrix.index), names, months), key="risk_months")

    st.subheader(t("risk_page.heat_heading", asof=f"{view.asof:%Y-%m-%d}"))
    open_cases = open_cases_by_village(view.db, view.scope, view.area_code, view.area_level, view.asof, flt)
    geometries = child_boundaries(view.db, view.scope, view.area_code, view.area_level, level)
    styles = build_outline_styles(shown)
    names_layer = LayerNames(areas=t("map_layer.areas"), labels=t("map_layer.labels"), heat=t("map_layer.heat"),
                             basemap=t("map.basemap"))
    m = build_area_map(geometries, styles, t("map_layer.heat"), names_layer, t("map.area"), clickable=False)
    add_heat(m, open_cases, tree, names_layer.heat)
    add_layer_switcher(m)
    render_map(m, key="risk_heat", clickable=False)
    st.caption(t("risk_page.heat_note"))

    st.subheader(t("risk_page.warnings_heading", since=f"{flt.start:%Y-%m-%d}"))
    listed, why = row_listing(view.scope.household_detail, view.area_level)  # as on the drill
    found = area_warnings(view.db, view.scope, view.area_code, view.area_level, view.asof,
                          limit=LIST_LIMIT if listed else 0)
    found = found[found["since"] >= flt.start] if not found.empty else found  # the chosen period
    table = build_warning_table(found, names, lambda household_id: view.link(household=household_id))
    # The rows are capped per rule, so they count a narrowed period only; over the whole period the
    # complete counts (a county of 100,000 households has more than 300 of a rule).
    counts = (found["rule"].value_counts().to_dict() if listed and flt.start > FIRST_DAY else
              warning_counts(view.db, view.scope, view.area_code, view.area_level, view.area_level,
                             view.asof).sum().to_dict())
    picked = render_warning_list(table, counts, WARNING_RULES, LIST_LIMIT, key=Keys.RISK_WARNINGS, rows=listed,
                                 why=why)
    if picked is not None:  # the profile lives on the drill page: same tab, same session
        open_page(page_path("drill"), picked, forget=(f"{Keys.RISK_WARNINGS}_table",))


main()
