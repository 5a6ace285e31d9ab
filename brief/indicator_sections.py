"""Rule 11 in the pack and on the trends page: the indicators the seeds set a target for, computed
from the data (queries/seed_indicators.py), each with numerator, denominator, target, verdict and
the seed sentence it comes from. One table builder for both, so they cannot disagree."""

from __future__ import annotations

from functools import partial

import pandas as pd

from brief.context import Context
from brief.figures import build_column_chart
from brief.model import Chart, KeyFigure, Section, Table
from labels import t
from queries.drill import income_year
from queries.seed_indicators import seed_indicators

TABLE_COLUMNS = ("indicator", "numerator", "denominator", "counted", "value", "target", "met")
BASIS_COLUMNS = ("indicator", "seed", "proxy")


def value_text(code: str, value: float | None) -> str:
    """A value as read aloud: a percent, or posts per village; a dash without a denominator."""
    if value is None or pd.isna(value):
        return t("seed_indicator.no_value")
    return t(f"seed_indicator.{code}_value", value=f"{value:,.2f}" if code == "welfare_posts" else f"{value:.1f}")


def verdict_text(met: object) -> str:
    """达到 / 未达到, or 无目标值 where the seed sets no number (or nothing was counted)."""
    if met is None or pd.isna(met):
        return t("seed_indicator.no_verdict")
    return t("seed_indicator.met") if bool(met) else t("seed_indicator.not_met")


def indicator_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The query's rows for a reader: named indicator, counts, value, target, verdict, seed, proxy."""
    rows = [{"indicator": t(f"seed_indicator.{row.code}"),
             "numerator": float(row.numerator), "denominator": float(row.denominator),
             "counted": t(f"seed_indicator.{row.code}_counted"),
             "value": value_text(row.code, row.value),
             "target": t(f"seed_indicator.{row.code}_target"),
             "met": verdict_text(row.met)} for row in frame.itertuples(index=False)]
    return _named(pd.DataFrame(rows, columns=list(TABLE_COLUMNS)))


def indicator_basis(frame: pd.DataFrame) -> pd.DataFrame:
    """Each indicator's seed sentence and what the data counts for it (its proxy)."""
    rows = [{"indicator": t(f"seed_indicator.{code}"), "seed": t(f"seed_indicator.{code}_seed"),
             "proxy": t(f"seed_indicator.{code}_proxy")} for code in frame["code"]]
    return _named(pd.DataFrame(rows, columns=list(BASIS_COLUMNS)))


def _named(table: pd.DataFrame) -> pd.DataFrame:
    return table.rename(columns={code: t(f"seed_indicator_col.{code}") for code in table.columns})


def indicators(ctx: Context) -> Section:
    """The seeds' indicators of the area on the as-of date, each against its target."""
    area = ctx.area
    year, _ = income_year(area.db, area.asof)
    frame = seed_indicators(area.db, area.scope, area.code, area.level, area.asof, year)
    section = Section("indicators", t("brief_section.indicators"))
    judged = frame[frame["met"].notna()]
    section.figures = [KeyFigure(t("brief_kpi.indicators_met"), int(judged["met"].astype(bool).sum())),
                       KeyFigure(t("brief_kpi.indicators_not_met"), int((~judged["met"].astype(bool)).sum()))]
    section.tables = [Table(t("brief_table.indicators"), indicator_table(frame), t("brief_source.indicators")),
                      Table(t("brief_table.indicator_basis"), indicator_basis(frame), t("brief_source.indicator_basis"))]
    shares = frame[frame["code"] != "welfare_posts"]
    section.charts = [build_chart(shares)]
    section.commentary = [t("brief_say.indicator", name=t(f"seed_indicator.{row.code}"),
                            value=value_text(row.code, row.value), numerator=f"{row.numerator:,.0f}",
                            denominator=f"{row.denominator:,.0f}", target=t(f"seed_indicator.{row.code}_target"),
                            verdict=verdict_text(row.met)) for row in frame.itertuples(index=False)]
    if year is not None:
        section.commentary.append(t("brief_say.indicator_income_year", year=year))
    return section


def build_chart(shares: pd.DataFrame) -> Chart:
    """The share indicators as columns (percent), in the table's order."""
    values = [0.0 if v is None or pd.isna(v) else float(v) for v in shares["value"]]
    title = t("brief_chart.indicators")
    return Chart(title, partial(build_column_chart, [t(f"seed_indicator.{c}_short") for c in shares["code"]], values,
                                title, decimals=1))
