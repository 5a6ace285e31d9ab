"""Exited households' income against the monitoring line and the local average, and the 两高于 test."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from labels import t
from components.trend_figure import add_phases, finish
from rules.calendar import Period


def _growth(series: pd.Series, years: pd.Series) -> pd.Series:
    """Percent growth on the previous calendar year (NaN when that year is missing)."""
    previous = series.shift(1).where(years.diff() == 1)
    return (100 * (series / previous - 1)).round(1)


def income_comparison(distribution: pd.DataFrame, benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Per year: exited households' median and mean income, the line, the local average, growth
    rates, and whether the mean grew faster than the local average (the "two highs" test; None: no previous year).

    The test uses the mean per person (total income / total members), as income statistics do;
    the median's growth is shown next to it.
    """
    frame = benchmarks.merge(distribution, on="year", how="left").sort_values("year").reset_index(drop=True)
    frame["median_growth"] = _growth(frame["p50"], frame["year"])
    frame["mean_growth"] = _growth(frame["mean"], frame["year"])
    frame["rural_growth"] = _growth(frame["rural_per_capita"], frame["year"])
    known = frame["mean_growth"].notna() & frame["rural_growth"].notna()
    frame["two_highs_met"] = (frame["mean_growth"] > frame["rural_growth"]).where(known, None)
    # The second half (seed 002: 脱贫地区农民收入增速高于全国农民平均水平): the area's rural income
    # growth against the national rural growth; and both income ratios, which should rise.
    if "national" not in frame:
        frame["national"] = float("nan")
    frame["national_growth"] = _growth(frame["national"], frame["year"])
    known = frame["rural_growth"].notna() & frame["national_growth"].notna()
    frame["second_met"] = (frame["rural_growth"] > frame["national_growth"]).where(known, None)
    frame["ratio_exited_local"] = (frame["mean"] / frame["rural_per_capita"]).round(3)
    frame["ratio_local_national"] = (frame["rural_per_capita"] / frame["national"]).round(3)
    return frame


def second_high_sentences(comparison: pd.DataFrame) -> list[str]:
    """The second half of 两高于 per year in words, with the income ratio of the area to the nation."""
    sentences = []
    for row in comparison.itertuples():
        if row.second_met is None or pd.isna(row.second_met):
            sentences.append(t("trends.second_unknown", year=row.year))
            continue
        key = "trends.second_met" if row.second_met else "trends.second_not_met"
        sentences.append(t(key, year=row.year, local=f"{row.rural_growth:.1f}", national=f"{row.national_growth:.1f}",
                           ratio=f"{row.ratio_local_national:.2f}"))
    return sentences


def two_highs_sentences(comparison: pd.DataFrame) -> list[str]:
    """The 两高于 test per year in words (met / not met / cannot be judged)."""
    sentences = []
    for row in comparison.itertuples():
        if pd.isna(row.households) or row.households == 0:
            sentences.append(t("trends.two_highs_no_data", year=row.year))
        elif row.two_highs_met is None or pd.isna(row.two_highs_met):
            sentences.append(t("trends.two_highs_unknown", year=row.year))
        else:
            key = "trends.two_highs_met" if row.two_highs_met else "trends.two_highs_not_met"
            sentences.append(t(key, year=row.year, exited=f"{row.mean_growth:.1f}", local=f"{row.rural_growth:.1f}"))
    return sentences


def build_income_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """The income comparison with Chinese headers (CSV and the table under the chart)."""
    verdict = comparison["two_highs_met"].map(
        lambda met: t("trends.met") if met is True else t("trends.not_met") if met is False else "")
    columns = {"year": "year", "households": "income_households", "p10": "p10", "p25": "p25", "p50": "median",
               "median_growth": "median_growth", "p75": "p75", "p90": "p90", "mean": "mean",
               "mean_growth": "mean_growth", "line": "line", "under_line": "under_line",
               "rural_per_capita": "rural", "rural_growth": "rural_growth", "national": "national",
               "national_growth": "national_growth", "ratio_exited_local": "ratio_exited_local",
               "ratio_local_national": "ratio_local_national"}
    table = pd.DataFrame({t(f"trends_col.{label}"): comparison[name] for name, label in columns.items()})
    for name in ("p10", "p25", "p50", "p75", "p90", "mean"):
        table[t(f"trends_col.{columns[name]}")] = comparison[name].round(0)
    table[t("trends_col.two_highs")] = verdict
    table[t("trends_col.second_high")] = comparison["second_met"].map(
        lambda met: t("trends.met") if met is True else t("trends.not_met") if met is False else "")
    return table


def _band(figure: go.Figure, years, low, high, name: str, fill: str) -> None:
    figure.add_trace(go.Scatter(x=years, y=high, mode="lines", line={"width": 0}, showlegend=False,
                                hoverinfo="skip", legendgroup=name))
    figure.add_trace(go.Scatter(x=years, y=low, mode="lines", line={"width": 0}, fill="tonexty", fillcolor=fill,
                                name=name, legendgroup=name, hoverinfo="skip"))


def build_income_figure(comparison: pd.DataFrame, period: Period) -> go.Figure:
    """Median with 25–75 % and 10–90 % bands, the mean, the monitoring line and the local average."""
    figure = go.Figure()
    years = comparison["year"]
    _band(figure, years, comparison["p10"], comparison["p90"], t("trends.band_10_90"), "rgba(46, 139, 87, 0.12)")
    _band(figure, years, comparison["p25"], comparison["p75"], t("trends.band_25_75"), "rgba(46, 139, 87, 0.25)")
    lines = (("p50", t("trends_col.median"), {"color": "#2e8b57", "width": 3}),
             ("mean", t("trends_col.mean"), {"color": "#2e8b57", "dash": "dash"}),
             ("rural_per_capita", t("trends_col.rural"), {"color": "#555555", "width": 2}),
             ("line", t("trends_col.line"), {"color": "#d9534f", "width": 2, "dash": "dot"}))
    for column, name, style in lines:
        figure.add_trace(go.Scatter(x=years, y=comparison[column].round(0), name=name, mode="lines+markers",
                                    line=style, hovertemplate="%{y:,.0f}"))
    figure.update_xaxes(tickmode="array", tickvals=years, ticktext=[str(y) for y in years])
    add_phases(figure, period.first, period.cut, yearly=True)
    return finish(figure, t("trends.axis_income"), height=420, counts=False)
