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
