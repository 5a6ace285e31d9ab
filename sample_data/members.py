"""The people of each sample household (household_member): head first, as many as the household's size.

Relations, ages, health and labour skills are drawn so that the household's labour capacity follows
from its members by rules.labor.household_labor (the rule import-ledger applies to real exports).
"""

from __future__ import annotations

import datetime as dt
import random

from rules.labor import household_labor
from sample_data.households import LABOR_CODES, HouseholdBlock
from sample_data.people import CHECK_CHARS, GIVEN, ID_WEIGHTS, REGION_CODE, SURNAMES

SCHOOL_BY_AGE = ((6, 11, "小学"), (12, 14, "初中"), (15, 17, "高中"))


# Members' numbers carry a neighbouring region code (people married or born in from next door):
# heads are numbered block by block, so a member's number could otherwise meet a later block's head.
# The first county keeps it; the others' members carry their own county's code (sample_data.province),
# so that each county has its own thousand numbers per birthday.
MEMBER_REGION_CODE = REGION_CODE[:-1] + "8"
RANDOM_TRIES = 20  # draws before a crowded birthday is settled by search (never in a county's sample)
OVERFLOW_REGIONS = tuple(f"42999{n}" for n in range(8))  # fictional, used by no county of the samples


def member_region(village_code: str) -> str:
    """The region code members of a village's households carry."""
    county = village_code[:6]
    return MEMBER_REGION_CODE if county == REGION_CODE else county


def _with_check(first17: str) -> str:
    total = sum(int(d) * int(w) for d, w in zip(first17, ID_WEIGHTS))
    return first17 + CHECK_CHARS[total % 11]


class MemberIds:
    """Fake but valid ID numbers for members, unique across the run and never a head's number."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self._searched: dict[tuple[str, dt.date], int] = {}  # below it, every sequence number is taken

    def make(self, birth: dt.date, rng: random.Random, region: str = MEMBER_REGION_CODE) -> str:
        """An ID number for a person born on that day, never handed out before. A random sequence
        number first; on a birthday already crowded (a 10-million-household province draws a
        thousand people for some days) the first free one, in this region or an overflow region."""
        for _ in range(RANDOM_TRIES):
            number = _with_check(f"{region}{birth:%Y%m%d}{rng.randrange(1000):03d}")
            if number not in self.used:
                self.used.add(number)
                return number
        for code in (region, *OVERFLOW_REGIONS):
            for sequence in range(self._searched.get((code, birth), 0), 1000):
                number = _with_check(f"{code}{birth:%Y%m%d}{sequence:03d}")
                if number not in self.used:
                    self.used.add(number)
                    self._searched[code, birth] = sequence + 1
                    return number
            self._searched[code, birth] = 1000
        raise RuntimeError(f"no member ID number left for birth date {birth}")


def member_rows(block: HouseholdBlock, first_id: int, ids: MemberIds, until: dt.date,
                rng: random.Random) -> list[dict]:
    """Every member of every household of the block, ids from first_id."""
    ids.used.update(block.id_number)
    rows: list[dict] = []
    regions = [member_region(code) for code in block.village_codes]
    for h in range(len(block)):
        people = _household(block, h, ids, until, rng, regions[block.village[h]])
        for person in people:
            person["id"] = first_id + len(rows)
            rows.append(person)
    return rows


def _household(block: HouseholdBlock, h: int, ids: MemberIds, until: dt.date, rng: random.Random,
               region: str) -> list[dict]:
    head_id = block.id_number[h]
    head_birth = dt.date(int(head_id[6:10]), int(head_id[10:12]), int(head_id[12:14]))
    head_age = until.year - head_birth.year
    surname = block.head_name[h][0]
    head_sex = "male" if rng.random() < 0.85 else "female"
    people = [_person(block.head_name[h], head_id, "head", head_sex, head_birth)]
    size = int(block.size[h])
    if size >= 2 and rng.random() < 0.85:
        age = max(18, head_age + rng.randint(-6, 3))
        people.append(_new(rng.choice(SURNAMES) + _given(rng), "spouse",
                           "female" if head_sex == "male" else "male", age, ids, until, rng, region))
    while len(people) < size:
        relation, age = _relative(head_age, rng)
        name = (surname if relation in ("child", "grandchild") else rng.choice(SURNAMES)) + _given(rng)
        people.append(_new(name, relation, rng.choice(("male", "female")), age, ids, until, rng, region))
    _skills(people, LABOR_CODES[int(block.labor[h])], until, rng)
    for person in people:
        person["household_id"] = int(block.ids[h])
    return people


def _relative(head_age: int, rng: random.Random) -> tuple[str, int]:
    roll = rng.random()
    if head_age < 45:
        return ("child", max(0, head_age - rng.randint(22, 34))) if roll < 0.8 else \
            ("parent", head_age + rng.randint(22, 30))
    if head_age < 65:
        if roll < 0.6:
            return "child", max(0, head_age - rng.randint(22, 34))
        if roll < 0.8:
            return "grandchild", max(0, head_age - rng.randint(45, 58))
        return ("parent", head_age + rng.randint(20, 28)) if roll < 0.9 else \
            ("other", max(18, head_age - rng.randint(22, 32)))
    return ("grandchild", max(0, head_age - rng.randint(45, 58))) if roll < 0.5 else \
        ("child", max(18, head_age - rng.randint(22, 34)))


def _given(rng: random.Random) -> str:
    return rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")


def _new(name: str, relation: str, sex: str, age: int, ids: MemberIds, until: dt.date,
         rng: random.Random, region: str) -> dict:
    year = max(1920, until.year - age)
    birth = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    if birth > until:
        birth = until - dt.timedelta(days=rng.randrange(1, 300))
    return _person(name, ids.make(birth, rng, region), relation, sex, birth)


def _person(name: str, id_number: str, relation: str, sex: str, birth: dt.date) -> dict:
    return {"name": name, "id_number": id_number, "relation": relation, "sex": sex, "birth_date": birth,
            "health": "healthy", "labor_skill": None, "schooling": None, "medical_insured": True}


def _skills(people: list[dict], labor: str, until: dt.date, rng: random.Random) -> None:
    """Health, schooling and labour skills such that household_labor(...) gives the household's labour."""
    for person in people:
        age = until.year - person["birth_date"].year
        person["schooling"] = next((name for low, high, name in SCHOOL_BY_AGE if low <= age <= high), None)
        person["medical_insured"] = rng.random() > 0.01
        working = 16 <= age <= 65
        if labor == "none":
            skill = "lost" if working else "none"
        elif labor == "weak":
            skill = rng.choice(("weak", "weak", "lost")) if working else "none"
        else:
            skill = rng.choices(("normal", "skilled", "weak", "lost"), weights=(65, 20, 10, 5))[0] if working \
                else "none"
        person["labor_skill"] = skill
        if skill == "lost":
            person["health"] = rng.choices(("disabled", "serious", "chronic"), weights=(5, 3, 2))[0]
        elif age > 65 and rng.random() < 0.3:
            person["health"] = "chronic"
        elif rng.random() < 0.05:
            person["health"] = rng.choice(("chronic", "serious"))
    target = "normal" if labor == "normal" else "weak" if labor == "weak" else None
    if target and household_labor(p["labor_skill"] for p in people) != labor:
        people[0]["labor_skill"] = target  # the head carries the household's labour
        people[0]["health"] = "healthy" if target == "normal" else people[0]["health"]
