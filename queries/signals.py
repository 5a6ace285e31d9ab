"""Department signals (部门预警): what came in, what was sent and verified, who is late.

Every figure is aggregated in SQL and takes the viewer's scope; the page, the cockpit, the wall and
the briefing read these functions, so a number can never differ between them. A signal's state is
its newest signal_review row (rows are never updated: a correction is a new row), read from the
per-signal rollup while it is current (queries.signal_source). A signal of an unknown person has the
receiving county's area; it counts for views of that county (or wider) only.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import and_, case, false, func, insert, select, true

from db.schema import SIGNAL_OUTCOMES, household, monitoring_case, signal, signal_review
from db.signal_state import refresh_signals
from queries.areas import scope_filter
from queries.drill import in_area
from queries.gateway import cached, engine_for, note_write, read
from queries.masking import mask_frame
from queries.scope import PREFIX_LENGTH, Scope, ScopeError
from queries.signal_source import SignalSource, signal_source, signal_state_freshness
from rules.calendar import WEEK
from rules.settings import SETTINGS, SIGNAL_SETTINGS, Setting, verify_days  # noqa: F401  (pages read it here)

BROAD_LEVELS = ("province", "city", "county")
LIST_LIMIT = 200
STAGES = ("received", "sent", "verified", "included")


def _where(column, scope: Scope, area_code: str, level: str):
    """Signals whose area `column` (the signal's, or its newest review's) is under the area, refused
    outside the scope. Every signal has an area: the household's village, or for an unknown person
    the area the file was received for (its county), so a county's unknown people count for that
    county and the areas above it only."""
    return and_(in_area(column, area_code, level, scope), scope_filter(column, scope))


def _overdue(source: SignalSource, asof: dt.date, days: int):
    """Sent, not verified, and received more than `days` days before the as-of date."""
    return and_(source.sent_on.is_not(None), source.verified_on.is_(None),
                source.received_on < asof - dt.timedelta(days=days))


@cached
def received_by_department(db: str, scope: Scope, area_code: str, level: str, asof: dt.date) -> pd.DataFrame:
    """Signals received per department: this week (7 days to asof), this month, the last year."""
    received = signal.c.received_on
    month_start = asof.replace(day=1)
    year_start = asof - dt.timedelta(days=365)
    counted = lambda since: func.sum(case((received >= since, 1), else_=0))
    statement = (select(signal.c.department, counted(asof - WEEK + dt.timedelta(days=1)).label("week"),
                        counted(month_start).label("month"), func.count().label("year"))
                 .where(_where(signal.c.area_code, scope, area_code, level), received <= asof, received > year_start)
                 .group_by(signal.c.department).order_by(signal.c.department))
    frame = read(db, statement)
    return frame.astype({"week": "int64", "month": "int64", "year": "int64"}) if not frame.empty else frame


@cached
def funnel(db: str, scope: Scope, area_code: str, level: str, asof: dt.date, since: dt.date) -> dict[str, int]:
    """Received since `since` → sent → verified → included (as of the date)."""
    source = signal_source(db)
    verified = and_(source.verified_on.is_not(None), source.verified_on <= asof)
    statement = (select(func.count().label("received"),
                        func.sum(case((source.sent_on.is_not(None), 1), else_=0)).label("sent"),
                        func.sum(case((verified, 1), else_=0)).label("verified"),
                        func.sum(case((and_(verified, source.outcome == "included"), 1), else_=0)).label("included"))
                 .select_from(source.counted)
                 .where(_where(source.signal_area, scope, area_code, level), source.received_on >= since,
                        source.received_on <= asof))
    row = read(db, statement).iloc[0]
    return {stage: int(row[stage] or 0) for stage in STAGES}


@cached
def overdue_by_area(db: str, scope: Scope, area_code: str, level: str, child_level: str, asof: dt.date,
                    days: int) -> pd.DataFrame:
    """Per child area (index: code): pending and overdue verifications, the oldest receipt; worst first."""
    source = signal_source(db)
    keep = PREFIX_LENGTH[child_level]
    child = func.substr(source.area_code, 1, keep).label("prefix")
    pending = and_(source.sent_on.is_not(None), source.verified_on.is_(None))
    statement = (select(child, func.sum(case((_overdue(source, asof, days), 1), else_=0)).label("overdue"),
                        func.count().label("pending"), func.min(source.received_on).label("oldest"))
                 .select_from(source.counted)
                 .where(_where(source.area_code, scope, area_code, level), pending, source.received_on <= asof)
                 .group_by(child))
    frame = read(db, statement)
    if frame.empty:
        return pd.DataFrame(columns=["overdue", "pending", "oldest_days"])
    frame.index = frame["prefix"].map(lambda prefix: str(prefix).ljust(12, "0"))
    frame["oldest_days"] = frame["oldest"].map(lambda day: (asof - pd.Timestamp(day).date()).days)
    frame = frame.astype({"overdue": "int64", "pending": "int64"})
    return frame.sort_values(["overdue", "oldest_days", "pending"], ascending=False, kind="stable")[
        ["overdue", "pending", "oldest_days"]]


@cached
def overdue_count(db: str, scope: Scope, area_code: str, level: str, asof: dt.date, days: int) -> int:
    """How many verifications under the area are overdue on the date (cockpit tile, wall, briefing)."""
    source = signal_source(db)
    statement = (select(func.count()).select_from(source.counted)
                 .where(_where(source.area_code, scope, area_code, level), _overdue(source, asof, days)))
    return int(read(db, statement).iloc[0, 0])


@cached
def new_signals(db: str, scope: Scope, area_code: str, level: str, asof: dt.date) -> int:
    """Signals received in the week ending on the date (cockpit and wall news, briefing)."""
    statement = (select(func.count()).select_from(signal)
                 .where(_where(signal.c.area_code, scope, area_code, level), signal.c.received_on > asof - WEEK,
                        signal.c.received_on <= asof))
    return int(read(db, statement).iloc[0, 0])


@cached
def median_days_to_verify(db: str, scope: Scope, area_code: str, level: str, asof: dt.date,
                          since: dt.date) -> float | None:
    """Median days from receipt to verification of signals verified since the date (None: none)."""
    source = signal_source(db)
    statement = (select(source.received_on.label("received_on"), source.verified_on.label("verified_on"),
                        func.count().label("n"))
                 .select_from(source.counted)
                 .where(_where(source.signal_area, scope, area_code, level), source.verified_on.is_not(None),
                        source.verified_on >= since, source.verified_on <= asof)
                 .group_by(source.received_on, source.verified_on))  # one row per pair of dates
    frame = read(db, statement)
    if frame.empty:
        return None
    days = (pd.to_datetime(frame["verified_on"]) - pd.to_datetime(frame["received_on"])).dt.days
    return weighted_median(days, frame["n"])


def weighted_median(values: pd.Series, weights: pd.Series) -> float:
    """statistics.median of the values each repeated weight times, without repeating them (a
    province's verified signals were one Python list item each)."""
    counts = pd.Series(weights.to_numpy(dtype="int64"), index=values.to_numpy()).groupby(level=0).sum().sort_index()
    ends = counts.cumsum()
    total = int(ends.iloc[-1])
    at = lambda position: float(counts.index[int(ends.searchsorted(position, side="right"))])
    return at(total // 2) if total % 2 else (at(total // 2 - 1) + at(total // 2)) / 2


@cached
def open_by_village(db: str, scope: Scope, area_code: str, level: str, asof: dt.date) -> pd.Series:
    """Signals sent and not yet verified per village (index: village code), for the map layer."""
    source = signal_source(db)
    statement = (select(source.area_code.label("area_code"), func.count().label("open"))
                 .select_from(source.counted)
                 .where(_where(source.area_code, scope, area_code, level), source.sent_on.is_not(None),
                        source.verified_on.is_(None), source.received_on <= asof)
                 .group_by(source.area_code))
    frame = read(db, statement)
    return frame.set_index("area_code")["open"].astype("int64") if not frame.empty else pd.Series(dtype="int64")


@cached
def monthly(db: str, scope: Scope, area_code: str, level: str, asof: dt.date, since: dt.date) -> pd.DataFrame:
    """Per month (YYYY-MM): signals received and signals verified as included."""
    source = signal_source(db)
    included = case((source.outcome == "included", 1), else_=0)
    statement = (select(source.received_on.label("received_on"), func.count().label("received"),
                        func.sum(included).label("included"))
                 .select_from(source.counted)
                 .where(_where(source.signal_area, scope, area_code, level), source.received_on >= since,
                        source.received_on <= asof)
                 .group_by(source.received_on))  # one row per day; months are rolled up below
    frame = read(db, statement)
    months = pd.period_range(pd.Period(since, "M"), pd.Period(asof, "M"), freq="M").strftime("%Y-%m")
    if frame.empty:
        return pd.DataFrame({"received": 0, "included": 0}, index=pd.Index(months, name="month"))
    frame["month"] = pd.to_datetime(frame["received_on"]).dt.strftime("%Y-%m")
    rolled = frame.groupby("month")[["received", "included"]].sum().astype("int64")
    return rolled.reindex(months, fill_value=0).rename_axis("month")


def _listed(db: str, scope: Scope, statement, order) -> pd.DataFrame:
    """A capped list of signals with their households' names: the signals are chosen, sorted and cut
    first, then the ≤ LIST_LIMIT households looked up (not one per pending signal of a province)."""
    chosen = statement.order_by(*order(statement.selected_columns)).subquery("chosen")
    columns = [chosen.c[name] for name in SIGNAL_COLUMNS]
    extra = [column for column in chosen.c if column.name not in {*SIGNAL_COLUMNS, "household_id"}]
    listed = (select(*columns, household.c.head_name, household.c.id.label("household_id"), *extra)
              .select_from(chosen.outerjoin(household, household.c.id == chosen.c.household_id))
              .order_by(*order(chosen.c)))
    return mask_frame(read(db, listed), scope.personal_detail)


SIGNAL_COLUMNS = ("signal_id", "department", "kind", "amount", "occurred_on", "received_on", "match", "id_number")


def _signal_columns(source: SignalSource, *more):
    return (signal.c.id.label("signal_id"), signal.c.department, signal.c.kind, signal.c.amount,
            signal.c.occurred_on, signal.c.received_on, signal.c.match, signal.c.id_number,
            signal.c.household_id, source.area_code.label("village_code"), *more)


@cached
def pending_list(db: str, scope: Scope, area_code: str, level: str, asof: dt.date,
                 limit: int = LIST_LIMIT) -> pd.DataFrame:
    """The signals waiting for verification under the area, oldest first, masked by role."""
    if not scope.household_detail:
        return pd.DataFrame()
    source = signal_source(db)
    statement = (select(*_signal_columns(source))
                 .select_from(source.listed)
                 .where(_where(source.area_code, scope, area_code, level), source.sent_on.is_not(None),
                        source.verified_on.is_(None), source.received_on <= asof)
                 .limit(limit))
    return _listed(db, scope, statement, lambda c: [c.received_on, c.signal_id])


@cached
def verified_list(db: str, scope: Scope, area_code: str, level: str, asof: dt.date,
                  limit: int = LIST_LIMIT) -> pd.DataFrame:
    """Signals under the area whose verification is recorded, newest verification first, masked by
    role: the ones a township may correct (a correction is a new review row)."""
    if not scope.household_detail:
        return pd.DataFrame()
    source = signal_source(db)
    statement = (select(*_signal_columns(source, source.verified_on.label("verified_on"),
                                         source.outcome.label("outcome")))
                 .select_from(source.listed)
                 .where(_where(source.area_code, scope, area_code, level), source.verified_on.is_not(None),
                        source.verified_on <= asof)
                 .limit(limit))
    return _listed(db, scope, statement, lambda c: [c.verified_on.desc(), c.signal_id.desc()])


def signal_settings() -> list[Setting]:
    """The loop's deadlines and thresholds as rows for the page: the signal settings and the rigid
    spending share the medical threshold shares with the monitoring rules."""
    rigid = next(row for row in SETTINGS.table() if row.name == "rigid_share")
    return [*SIGNAL_SETTINGS.table(), rigid]


@cached
def household_signals(db: str, scope: Scope, household_id: int, asof: dt.date | None = None) -> pd.DataFrame:
    """One household's signals (received by the date) with their current outcome, newest first."""
    if not scope.household_detail:
        return pd.DataFrame()
    source = signal_source(db)
    statement = (select(signal.c.id.label("signal_id"), signal.c.department, signal.c.kind, signal.c.amount,
                        signal.c.occurred_on, signal.c.received_on, source.verified_on.label("verified_on"),
                        source.outcome.label("outcome"), source.case_id.label("case_id"))
                 .select_from(source.listed.join(household, household.c.id == signal.c.household_id))
                 .where(signal.c.household_id == household_id, scope_filter(household.c.village_code, scope),
                        signal.c.received_on <= asof if asof else true())
                 .order_by(signal.c.received_on.desc(), signal.c.id.desc()))
    return read(db, statement)


@cached
def review_history(db: str, scope: Scope, signal_id: int) -> pd.DataFrame:
    """Every review row of a signal, oldest first (a correction shows next to what it corrects)."""
    review = signal_review.c
    statement = (select(review.id, review.sent_on, review.verified_on, review.outcome, review.case_id,
                        review.reviewer, review.note, review.recorded_by, review.recorded_at, review.corrects)
                 .where(review.signal_id == signal_id, scope_filter(review.area_code, scope),
                        true() if scope.household_detail else false())  # a household's record: detail roles only
                 .order_by(review.id))
    return read(db, statement)


@cached
def case_choices(db: str, scope: Scope, signal_id: int) -> pd.DataFrame:
    """Cases of the signal's household identified on or after its occurrence (for an `included` outcome)."""
    case_ = monitoring_case.c
    statement = (select(case_.id, case_.case_type, case_.identified_on)
                 .select_from(monitoring_case.join(signal, signal.c.household_id == case_.household_id)
                              .join(household, household.c.id == case_.household_id))
                 .where(signal.c.id == signal_id, case_.identified_on >= signal.c.occurred_on,
                        scope_filter(household.c.village_code, scope))
                 .order_by(case_.identified_on))
    return read(db, statement)


def record_verification(db: str, scope: Scope, signal_id: int, *, outcome: str, verified_on: dt.date,
                        reviewer: str, note: str, case_id: int | None, recorded_by: str) -> int:
    """Append a verification (a correction when one exists); ScopeError outside the viewer's areas."""
    if outcome not in SIGNAL_OUTCOMES:
        raise ValueError(f"unknown outcome: {outcome}")
    review = signal_review.c
    with engine_for(db).begin() as connection:
        newest = connection.execute(select(review.id, review.area_code, review.sent_on, review.verified_on)
                                    .where(review.signal_id == signal_id)
                                    .order_by(review.id.desc()).limit(1)).first()
        if newest is None or not scope.household_detail or not scope.covers(newest.area_code):
            raise ScopeError(str(signal_id))
        new_id = connection.execute(insert(signal_review).values(
            signal_id=signal_id, area_code=newest.area_code, sent_on=newest.sent_on, verified_on=verified_on,
            outcome=outcome, case_id=case_id, reviewer=reviewer[:64], note=note[:500], recorded_by=recorded_by[:64],
            recorded_at=dt.datetime.now(), corrects=newest.id if newest.verified_on is not None else None,
        )).inserted_primary_key[0]
        refresh_signals(connection, [signal_id])  # its state with the row, or neither
    note_write()
    for function in (signal_state_freshness, funnel, overdue_by_area, overdue_count, new_signals,
                     median_days_to_verify, open_by_village, monthly, pending_list, verified_list, household_signals,
                     review_history):
        function.clear()  # the writer sees the change at once
    return int(new_id)
