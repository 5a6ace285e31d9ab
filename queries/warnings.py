"""Early warnings over an area, selected in SQL with the thresholds of rules/warnings.py.

One statement per rule, read once per area and date for both the counts and the capped list; each
yields the firing households only. tests/test_warning_queries.py holds every rule to rules.warnings on every household.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select

from db.rollup_schema import rollup_warning, rollup_warning_row
from db.rollups import CASE_SPELLS, NEW_WEEK_DAYS
from db.schema import household
from db.warning_sql import EVENT_START, NEWEST_BY, STATEMENTS
from queries.drill import in_area, income_year
from queries.gateway import cached, read
from queries.rollups import held_days, use_rollup
from queries.masking import mask_frame
from queries.scope import Scope, child_key
from queries.trend_period import area_key, pad_codes
from rules import warnings as rule
from rules.warnings import WARNING_RULES  # noqa: F401  (the rule codes these queries count, for the pages)

LIST_LIMIT = 300  # rows per rule in a list; the counts are always complete
ROW_COLUMNS = ("household_id", "village_code", "head_name", "rule", "since", "evidence", "values")

def _year_end(rows: pd.DataFrame, asof: date) -> pd.Series:
    return rows["year"].map(lambda year: min(date(int(year), 12, 31), asof))


def _event_start(column: str, lag: int):
    return lambda rows, asof: rows[column] + timedelta(days=lag)


# The day each warning started to apply, from its firing rows: the list's "since" (newest first)
# and the cockpit's "new this week" both read it here (the rollup's new_week from EVENT_START too).
_STARTED = {"should_monitor": _year_end, "income_below_line": _year_end, "spending_spike": _year_end,
            **{code: _event_start(column, lag) for code, (column, lag) in EVENT_START.items()}}
# Warnings that start on a day (not a yearly figure): these can be "new this week".
EVENT_RULES = ("new_guarantee_problem", "open_without_measure", "no_safety_net", "no_recent_visit")


def _values(rule_code: str, row: pd.Series, asof: date) -> dict:
    """The evidence values, named as rules.warnings names them."""
    if rule_code == "should_monitor":
        return {"year": int(row["year"]), "income": float(row["income"]), "line": float(row["line"]),
                "under": bool(row["under"]), "rigid": float(row["rigid"]), "total": float(row["total"])}
    if rule_code == "no_safety_net":
        return {"identified": row["identified"]}
    if rule_code == "income_below_line":
        return {"year": int(row["year"]), "income": float(row["income"]), "line": float(row["line"]),
                "before": float(row["before"]), "monitored": bool(row["monitored"])}
    if rule_code == "spending_spike":
        return {"year": int(row["year"]), "rigid": float(row["rigid"]), "before": float(row["before"]),
                "income": float(row["income"])}
    if rule_code == "new_guarantee_problem":
        return {"item": row["item"], "issue": row["issue"] or "", "checked": row["checked"]}
    if rule_code == "open_without_measure":
        return {"identified": row["identified"], "days": (asof - row["identified"]).days}
    last = row["last"] if isinstance(row["last"], date) else None
    return {"last": last, "days": (asof - last).days if last else None}


@cached
def _firing(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
            rules: tuple[str, ...] = rule.WARNING_RULES) -> dict[str, pd.DataFrame]:
    """Every firing row of the rules under an area, read once for both the counts and the list."""
    where = in_area(household.c.village_code, area_code, area_level, scope)
    year, line = income_year(db, asof)
    found = {}
    for rule_code in rules:
        statement = STATEMENTS[rule_code](where, area_level, asof, year, line)
        if statement is not None:
            found[rule_code] = read(db, statement)
    return found


def _newest_order(rule_code: str) -> tuple[list[str], list[bool]]:
    """The columns (and directions) a list keeps the newest rows by; item breaks a tie of two
    problems of one household checked on one day, so SQL and pandas cut the list at the same row."""
    columns = [NEWEST_BY[rule_code], "household_id", *(["item"] if rule_code == "new_guarantee_problem" else [])]
    return columns, [False] + [True] * (len(columns) - 1)


def _register_order(rule_code: str) -> list:
    """The register's rows in the list's order (_newest_order), for SQL to sort and cut."""
    r = rollup_warning_row.c
    if NEWEST_BY[rule_code] == "household_id":
        return [r.household_id.desc()]
    return [r.newest.desc(), r.household_id.asc(), r.item.asc()]


@cached
def _newest(db: str, scope: Scope, area_code: str, area_level: str, asof: date, rules: tuple[str, ...],
            limit: int) -> dict[str, pd.DataFrame]:
    """The newest `limit` firing rows per rule when the rollup holds the day: the warning register
    says which households they are (a sorted read of the day's rows, never the province's facts),
    then the rule's SQL runs for those households only, for the evidence. It may yield a household's
    other firing rows too (another problem or case): they are all firing rows, so the list's sort and
    cut in area_warnings keep exactly the newest `limit`."""
    r = rollup_warning_row.c
    year, line = income_year(db, asof)
    found = {}
    for rule_code in rules:
        chosen = read(db, select(r.household_id).where(
            r.day == asof, r.rule == rule_code, in_area(r.village_code, area_code, area_level, scope))
            .order_by(*_register_order(rule_code)).limit(limit))["household_id"]
        if chosen.empty:
            continue
        statement = STATEMENTS[rule_code](household.c.id.in_(sorted(set(chosen.tolist()))), "village", asof,
                                          year, line)  # "village": start from those households, by key
        if statement is not None:
            found[rule_code] = read(db, statement)
    return found


@cached
def area_warnings(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                  rules: tuple[str, ...] = rule.WARNING_RULES, limit: int = LIST_LIMIT) -> pd.DataFrame:
    """Warnings firing under an area on the as-of date, newest first per rule, names masked; none
    for viewers who see aggregates only (warning_counts still counts them), nor with limit 0."""
    if not scope.household_detail or limit <= 0:
        return pd.DataFrame(columns=list(ROW_COLUMNS))
    counted_apart = _from_rollup(db, scope, area_code, area_level, asof, area_level) is not None
    firing = (_newest(db, scope, area_code, area_level, asof, rules, limit) if counted_apart
              else _firing(db, scope, area_code, area_level, asof, rules))
    frames = []
    for rule_code in rules:
        rows = firing.get(rule_code)
        if rows is None or rows.empty:
            continue
        # Evidence is worked out for the rows shown only: the counts come from all of them.
        columns, ascending = _newest_order(rule_code)
        rows = rows.sort_values(columns, ascending=ascending).head(limit).copy()
        rows["rule"] = rule_code
        rows["since"] = _STARTED[rule_code](rows, asof)
        rows["evidence"] = rule.WARNING_EVIDENCE[rule_code]
        rows["values"] = [_values(rule_code, row, asof) for _, row in rows.iterrows()]
        frames.append(rows[list(ROW_COLUMNS)])
    if not frames:
        return pd.DataFrame(columns=list(ROW_COLUMNS))
    found = pd.concat(frames, ignore_index=True).sort_values(["since", "household_id"], ascending=[False, True])
    return mask_frame(found.reset_index(drop=True), scope.personal_detail)


def rollup_days(db: str) -> frozenset[date]:
    """The days the warning rollup holds (none on a database that predates it)."""
    return held_days(db)


@cached
def _from_rollup(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                 group_level: str = "village") -> pd.DataFrame | None:
    """area_code, rule, n, new_week per area at group_level and rule on the day, summed in SQL from
    the rollup while it is fresh and holds the day; None when the rows must be read (a village,
    another day, stale)."""
    if not use_rollup(db, CASE_SPELLS, area_level) or asof not in rollup_days(db):
        return None
    w = rollup_warning.c
    key = area_key(w.village_code, group_level)
    return pad_codes(read(db, select(key, w.rule, func.sum(w.n).label("n"), func.sum(w.new_week).label("new_week"))
                          .where(w.day == asof, in_area(w.village_code, area_code, area_level, scope))
                          .group_by(key, w.rule)))


def _per_area(db: str, scope: Scope, area_code: str, area_level: str, asof: date, group_level: str) -> pd.DataFrame:
    """area_code (at group_level from the rollup, else the village) and one count column per rule,
    for the areas where some rule fires."""
    stored = _from_rollup(db, scope, area_code, area_level, asof, group_level)
    if stored is not None:
        per_area = (stored.pivot_table(index="area_code", columns="rule", values="n", aggfunc="sum").reset_index()
                    if not stored.empty else pd.DataFrame(columns=["area_code"]))
        per_area.columns.name = None
    else:
        per_area = pd.DataFrame(columns=["area_code"])
        for rule_code, rows in _firing(db, scope, area_code, area_level, asof).items():
            grouped = rows.groupby("village_code").size().rename(rule_code).rename_axis("area_code").reset_index()
            per_area = per_area.merge(grouped, on="area_code", how="outer")
    return per_area.reindex(columns=["area_code", *rule.WARNING_RULES]).fillna(0)


@cached
def warning_counts(db: str, scope: Scope, area_code: str, area_level: str, group_level: str,
                   asof: date) -> pd.DataFrame:
    """How many warnings of each rule fire under an area, one row per area at group_level (from the
    warning rollup above village level when it holds the day)."""
    per_area = _per_area(db, scope, area_code, area_level, asof, group_level)
    keys = [child_key(code, group_level) for code in per_area["area_code"]]
    counts = per_area.drop(columns="area_code").groupby(keys).sum().astype("int64")
    counts["total"] = counts.sum(axis=1)
    counts.index.name = "area_code"
    return counts


@cached
def new_warning_counts(db: str, scope: Scope, area_code: str, area_level: str, asof: date,
                       days: int = NEW_WEEK_DAYS) -> dict[str, int]:
    """How many event warnings (not the yearly income ones) started in the last `days` days."""
    stored = _from_rollup(db, scope, area_code, area_level, asof, area_level) if days == NEW_WEEK_DAYS else None
    if stored is not None:
        return {code: int(stored.loc[stored["rule"] == code, "new_week"].sum()) for code in EVENT_RULES}
    firing = _firing(db, scope, area_code, area_level, asof, EVENT_RULES)
    since = asof - timedelta(days=days)
    return {code: int((_STARTED[code](rows, asof) > since).sum()) if not rows.empty else 0
            for code, rows in firing.items()}


@cached
def rule_count(db: str, scope: Scope, area_code: str, area_level: str, asof: date, rule_code: str) -> int:
    """How many households one warning rule finds under an area (e.g. 应纳未纳 for the cockpit)."""
    stored = _from_rollup(db, scope, area_code, area_level, asof, area_level)
    if stored is not None:
        return int(stored.loc[stored["rule"] == rule_code, "n"].sum())
    rows = _firing(db, scope, area_code, area_level, asof, (rule_code,)).get(rule_code)
    return 0 if rows is None else len(rows)
