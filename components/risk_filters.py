"""The risk page's filters: case types, risk types, period, measure and sort, kept in the URL.

URL parameters: `types` and `risks` (comma lists; absent = all, `-` = none), `from` and `to`
(YYYY-MM-DD, identification period), `measure` (`count` or `rate` per 100 households), `sort`
(`total` or `code`).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.labels import label_of, t
from components.map_params import parse_choice, parse_date, parse_list, url_date, url_multiselect, url_segmented
from components.url_params import FIRST_DAY
from queries.risk import CASE_TYPES, RISK_CODES, RiskFilter


def render_risk_filters(asof: date) -> tuple[RiskFilter, str, str, dict[str, str | None]]:
    """Case types, risk types, period, measure and sort, read from and written to the URL."""
    raw = st.query_params
    types, bad_types = parse_list(raw.get("types"), CASE_TYPES)
    risks, bad_risks = parse_list(raw.get("risks"), RISK_CODES)
    start, bad_start = parse_date(raw.get("from"), FIRST_DAY, asof, FIRST_DAY)
    end, bad_end = parse_date(raw.get("to"), FIRST_DAY, asof, asof)
    measure, bad_measure = parse_choice(raw.get("measure"), ("count", "rate"), "count")
    sort, bad_sort = parse_choice(raw.get("sort"), ("total", "code"), "total")
    for bad in (bad_types, bad_risks, bad_start, bad_end, bad_measure, bad_sort):
        if bad is not None:
            st.warning(t("risk_page.bad_filter", value=bad))
    if start > end:
        st.warning(t("risk_page.bad_period"))
        start, end = FIRST_DAY, asof
    first, second = st.columns([2, 3])
    with first:
        types = url_multiselect(t("risk_page.case_types"), "types", CASE_TYPES, types,
                                lambda code: label_of("case_type", code), key="risk_types")
    with second:
        risks = url_multiselect(t("risk_page.risk_codes"), "risks", RISK_CODES, risks,
                                lambda code: label_of("risk", code), key="risk_codes")
    columns = st.columns([1, 1, 1, 1])
    with columns[0]:
        start = url_date(t("risk_page.period_from"), "from", start, FIRST_DAY, FIRST_DAY, asof, key="risk_from")
    with columns[1]:
        end = url_date(t("risk_page.period_to"), "to", end, asof, FIRST_DAY, asof, key="risk_to")
    with columns[2]:
        measure = url_segmented(t("risk_page.measure"), "measure", ("count", "rate"), measure, "count",
                                lambda code: t(f"risk_page.measure_{code}"), key="risk_measure")
    with columns[3]:
        sort = url_segmented(t("risk_page.sort"), "sort", ("total", "code"), sort, "total",
                             lambda code: t(f"risk_page.sort_{code}"), key="risk_sort")
    kept = {name: raw.get(name) for name in ("types", "risks", "from", "to", "measure", "sort")}
    return RiskFilter(types, risks, min(start, end), max(start, end)), measure, sort, kept
