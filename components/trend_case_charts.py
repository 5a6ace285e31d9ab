"""Monitoring-case tables: the numbers behind the first tab's charts (components/trend_vega.py), for CSV."""

from __future__ import annotations

import pandas as pd

from labels import label_of, t


def build_case_table(flows: pd.DataFrame) -> pd.DataFrame:
    """Month × case type: identified, eliminated (stable / natural), open at start and end (CSV)."""
    table = flows.sort_values(["month", "key"])
    return pd.DataFrame({
        t("trends_col.month"): table["month"],
        t("trends_col.case_type"): table["key"].map(lambda code: label_of("case_type", code)),
        t("trends_col.open_start"): table["open_start"],
        t("trends_col.identified"): table["identified"],
        t("trends_col.eliminated_stable"): table["eliminated_stable"],
        t("trends_col.eliminated_natural"): table["eliminated_natural"],
        t("trends_col.open_end"): table["open_end"],
    })


def build_risk_table(flows: pd.DataFrame) -> pd.DataFrame:
    """Month × risk type: cases open at month end carrying that risk (CSV)."""
    table = flows.sort_values(["month", "key"])
    return pd.DataFrame({
        t("trends_col.month"): table["month"],
        t("trends_col.risk"): table["key"].map(lambda code: label_of("risk", code)),
        t("trends_col.identified"): table["identified"],
        t("trends_col.eliminated"): table["eliminated"],
        t("trends_col.open_end"): table["open_end"],
    })


def build_elimination_table(yearly: pd.DataFrame) -> pd.DataFrame:
    """Per year: open at start, identified, eliminated (stable / natural), elimination rate (CSV)."""
    return pd.DataFrame({
        t("trends_col.year"): yearly["year"],
        t("trends_col.open_start_year"): yearly["open_start"],
        t("trends_col.identified"): yearly["identified"],
        t("trends_col.eliminated_stable"): yearly["eliminated_stable"],
        t("trends_col.eliminated_natural"): yearly["eliminated_natural"],
        t("trends_col.open_end_year"): yearly["open_end"],
        t("trends_col.elimination_rate"): yearly["rate"],
    })
