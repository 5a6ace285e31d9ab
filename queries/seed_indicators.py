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
from sqlalchemy import and_, case, exists, func, or_, select

from db.schema import area, assistance, household, household_income, household_member, monitoring_case
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
EMPLOYMENT_KINDS = ("employment", "public_welfare_post")


def _in_force(m, asof: date):
    return and_(m.started_on <= asof, or_(m.ended_on.is_(None), m.ended_on >= asof))


def _share(numerator: float, denominator: float) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def is_met(value: float | None, target: float | None, better: str) -> bool | None:
    """Met when at or above a higher-is-better target, strictly below a lower-is-better one
    (seed 001: 逾期率控制在1%以下); None without a value or a target."""
    if value is None or target is None:
        return None
    return value >= target if better == "higher" else value < target


@cached
def seed_indicators(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                    income_year: int | None) -> pd.DataFrame:
    """One row per indicator: numerator, denominator, value (percent, or posts per village), target."""
    h, m, mem, c, inc = household.c, assistance.c, household_member.c, monitoring_case.c, household_income.c
    here = in_area(h.village_code, area_code, area_level, scope)
    with_labour = func.coalesce(h.labor_capacity, "") != "none"
    employed = or_(
        exists().where(m.household_id == h.id, m.kind.in_(EMPLOYMENT_KINDS), _in_force(m, asof)),
        exists().where(inc.household_id == h.id, inc.year == (income_year or -1), inc.wage > 0))
    relocated = read(db, select(func.count().label("denominator"),
                                func.sum(case((employed, 1), else_=0)).label("numerator"))
                     .where(here, h.relocated.is_(True), with_labour))

    followed = or_(h.poverty_status == "exited",
                   exists().where(c.household_id == h.id, c.identified_on <= asof))
    signed = exists().where(m.household_id == h.id, m.kind == "health", _in_force(m, asof))
    people = read(db, select(
        func.count().label("members"),
        func.sum(case((mem.medical_insured.is_(True), 1), else_=0)).label("insured"),
        func.sum(case((mem.health == "chronic", 1), else_=0)).label("chronic"),
        func.sum(case((and_(mem.health == "chronic", signed), 1), else_=0)).label("signed"))
        .select_from(household_member.join(household, h.id == mem.household_id))
        .where(here, followed))

    measures = read(db, select(
        func.sum(case((m.kind == "public_welfare_post", 1), else_=0)).label("posts"),
        func.sum(case((m.kind == "micro_credit", m.amount), else_=0)).label("credit"),
        func.sum(case((and_(m.kind == "micro_credit", m.overdue_on <= asof), m.amount), else_=0)).label("overdue"))
        .select_from(assistance.join(household, h.id == m.household_id))
        .where(here, m.kind.in_(("public_welfare_post", "micro_credit")), _in_force(m, asof)))
    villages = read(db, select(func.count().label("n")).where(
        area.c.level == "village", in_area(area.c.code, area_code, area_level, scope)))

    def number(frame: pd.DataFrame, column: str) -> float:
        value = frame.at[0, column] if not frame.empty else None
        return 0.0 if value is None or pd.isna(value) else float(value)

    counts = {
        "relocated_employed": (number(relocated, "numerator"), number(relocated, "denominator")),
        "medical_insured": (number(people, "insured"), number(people, "members")),
        "chronic_signed": (number(people, "signed"), number(people, "chronic")),
        "welfare_posts": (number(measures, "posts"), number(villages, "n")),
        "credit_overdue": (number(measures, "overdue"), number(measures, "credit")),
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
