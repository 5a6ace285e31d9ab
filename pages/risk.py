"""风险热力: cases by area × risk type, new cases by month × area, and a heat layer of open cases."""

from __future__ import annotations

import streamlit as st

from components.brief_button import render_brief_download
from components.drill_tables import render_breadcrumbs
from components.labels import label_of, t
from components.map_layers import LayerNames, add_heat, add_layer_switcher, build_area_map
from components.map_render import render_map
from components.map_styles import build_outline_styles
from components.risk_filters import render_risk_filters
from components.risk_charts import build_month_heatmap, build_risk_heatmap, build_risk_matrix, month_range, render_chart
from components.view import current_view
from components.warning_list import build_warning_table, render_warning_list
from queries.areas import ancestors, area_tree, children
from queries.drill import figures_by_area
from queries.map import child_boundaries
from queries.risk import cases_by_risk_type, new_cases_by_month, open_cases_by_village, totals_by_area
from queries.warnings import LIST_LIMIT, area_warnings, warning_counts
from rules.warnings import WARNING_RULES


def main() -> None:
    """Draw the risk heatmaps of the current area."""
    view = current_view()
    st.title(t("page.risk"))
    render_brief_download(view, ("risk",), "risk")
    st.caption(t("risk_page.caption"))
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
    render_chart(build_risk_heatmap(matrix, names, measure), key="risk_matrix")
    st.caption(t("risk_page.matrix_note"))

    st.subheader(t("risk_page.month_heading", level=label_of("level", level)))
    months = month_range(flt.start, flt.end)
    render_chart(build_month_heatmap(monthly, list(matrix.index), names, months), key="risk_months")

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
    found = area_warnings(view.db, view.scope, view.area_code, view.area_level, view.asof)
    found = found[found["since"] >= flt.start] if not found.empty else found  # the chosen period
    table = build_warning_table(found, names, lambda household_id: view.link(household=household_id))
    counts = (found["rule"].value_counts().to_dict() if view.scope.household_detail else
              warning_counts(view.db, view.scope, view.area_code, view.area_level, view.area_level,
                             view.asof).sum().to_dict())
    render_warning_list(table, counts, WARNING_RULES, LIST_LIMIT, key="risk_warnings", rows=view.scope.household_detail)


main()
