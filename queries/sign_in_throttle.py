"""Failed sign-ins kept in the database: growing delays per name-at-an-address and per address.

A lockout per name alone would let anyone lock a colleague out by typing their name wrongly five
times (a denial of service). So a name is throttled only together with the address it is tried
from, with delays that grow with each failure; an address is throttled too (with a larger free
allowance) so one machine cannot try many names. Every app process reads and writes the same rows.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from db.schema import sign_in_throttle
from queries.gateway import engine_for

LOG = logging.getLogger("dashboard.auth")


@dataclass(frozen=True)
class Limit:
    """Failures allowed free under a key kind, then a delay doubling from base_seconds up to cap_seconds."""

    free: int
    base_seconds: float
    cap_seconds: float


NAME_AT_ADDRESS = Limit(free=3, base_seconds=5.0, cap_seconds=900.0)
ADDRESS = Limit(free=20, base_seconds=5.0, cap_seconds=900.0)
WINDOW_SECONDS = 3600.0  # failures older than this are forgotten


def delay_after(failures: int, limit: Limit) -> float:
    """Seconds to wait after this many failures in a row: none while free, then doubling to the cap."""
    if failures <= limit.free:
        return 0.0
    return min(limit.base_seconds * 2 ** (failures - limit.free - 1), limit.cap_seconds)


@functools.lru_cache(maxsize=8)
def ensure_throttle_table(db: str) -> bool:
    """Create the table once per server if missing; False when that is not allowed."""
    try:
        sign_in_throttle.create(engine_for(db), checkfirst=True)
        return True
    except SQLAlchemyError as error:
        LOG.error("sign_in_throttle table missing and cannot be created: %s", str(error).splitlines()[0])
        return False


def wait_seconds(db: str, keys: tuple[str, ...], now: float) -> float:
    """How long these keys must still wait before another try (0: go ahead). Never cached."""
    if not keys or not ensure_throttle_table(db):
        return 0.0
    row = sign_in_throttle.c
    try:
        with engine_for(db).connect() as connection:
            until = connection.execute(select(row.blocked_until).where(
                row.client_key.in_(keys), row.last_failure > now - WINDOW_SECONDS)).scalars().all()
    except SQLAlchemyError as error:  # the database is down: the sign-in fails anyway
        LOG.error("sign-in throttle unreadable: %s", str(error).splitlines()[0])
        return 0.0
    return max([moment - now for moment in until] + [0.0])


def record_failure(db: str, keyed: dict[str, Limit], now: float) -> float:
    """Count a failed sign-in under each key; the longest delay it now imposes (seconds)."""
    if not keyed or not ensure_throttle_table(db):
        return 0.0
    row, longest = sign_in_throttle.c, 0.0
    try:
        with engine_for(db).begin() as connection:
            connection.execute(delete(sign_in_throttle).where(row.last_failure <= now - WINDOW_SECONDS))
            for key, limit in keyed.items():
                found = connection.execute(select(row.failures).where(row.client_key == key)).scalar()
                failures = (found or 0) + 1
                blocked = now + delay_after(failures, limit)
                values = {"failures": failures, "last_failure": now, "blocked_until": blocked}
                if found is None:
                    try:
                        with connection.begin_nested():
                            connection.execute(sign_in_throttle.insert(), [{"client_key": key, **values}])
                    except IntegrityError:  # another process inserted it first: count on top of theirs
                        connection.execute(update(sign_in_throttle).where(row.client_key == key)
                                           .values(failures=row.failures + 1, last_failure=now,
                                                   blocked_until=blocked))
                else:
                    connection.execute(update(sign_in_throttle).where(row.client_key == key).values(**values))
                longest = max(longest, blocked - now)
    except SQLAlchemyError as error:
        LOG.error("sign-in failure not counted: %s", str(error).splitlines()[0])
    return longest


def forget(db: str, keys: tuple[str, ...]) -> None:
    """A successful sign-in clears its name-at-address key (never the address's: others may be guessing)."""
    if not keys or not ensure_throttle_table(db):
        return
    try:
        with engine_for(db).begin() as connection:
            connection.execute(delete(sign_in_throttle).where(sign_in_throttle.c.client_key.in_(keys)))
    except SQLAlchemyError as error:
        LOG.error("sign-in throttle not cleared: %s", str(error).splitlines()[0])
