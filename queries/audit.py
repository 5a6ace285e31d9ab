"""The audit log: append one entry per view, detail, export or refusal; read it back for county leaders."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError

from db.schema import AUDIT_ACTIONS, audit_log
from queries.gateway import cached, engine_for, read
from queries.scope import Scope, ScopeError

LOG = logging.getLogger("dashboard.audit")
READ_LIMIT = 2000  # one screen of entries; narrow the dates to see older ones


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log, as the app writes it."""

    user_name: str
    role: str
    action: str
    page: str | None = None
    area_code: str | None = None
    household_id: int | None = None
    detail: str = ""


_AUDIT_TABLE_READY: set[str] = set()


def ensure_audit_table(db: str) -> bool:
    """Create the audit table once per server if it is missing; False when that is not allowed (or the
    database is down: only a success is remembered, so a later call tries again)."""
    if db in _AUDIT_TABLE_READY:
        return True
    try:
        audit_log.create(engine_for(db), checkfirst=True)
        _AUDIT_TABLE_READY.add(db)
        return True
    except SQLAlchemyError as error:  # a restricted role cannot create tables: `python -m db init` must
        LOG.error("audit_log table missing and cannot be created: %s", str(error).splitlines()[0])
        return False


def record(db: str, entry: AuditEntry, at: datetime | None = None) -> bool:
    """Append an entry (never cached); False, and a server log line, when the write failed."""
    if entry.action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action: {entry.action}")
    values = {"at": at or datetime.now(), "user_name": entry.user_name[:64], "role": entry.role[:32],
              "page": (entry.page or None) and entry.page[:32], "area_code": (entry.area_code or None)
              and entry.area_code[:12], "household_id": entry.household_id, "action": entry.action,
              "detail": entry.detail[:500]}
    try:
        with engine_for(db).begin() as connection:
            connection.execute(insert(audit_log), [values])  # a list: no RETURNING, no SELECT needed
        return True
    except SQLAlchemyError as error:
        LOG.error("audit entry not written (%s %s): %s", entry.user_name, entry.action,
                  str(error).splitlines()[0])
        return False


@cached
def audit_entries(db: str, scope: Scope, since: date, until: date, action: str | None = None,
                  user_name: str | None = None, limit: int = READ_LIMIT) -> pd.DataFrame:
    """Entries between two dates (inclusive), newest first; refused unless the scope may read the log."""
    if not scope.audit_reader:
        raise ScopeError("audit_log")
    log = audit_log.c
    conditions = [log.at >= datetime.combine(since, datetime.min.time()),
                  log.at < datetime.combine(until + timedelta(days=1), datetime.min.time())]
    if action:
        conditions.append(log.action == action)
    if user_name:
        conditions.append(log.user_name == user_name)
    statement = (select(log.at, log.user_name, log.role, log.page, log.area_code, log.household_id,
                        log.action, log.detail)
                 .where(*conditions).order_by(log.at.desc(), log.id.desc()).limit(limit))
    return read(db, statement)
