"""Personal detail is never shown off the record: no audit entry, no page (issue 21, finding 6)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from db.schema import audit_log
from labels import t
from tests.auth.conftest import tree_text
from tests.conftest import copy_sample, read_table


@pytest.fixture
def unwritable_audit(sample_db_url, tmp_path, monkeypatch):
    """A copy of the sample whose audit table refuses every new entry (as a role without INSERT would)."""
    copy = tmp_path / "no-audit.db"
    copy_sample(sample_db_url, copy)
    engine = create_engine(f"sqlite:///{copy}")
    audit_log.create(engine, checkfirst=True)
    with engine.begin() as connection:
        connection.execute(text("CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log "
                                "BEGIN SELECT RAISE(ABORT, 'audit log not writable'); END"))
    engine.dispose()
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    return url


def test_unmasked_detail_is_not_shown_when_its_audit_entry_fails(signed_in_app, unwritable_audit, sample):
    person = sample.households[sample.households["village_code"] == sample.villages_b[0]].iloc[0]
    before = len(read_table(unwritable_audit, "audit_log"))  # the copied sample holds earlier tests' entries
    for params in ({"household": str(person["id"])}, {"area": sample.villages_b[0]}):
        test = signed_in_app("officer", **params)  # a case officer sees names and ID numbers in full
        assert not test.exception
        assert test.error[0].value == t("security.audit_unavailable")
        shown = tree_text(test)
        assert person["id_number"] not in shown and person["head_name"] not in shown
        assert not test.dataframe and not test.metric
        test.run()  # nor on the next run: the failed entry is tried again, not remembered as written
        assert test.error[0].value == t("security.audit_unavailable") and not test.dataframe
    assert len(read_table(unwritable_audit, "audit_log")) == before


def test_masked_views_still_show_when_the_log_is_down(signed_in_app, unwritable_audit, sample):
    # Aggregates and masked lists are no personal detail: an outage of the log must not blind a leader.
    test = signed_in_app("town_a", area=sample.town_a)
    assert not test.exception and test.dataframe
    assert t("security.audit_unavailable") not in [error.value for error in test.error]
