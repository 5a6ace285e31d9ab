"""The sample's people: as many as each household's size, head first, labour consistent with the household."""

from __future__ import annotations

from db.imports.ledger_checks import id_number_ok
from rules.labor import household_labor
from tests.conftest import read_table


def test_members_match_their_households(sample_db_url):
    households = read_table(sample_db_url, "household").set_index("id")
    members = read_table(sample_db_url, "household_member").sort_values("id")
    grouped = members.groupby("household_id")
    assert (grouped.size().reindex(households.index).fillna(0) == households["size"]).all()
    heads = grouped.first()
    assert (heads["relation"] == "head").all()
    assert (heads["id_number"] == households.loc[heads.index, "id_number"]).all()
    assert (heads["name"] == households.loc[heads.index, "head_name"]).all()
    labour = grouped["labor_skill"].agg(lambda skills: household_labor(skills))
    assert (labour == households.loc[labour.index, "labor_capacity"]).all()
    assert members["id_number"].is_unique and all(map(id_number_ok, members["id_number"]))
    skills = members["labor_skill"].value_counts(normalize=True)
    assert set(skills.index) == {"normal", "skilled", "weak", "lost", "none"} and skills["normal"] > 0.2


def test_a_crowded_birthday_still_gets_unique_valid_numbers():
    """A 10-million-household province draws more than a thousand members for some birthdays in one
    region: the generator once looped for ever there (issue 17's 10M build stalled at block 88)."""
    import datetime as dt
    import random

    import pytest

    from sample_data.members import OVERFLOW_REGIONS, MemberIds

    ids, rng, birth = MemberIds(), random.Random(1), dt.date(1980, 5, 17)
    numbers = [ids.make(birth, rng, "990101") for _ in range(2_500)]
    assert len(set(numbers)) == 2_500 and all(map(id_number_ok, numbers))
    assert {number[:6] for number in numbers} == {"990101", OVERFLOW_REGIONS[0], OVERFLOW_REGIONS[1]}
    for _ in range(1_000 * (1 + len(OVERFLOW_REGIONS)) - 2_500):
        ids.make(birth, rng, "990101")
    with pytest.raises(RuntimeError, match="1980-05-17"):
        ids.make(birth, rng, "990101")


def test_members_of_other_counties_carry_their_county_code():
    from sample_data.members import MEMBER_REGION_CODE, member_region

    assert member_region("429999101001") == MEMBER_REGION_CODE  # the sample county: as before
    assert member_region("990203104002") == "990203"
