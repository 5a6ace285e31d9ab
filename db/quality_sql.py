"""SQL of the data-quality checks on ID numbers, shared by the quality page (queries.quality) and the
rollups that count them in advance (db.rollups): one definition of a bad or shared ID number."""

from __future__ import annotations

from sqlalchemy import String, case, cast, func, literal, not_, or_, select, union_all

from db.imports.ledger_checks import CHECK_CHARS, ID_WEIGHTS
from db.schema import household, household_member


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
