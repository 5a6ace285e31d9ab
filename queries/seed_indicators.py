"""Indicators the seeds set a target for and the monitoring data can compute (issue 20, rule 11).

Each is computed from the fact tables under one area on the as-of date (never from a sample
indicator series), aggregated in the database, the viewer's scope checked by `in_area`. Where the
data has no direct field, the proxy is named here and in the README:

- relocated_employed — seed 001 (确保有劳动能力、就业意愿的搬迁家庭至少1人稳定就业) and seed 004
  (有就业意愿、有劳动能力的搬迁群众就近就地就业): relocated households with labour capacity that
  have an 就业帮扶 or 公益性岗位 measure in force, or wage income > 0 in the income year. Target 100 %.
- medical_insured — seed 001 (城乡居民基本医疗保险……参保率100%): members of exited or monitored
  households whose `medical_insured` is true. Target 100 %.
- chronic_signed — seed 001 (慢病签约服务管理率100%) and seed 003/004 (慢性病签约服务): members
  with a chronic illness (`health = 'chronic'`) whose household has a 健康帮扶 measure in force, the
  data's only trace of a family-doctor contract. Target 100 %.
- welfare_posts — seed 001 (it asks public-welfare posts to place a share of workers; quoted in
  a comment below): 公益性岗位 measures in force per village; the seed sets no number, so no target.
- credit_overdue — seed 001 (将逾期率严格控制在1%以下): the overdue share of the outstanding
  小额信贷 amount (loans in force whose `overdue_on` has come). Target below 1 %.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select

from db.day_figure_sql import figure_name, seed_statements
from db.schema import area, household
from queries import drill
from queries.day_figures import stored_figures
from queries.drill import in_area
from queries.gateway import cached, read
from queries.scope import Scope

SEED_INDICATOR_COLUMNS = ("code", "numerator", "denominator", "value", "target", "better", "met")
# code -> (target, better): the seeds' figures, not local settings
SEED_TARGETS: dict[str, tuple[float | None, str]] = {
    "relocated_employed": (100.0, "higher"),
    "medical_insured": (100.0, "higher"),
    "chronic_signed": (100.0, "higher"),
    # seed 001: 公益岗位安置一批 (no number set)
    "welfare_posts": (None, "higher"),
    "credit_overdue": (1.0, "lower"),
}
def _share(numerator: float, denominator: float) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def is_met(value: float | None, target: float | None, better: str) -> bool | None:
    """Met when at or above a higher-is-better target, strictly below a lower-is-better one
    (seed 001: 逾期率控制在1%以下); None without a value or a target."""
    if value is None or target is None:
        return None
    return value >= target if better == "higher" else value < target


def _seed_sums(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
               income_year: int | None) -> dict[str, float]:
    """"<statement>.<column>" -> the area's count or sum (db.day_figure_sql.seed_statements), from the
    day-figure rollup when it holds the day for the same income year, else from the rows."""
    stored = stored_figures(db, scope, area_code, area_level, asof, "seed")
    if stored is not None and income_year == drill.income_year(db, asof)[0]:
        return {figure_name(key, column): value for key, column, value in stored.itertuples(index=False)}
    here = in_area(household.c.village_code, area_code, area_level, scope)
    sums = {}
    for name, statement in seed_statements(here, asof, income_year).items():
        frame = read(db, statement)
        sums.update({figure_name(name, column): frame.at[0, column] for column in frame.columns if not frame.empty})
    return sums


@cached
def seed_indicators(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                    income_year: int | None) -> pd.DataFrame:
    """One row per indicator: numerator, denominator, value (percent, or posts per village), target."""
    sums = _seed_sums(db, scope, area_code, area_level, asof, income_year)
    villages = read(db, select(func.count().label("n")).where(
        area.c.level == "village", in_area(area.c.code, area_code, area_level, scope)))

    def number(name: str) -> float:
        value = sums.get(name)
        return 0.0 if value is None or pd.isna(value) else float(value)

    counts = {
        "relocated_employed": (number("relocated.numerator"), number("relocated.denominator")),
        "medical_insured": (number("people.insured"), number("people.members")),
        "chronic_signed": (number("people.signed"), number("people.chronic")),
        "welfare_posts": (number("measures.posts"), float(villages.at[0, "n"]) if not villages.empty else 0.0),
        "credit_overdue": (number("measures.overdue"), number("measures.credit")),
    }
    rows = []
    for code, (numerator, denominator) in counts.items():
        target, better = SEED_TARGETS[code]
        if code == "welfare_posts":
            value = round(numerator / denominator, 2) if denominator else None
        else:
            value = _share(numerator, denominator)
        rows.append({"code": code, "numerator": numerator, "denominator": denominator, "value": value,
                     "target": target, "better": better, "met": is_met(value, target, better)})
    return pd.DataFrame(rows, columns=list(SEED_INDICATOR_COLUMNS))
