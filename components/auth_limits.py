"""Bounded memory of failed sign-ins and what the audit log may keep of a stranger's typing (no Streamlit).

Everything here is kept small on purpose: a stranger can type as many names as they like, and
neither the server's memory nor the append-only audit table may grow with them.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict

UNKNOWN_PREFIX = "?"  # an audit user name that starts with it is a keyed hash, never a typed name


class RecentEvents:
    """Timestamps of recent events per key, forgetting events older than the window and the oldest keys.

    Keys are kept in order of their last event, so expired keys are always at the front and pruning
    costs nothing per call beyond what it removes. Thread-safe: one instance serves every session.
    """

    def __init__(self, window_seconds: float, max_keys: int) -> None:
        self.window = window_seconds
        self.max_keys = max_keys
        self._events: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        return [moment for moment in self._events.get(key, ()) if now - moment < self.window]

    def _prune(self, now: float) -> None:
        while self._events:
            key, moments = next(iter(self._events.items()))
            if now - moments[-1] < self.window and len(self._events) <= self.max_keys:
                break
            self._events.popitem(last=False)

    def count(self, key: str, now: float) -> int:
        """How many events the key had within the window before now."""
        with self._lock:
            return len(self._recent(key, now))

    def add(self, key: str, now: float) -> int:
        """Record an event for the key and return its count within the window (this one included)."""
        with self._lock:
            recent = self._recent(key, now) + [now]
            self._events[key] = recent
            self._events.move_to_end(key)
            self._prune(now)
            return len(recent)

    def __len__(self) -> int:
        with self._lock:
            return len(self._events)


def anonymous_name(typed: str, key: bytes) -> str:
    """What the audit log keeps of a name nobody has: a keyed hash and the length, never the text.

    The same typing gives the same entry (so repeated guesses show as one stranger), but the entry
    cannot be read back into a password someone typed into the name field.
    """
    digest = hmac.new(key, typed.encode("utf-8"), hashlib.sha256).hexdigest()[:12]
    return f"{UNKNOWN_PREFIX}{digest}/{len(typed)}"


def audit_name(typed: str, known: bool, key: bytes) -> str:
    """The name to log for a sign-in attempt: a configured user's name as is, anything else hashed."""
    if not typed:
        return "-"
    return typed if known else anonymous_name(typed, key)


class AuditThrottle:
    """Allows a few failed-sign-in entries per client and window, one 'throttled' note, then nothing.

    A client is several keys at once (its session, its address when known, and everyone together):
    an entry is written only while every one of them is under its limit.
    """

    def __init__(self, window_seconds: float, per_client: int, overall: int, max_keys: int = 10_000) -> None:
        self.per_client = per_client
        self.overall = overall
        self._events = RecentEvents(window_seconds, max_keys)

    def decide(self, client_keys: tuple[str, ...], now: float) -> str:
        """'write' the entry, write one 'throttled' note instead, or 'skip' it (the event is counted)."""
        counts = [self._events.add(key, now) for key in client_keys]
        if all(count <= self.per_client for count in counts):
            # Only entries a client was allowed count against everyone's budget: one flooding
            # client must not silence the others.
            overall = self._events.add("*", now)
            return "write" if overall <= self.overall else "throttled" if overall == self.overall + 1 else "skip"
        # A client just went over its limit: say so once, then stay quiet until the window frees.
        return "throttled" if max(counts) == self.per_client + 1 else "skip"
