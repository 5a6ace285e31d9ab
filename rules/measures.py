"""Assistance measures in force, and whether they fit the household's labour capacity.

Seed 003 (风险消除标准): "监测对象精准落实针对性帮扶措施" — a measure must be in force, not merely
have been started once: a one-off 临时救助 months ago does not place a measure today.

Seed 004 pairs measures with labour capacity and requires a safety net without labour (quoted
below, in comments: the seed's own wording includes words the UI no longer uses).
"""
# Seed 004 (二): "对有劳动能力的,优先通过小额信贷、技能培训和公益岗位安置等产业就业帮扶和扶志扶智措施提高
# 自我发展能力。对无劳动能力的,及时通过低保、医保、养老保险、特困救助供养、临时救助等综合性保障措施化解返贫致贫风险。"
# Seed 004 (十四): "对脱贫人口中完全丧失劳动能力……按规定纳入农村低保或特困人员救助供养范围" (应保尽保).

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from rules.model import Check, HouseholdFacts, MeasureFact

# Seed 004 (二)'s pairing of measures with labour capacity.
LABOR_MEASURES = ("industry", "employment", "micro_credit", "public_welfare_post")
NO_LABOR_MEASURES = ("dibao", "tekun", "temporary_relief")
# Seed 004 (十四): a household without labour belongs in 低保 or 特困供养.
SAFETY_NET = ("dibao", "tekun")
# 农村低收入人口 (seed 000 (六)) the data can show: 低保 and 特困 in force, and 民政's 低保边缘
# recognition of the last year (a recognition is reviewed once a year).
LOW_INCOME_CATEGORIES = SAFETY_NET + ("dibao_edge",)
DIBAO_EDGE_DAYS = 365


def in_force(measure: MeasureFact, since: date, day: date) -> bool:
    """True when the measure started between since (identification) and day and still runs on day:
    a targeted measure in place on that day (one ending on the day still counts for it)."""
    return measure.targets(since, day) and (measure.ended_on is None or measure.ended_on >= day)


def measures_in_force(facts: HouseholdFacts, since: date, day: date) -> list[MeasureFact]:
    """The household's targeted measures in force on day, oldest first."""
    return sorted((m for m in facts.measures if in_force(m, since, day)), key=lambda m: m.started_on)


def paired_kinds(labor_capacity: str | None) -> tuple[str, ...]:
    """The measure kinds seed 004 pairs with the labour capacity (none: social security)."""
    return NO_LABOR_MEASURES if labor_capacity == "none" else LABOR_MEASURES


def has_paired_measure(facts: HouseholdFacts, since: date, day: date) -> bool:
    """True when a measure in force on day is of a kind paired with the household's labour."""
    kinds = paired_kinds(facts.labor_capacity)
    return any(m.kind in kinds for m in measures_in_force(facts, since, day))


def missing_safety_net(facts: HouseholdFacts, day: date) -> Check | None:
    """An open case of a household without any labour that has neither 低保 nor 特困 in force
    (a safety-net measure counts whenever it started, before the case or after)."""
    case = facts.open_case(day)
    if case is None or facts.labor_capacity != "none":
        return None
    if any(m.kind in SAFETY_NET and m.started_on <= day and (m.ended_on is None or m.ended_on >= day)
           for m in facts.measures):
        return None
    return Check("no_safety_net", True, "no_safety_net", {"identified": case.identified_on})


def low_income_categories(measures: Iterable[tuple[str, date, date | None]], edge_recognitions: Iterable[date],
                          day: date) -> tuple[str, ...]:
    """The household's 低收入人口 categories on day, in LOW_INCOME_CATEGORIES order: 低保 or 特困 in force
    (kind, started_on, ended_on), and 低保边缘 when 民政 recognised it within DIBAO_EDGE_DAYS before day."""
    held = {kind for kind, started, ended in measures
            if kind in SAFETY_NET and started <= day and (ended is None or ended >= day)}
    if any(day - timedelta(days=DIBAO_EDGE_DAYS) < occurred <= day for occurred in edge_recognitions):
        held.add("dibao_edge")
    return tuple(category for category in LOW_INCOME_CATEGORIES if category in held)
