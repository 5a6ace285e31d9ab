"""The transition-period trends on the wall: four charts, 2021 to the as-of date."""

from __future__ import annotations

import pandas as pd

from components.wall.panels import grid_html, panel
from components.wall.svg import as_image, build_line_svg
from labels import t
from rules.calendar import quarter_of

CHART = {"width": 820, "height": 400, "font": 22}


def _quarterly(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame.assign(quarter=frame["month"].map(quarter_of)).groupby("quarter", as_index=False)[columns].sum()


def _year_ticks(labels: list[str]) -> list[str]:
    # Only the first period of each year carries its year: the axis stays readable at any width.
    return [label[:4] if i == 0 or label[:4] != labels[i - 1][:4] else "" for i, label in enumerate(labels)]


def _chart(title: str, svg: str) -> str:
    return panel(title, as_image(svg, "wall-svg", title))


def build_trends_wall(case_totals: pd.DataFrame, problems: pd.DataFrame, income: pd.DataFrame,
                      benchmarks: pd.DataFrame) -> str:
    """Open cases by month, flows and 三保障 problems by quarter, exited households' income against
    the monitoring line and the local rural average (两高于)."""
    months = case_totals.sort_values("month")
    open_svg = build_line_svg(_year_ticks(list(months["month"])), [(t("wall.series_open"), list(months["open_end"]))],
                              **CHART)
    flows = _quarterly(months, ["identified", "eliminated"])
    flows_svg = build_line_svg(_year_ticks(list(flows["quarter"])),
                               [(t("wall.series_identified"), list(flows["identified"])),
                                (t("wall.series_eliminated"), list(flows["eliminated"]))], bars=True, **CHART)
    checks = _quarterly(problems.groupby("month", as_index=False)[["found", "cleared"]].sum(), ["found", "cleared"])
    checks_svg = build_line_svg(_year_ticks(list(checks["quarter"])),
                                [(t("wall.series_found"), list(checks["found"])),
                                 (t("wall.series_cleared"), list(checks["cleared"]))], bars=True, **CHART)
    years = income.merge(benchmarks, on="year", how="left").sort_values("year")
    income_svg = build_line_svg([str(year) for year in years["year"]],
                                [(t("wall.series_median"), list(years["p50"])), (t("wall.series_line"), list(years["line"])),
                                 (t("wall.series_local"), list(years["rural_per_capita"]))], **CHART)
    cells = {"open": _chart(t("wall.trend_open_title"), open_svg),
             "flows": _chart(t("wall.trend_flows_title"), flows_svg),
             "checks": _chart(t("wall.trend_problems_title"), checks_svg),
             "income": _chart(t("wall.trend_income_title"), income_svg)}
    return grid_html("'open flows' 'checks income'", "minmax(0, 1fr) minmax(0, 1fr)", "minmax(0, 1fr) minmax(0, 1fr)",
                     cells)
