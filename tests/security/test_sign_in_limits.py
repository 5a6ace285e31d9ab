"""What the audit log and the server's memory keep of strangers' typing (issue 21, finding 3)."""

from __future__ import annotations

from components.auth_limits import AuditThrottle, RecentEvents, anonymous_name, audit_name

KEY = b"k" * 32


def test_the_failure_memory_forgets_old_names_and_stays_bounded():
    events = RecentEvents(window_seconds=600, max_keys=100)
    for number in range(5_000):  # a stranger typing a new name every time
        events.add(f"name {number}", now=float(number) / 100)
    assert len(events) == 100
    assert events.count("name 4999", now=50.0) == 1 and events.count("name 0", now=50.0) == 0
    events.add("late", now=10_000.0)  # everything else is older than the window: all forgotten
    assert len(events) == 1


def test_the_failure_memory_counts_within_the_window_only():
    events = RecentEvents(window_seconds=600, max_keys=100)
    for moment in (0.0, 100.0, 200.0):
        events.add("town_a", moment)
    assert events.count("town_a", 599.0) == 3
    assert events.count("town_a", 650.0) == 2  # the first failure has expired
    assert events.add("town_a", 750.0) == 2  # 200 and 750


def test_an_unknown_name_is_kept_as_a_keyed_hash_and_a_length():
    typed = "correct horse battery staple"  # a password typed into the name field
    logged = audit_name(typed, known=False, key=KEY)
    assert typed not in logged and "horse" not in logged
    assert logged.startswith("?") and logged.endswith(f"/{len(typed)}") and len(logged) <= 64
    assert logged == anonymous_name(typed, KEY)  # the same stranger shows as the same entry
    assert logged != anonymous_name(typed, b"another key" * 3)  # not a plain hash anyone can look up
    assert audit_name("town_a", known=True, key=KEY) == "town_a"
    assert audit_name("", known=False, key=KEY) == "-"


def test_failed_sign_ins_are_written_a_few_times_per_client_then_noted_once():
    throttle = AuditThrottle(window_seconds=600, per_client=3, overall=100)
    flood = [throttle.decide(("session:a", "address:10.0.0.9"), now=float(n)) for n in range(20)]
    assert flood == ["write"] * 3 + ["throttled"] + ["skip"] * 16
    # A new browser session from the same address gains nothing; another address is not silenced.
    assert throttle.decide(("session:b", "address:10.0.0.9"), now=21.0) == "skip"
    assert throttle.decide(("session:c", "address:10.0.0.7"), now=22.0) == "write"
    # After the window the flooding client may be logged again.
    assert throttle.decide(("session:a", "address:10.0.0.9"), now=700.0) == "write"


def test_many_clients_together_are_capped_too():
    throttle = AuditThrottle(window_seconds=600, per_client=3, overall=5)
    verdicts = [throttle.decide((f"address:10.0.0.{n}",), now=float(n)) for n in range(8)]
    assert verdicts == ["write"] * 5 + ["throttled", "skip", "skip"]
