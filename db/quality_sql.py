"""SQL of the data-quality checks on households, shared by the quality page (queries.quality) and the
rollups that find them in advance (db.rollups): one definition of each check."""

from __future__ import annotations

from datetime import date

from sqlalchemy import String, and_, case, cast, exists, func, literal, not_, or_, select, union_all

from db.imports.ledger_checks import CHECK_CHARS, ID_WEIGHTS
from db.schema import area, case_risk, household, household_income, household_member, monitoring_case

# The household checks whose rollup (rollup_check_household) holds them whatever the day, and those it
# holds per day (on the warning rollup's days: they ask about the cases open on the day).
STANDING_CHECKS = ("household_no_village", "size_mismatch")
DAY_CHECKS = ("open_case_no_risk", "open_case_no_income")


def _digit(character):
    return case({str(d): d for d in range(10)}, value=character, else_=1000)


def id_fails(column):
    """SQL: the ID number is not an 18-digit ID (or 20/22-digit 残疾人证) with a right check digit."""
    total = sum((_digit(func.substr(column, i + 1, 1)) * weight for i, weight in enumerate(ID_WEIGHTS)),
                start=literal(0))
    expected = case({r: c for r, c in enumerate(CHECK_CHARS)}, value=total % 11, else_="?")
    return or_(not_(func.length(column).in_((18, 20, 22))), total >= 1000,
               func.upper(func.substr(column, 18, 1)) != expected)


def people(where=None, name: str = "people", numbers=None):
    """(household_id, village_code, id_number) of every head and member with an ID number, of the
    households `where` selects (all when None) and, given numbers (a list or a SELECT), with one of
    those ID numbers (each branch tests its own indexed column)."""
    heads = select(household.c.id.label("household_id"), household.c.village_code,
                   cast(household.c.id_number, String(22)).label("id_number")).where(household.c.id_number.is_not(None))
    members = (select(household_member.c.household_id, household.c.village_code,
                      cast(household_member.c.id_number, String(22)).label("id_number"))
               .select_from(household_member.join(household, household.c.id == household_member.c.household_id))
               .where(household_member.c.id_number.is_not(None)))
    if where is not None:
        heads, members = heads.where(where), members.where(where)
    if numbers is not None:
        heads = heads.where(household.c.id_number.in_(numbers))
        members = members.where(household_member.c.id_number.in_(numbers))
    return union_all(heads, members).subquery(name)


def shared_id_numbers(people_subquery):
    """SELECT of the ID numbers that people_subquery finds in more than one household."""
    return (select(people_subquery.c.id_number).group_by(people_subquery.c.id_number)
            .having(func.count(func.distinct(people_subquery.c.household_id)) > 1))


def _open_cases(asof: date):
    case_ = monitoring_case.c
    return and_(case_.identified_on <= asof, or_(case_.eliminated_on.is_(None), case_.eliminated_on > asof))


def check_conditions(check: str, asof: date, year: int | None):
    """For a household check: (the FROM clause, the WHERE conditions) naming the offending households,
    from the rows (year: the income year of the as-of day)."""
    h = household.c
    if check == "household_no_village":
        return household, [h.village_code.not_in(select(area.c.code).where(area.c.level == "village"))]
    if check == "bad_id_number":
        everyone = people()
        return household, [h.id.in_(select(everyone.c.household_id).where(id_fails(everyone.c.id_number)))]
    if check == "id_in_two_households":
        again = people(name="again")
        shared = shared_id_numbers(people())
        return household, [h.id.in_(select(again.c.household_id).where(again.c.id_number.in_(shared)))]
    if check == "open_case_no_risk":
        return (monitoring_case.join(household, h.id == monitoring_case.c.household_id),
                [_open_cases(asof), not_(exists().where(case_risk.c.case_id == monitoring_case.c.id))])
    if check == "open_case_no_income":
        income = exists().where(household_income.c.household_id == h.id, household_income.c.year == year)
        return (monitoring_case.join(household, h.id == monitoring_case.c.household_id),
                [_open_cases(asof), not_(income)])
    if check == "size_mismatch":
        members = (select(household_member.c.household_id, func.count().label("people"))
                   .group_by(household_member.c.household_id).subquery("members"))
        return (household.join(members, members.c.household_id == h.id), [members.c.people != h.size])
    raise ValueError(f"unknown check: {check}")
