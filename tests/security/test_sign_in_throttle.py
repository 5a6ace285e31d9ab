"""Failed sign-ins slow down a name at one address, are shared by every process, and lock nobody out."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from labels import t
from queries.sign_in_throttle import ADDRESS, NAME_AT_ADDRESS, delay_after, forget, record_failure, wait_seconds
from tests.auth.conftest import PASSWORD, audit_rows
from tests.auth.test_auth_app import _sign_in

ROOT = Path(__file__).resolve().parents[2]
WAITING = t("auth.wait", seconds=0)[:8]  # the message's opening words, whatever the seconds


def test_delays_grow_after_the_free_failures_up_to_a_cap():
    delays = [delay_after(n, NAME_AT_ADDRESS) for n in range(1, 12)]
    assert delays[:3] == [0.0, 0.0, 0.0]
    assert delays[3:7] == [5.0, 10.0, 20.0, 40.0]
    assert delay_after(40, NAME_AT_ADDRESS) == NAME_AT_ADDRESS.cap_seconds
    assert delay_after(ADDRESS.free, ADDRESS) == 0.0  # an address may fail more often before waiting


def test_a_second_process_sees_the_failures_of_the_first(tmp_path):
    db = f"sqlite:///{tmp_path / 'throttle.db'}"
    other = ("import sys, time; from queries.sign_in_throttle import NAME_AT_ADDRESS, record_failure\n"
             "for _ in range(4): d = record_failure(sys.argv[1], {'n:x': NAME_AT_ADDRESS}, time.time())\n"
             "print(d)")
    printed = subprocess.run([sys.executable, "-c", other, db], cwd=ROOT, capture_output=True, text=True, check=True)
    assert float(printed.stdout) == 5.0
    assert 0 < wait_seconds(db, ("n:x",), time.time()) <= 5.0  # this process must wait too
    assert wait_seconds(db, ("n:y",), time.time()) == 0.0  # other names are not affected
    assert record_failure(db, {"n:x": NAME_AT_ADDRESS}, time.time()) == 10.0  # counts on top of theirs
    forget(db, ("n:x",))
    assert wait_seconds(db, ("n:x",), time.time()) == 0.0


@pytest.fixture
def from_address(monkeypatch):
    """Make the app see the browser at an address (AppTest has no network peer)."""
    def use(address: str) -> None:
        monkeypatch.setattr("components.auth._client_address", lambda: address)
    return use


def test_guessing_from_one_address_does_not_lock_the_user_out_elsewhere(signed_in_app, sample_db_url, from_address):
    from_address("10.9.0.66")
    stranger = signed_in_app(None)
    for attempt in range(4):
        stranger = _sign_in(stranger, "town_a", f"guess {attempt}")
    assert stranger.error[0].value.startswith(WAITING)
    stranger = _sign_in(stranger, "town_a", PASSWORD)  # even the right password waits at this address
    assert stranger.error[0].value.startswith(WAITING) and not stranger.dataframe

    from_address("10.9.0.7")  # the colleague at their own desk signs in at once
    colleague = _sign_in(signed_in_app(None), "town_a", PASSWORD)
    assert not colleague.exception and not colleague.error and colleague.dataframe
    rows = audit_rows(sample_db_url)
    assert ((rows["user_name"] == "town_a") & (rows["detail"] == "signin locked")).any()


def test_one_address_trying_many_names_is_slowed_too(signed_in_app, from_address):
    from_address("10.9.0.99")
    test = signed_in_app(None)
    for attempt in range(ADDRESS.free + 1):
        test = _sign_in(test, f"spray{attempt}", "x")  # a new name every time
    assert test.error[0].value.startswith(WAITING)
