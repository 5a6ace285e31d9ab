"""The risk page's filters: case types, risk types, period, measure and sort, kept in the URL.

The parameters are declared in components/page_params.py (risk_page): `types` and `risks` (comma
lists; absent = all, `-` = none), `from_day` and `to_day` (YYYY-MM-DD, identification period; the
old names `from`/`to` are still read), `measure` (`count` or `rate` per 100 households), `sort`
(`total` or `code`).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from labels import label_of, t
from components.page_params import RISK_MEASURES, RISK_SORTS, risk_page
from components.state import Keys
from components.url_params import FIRST_DAY, url_value
from components.url_state import read_params, report_rejected, url_date, url_multiselect, url_segmented
from queries.risk import CASE_TYPES, RISK_CODES, RiskFilter


def render_risk_filters(asof: date) -> tuple[RiskFilter, str, str, dict[str, str | None]]:
    """Case types, risk types, period, measure and sort, read from and written to the URL.

    Also returns the filter's URL parameters, for links to other areas with the same filter.
    """
    params = {param.name: param for param in risk_page(asof)}
    chosen = read_params(tuple(params.values()))
    start, end = chosen["from_day"], chosen["to_day"]
    if start > end:
        report_rejected([("risk_page.bad_period", f"{start} > {end}")])
        start, end = FIRST_DAY, asof
    first, second = st.columns([2, 3])
    with first:
        types = url_multiselect(t("risk_page.case_types"), params["types"], CASE_TYPES, chosen["types"],
                                lambda code: label_of("case_type", code), key=Keys.RISK_TYPES)
    with second:
        risks = url_multiselect(t("risk_page.risk_codes"), params["risks"], RISK_CODES, chosen["risks"],
                                lambda code: label_of("risk", code), key=Keys.RISK_CODES)
    columns = st.columns([1, 1, 1, 1])
    with columns[0]:
        start = url_date(t("risk_page.period_from"), params["from_day"], start, FIRST_DAY, asof, key=Keys.RISK_FROM_DAY)
    with columns[1]:
        end = url_date(t("risk_page.period_to"), params["to_day"], end, FIRST_DAY, asof, key=Keys.RISK_TO_DAY)
    with columns[2]:
        measure = url_segmented(t("risk_page.measure"), params["measure"], RISK_MEASURES, chosen["measure"],
                                lambda code: t(f"risk_page.measure_{code}"), key=Keys.RISK_MEASURE)
    with columns[3]:
        sort = url_segmented(t("risk_page.sort"), params["sort"], RISK_SORTS, chosen["sort"],
                             lambda code: t(f"risk_page.sort_{code}"), key=Keys.RISK_SORT)
    shown = {"types": types, "risks": risks, "from_day": start, "to_day": end, "measure": measure, "sort": sort}
    kept = {name: url_value(params[name], value) for name, value in shown.items()}
    return RiskFilter(types, risks, min(start, end), max(start, end)), measure, sort, kept
