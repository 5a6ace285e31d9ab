"""The monitoring database: every table of DESIGN §3 as SQLAlchemy Core metadata.

Table and column names are a contract other systems load into; do not rename them. Additions
beyond the contract are marked "added:" with the reason. Every foreign key and every date column a
page filters on carries an index, so the same schema stays fast on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy import event
from sqlalchemy.dialects import mysql

metadata = MetaData()

# Area codes are 12-digit statistical division codes (统计用区划代码).
AreaCode = String(12)
# MySQL's TEXT stops at 64 KiB; a county outline or a long note can exceed that.
LongText = Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")

area = Table(
    "area",
    metadata,
    Column("code", AreaCode, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("level", String(16), nullable=False),  # province/city/county/township/village
    Column("parent_code", AreaCode, ForeignKey("area.code"), index=True),
    Column("lon", Float),
    Column("lat", Float),
    Column("is_poverty_village", Boolean, nullable=False, default=False),
    Column("village_class", String(16)),  # demonstration / key_support / overall
    Column("population", Integer),
    Column("household_count", Integer),
    # added: township kind (street/town/township = 街道/镇/乡) or village kind (village/community =
    # 村/社区), so labels never guess it from the name.
    Column("kind", String(16)),
)

area_boundary = Table(
    "area_boundary",
    metadata,
    Column("area_code", AreaCode, ForeignKey("area.code"), primary_key=True),
    Column("geojson", LongText, nullable=False),  # WGS84 geometry as GeoJSON text
)

unit = Table(
    "unit",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("kind", String(32)),
    # added: the parenthesised alias a matrix may use, e.g. 扶贫办(乡村振兴办) -> 乡村振兴办.
    Column("alias", String(100)),
)

household = Table(
    "household",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("village_code", AreaCode, ForeignKey("area.code"), nullable=False),
    Column("head_name", String(50), nullable=False),
    Column("id_number", String(18)),
    Column("phone", String(20)),
    Column("size", SmallInteger, nullable=False),
    Column("poverty_status", String(16), nullable=False),  # exited / general
    Column("exited_year", SmallInteger),
    Column("labor_capacity", String(16)),  # none / weak / normal
    Column("relocated", Boolean, nullable=False, default=False),
    Column("lon", Float),
    Column("lat", Float),
    Column("helper_name", String(50)),
    Column("helper_unit_code", String(32), ForeignKey("unit.code"), index=True),
    # Area-scoped counts range-scan this index; poverty_status makes it covering for the drill table.
    Index("ix_household_village_status", "village_code", "poverty_status"),
)

monitoring_case = Table(
    "monitoring_case",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("household_id", Integer, ForeignKey("household.id"), nullable=False, index=True),
    Column("case_type", String(16), nullable=False),  # unstable / marginal / sudden
    Column("identified_on", Date, nullable=False, index=True),
    Column("eliminated_on", Date, index=True),
    Column("elimination_kind", String(16)),  # stable / natural
)

case_risk = Table(
    "case_risk",
    metadata,
    Column("case_id", Integer, ForeignKey("monitoring_case.id"), primary_key=True),
    Column("risk_code", String(24), primary_key=True),
    Index("ix_case_risk_risk_code", "risk_code"),
)

household_income = Table(
    "household_income",
    metadata,
    Column("household_id", Integer, ForeignKey("household.id"), primary_key=True),
    Column("year", SmallInteger, primary_key=True),
    Column("per_capita_net", Float, nullable=False),
    Column("wage", Float),
    Column("business", Float),
    Column("property", Float),
    Column("transfer", Float),
    Column("rigid_expenditure", Float),
    # "Under the line this year" reads only the few matching rows, not every household.
    Index("ix_household_income_year_net", "year", "per_capita_net"),
)

monitoring_line = Table(
    "monitoring_line",
    metadata,
    Column("year", SmallInteger, primary_key=True),
    Column("amount", Float, nullable=False),
)

area_income = Table(
    "area_income",
    metadata,
    Column("area_code", AreaCode, ForeignKey("area.code"), primary_key=True),
    Column("year", SmallInteger, primary_key=True),
    Column("rural_per_capita", Float, nullable=False),
)

guarantee_check = Table(
    "guarantee_check",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("household_id", Integer, ForeignKey("household.id"), nullable=False, index=True),
    Column("item", String(16), nullable=False),  # food_clothing/education/medical/housing/water
    Column("ok", Boolean, nullable=False),
    Column("checked_on", Date, nullable=False, index=True),
    Column("issue", String(200)),
    Column("resolved_on", Date, index=True),
    # Open problems on a date: ok = false and (resolved_on IS NULL or later). Covering, so the count
    # never touches the table (1M households: 6 ms instead of 290 ms).
    Index("ix_guarantee_check_open", "ok", "resolved_on", "checked_on", "household_id"),
)

assistance = Table(
    "assistance",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("household_id", Integer, ForeignKey("household.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("started_on", Date, nullable=False, index=True),
    Column("ended_on", Date, index=True),
    Column("amount", Float),
)

visit = Table(
    "visit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("household_id", Integer, ForeignKey("household.id"), nullable=False, index=True),
    Column("visited_on", Date, nullable=False, index=True),
    Column("visitor", String(50)),
    Column("note", String(500)),
)

task = Table(
    "task",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("title", String(200), nullable=False),
    Column("detail", LongText),
    Column("area_code", AreaCode, ForeignKey("area.code"), index=True),
    Column("starts_on", Date, index=True),
    Column("due_on", Date, index=True),
)

task_unit = Table(
    "task_unit",
    metadata,
    Column("task_code", String(32), ForeignKey("task.code"), primary_key=True),
    Column("unit_code", String(32), ForeignKey("unit.code"), primary_key=True),
    # A unit can both lead and be responsible on one task (seed 000, task 6: 民政办).
    Column("role", String(16), primary_key=True),  # lead / responsible
    Index("ix_task_unit_unit_code", "unit_code"),
)

task_milestone = Table(
    "task_milestone",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("task_code", String(32), ForeignKey("task.code"), nullable=False, index=True),
    Column("unit_code", String(32), ForeignKey("unit.code"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("due_on", Date, nullable=False, index=True),
    Column("done_on", Date, index=True),
)

task_progress = Table(
    "task_progress",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("task_code", String(32), ForeignKey("task.code"), nullable=False, index=True),
    Column("unit_code", String(32), ForeignKey("unit.code"), nullable=False, index=True),
    Column("reported_on", Date, nullable=False, index=True),
    Column("percent", Float, nullable=False),
    Column("status", String(16), nullable=False),  # not_started/on_track/at_risk/overdue/done
    Column("note", String(500)),
)

asset = Table(
    "asset",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("kind", String(24), nullable=False),  # public_welfare / operating / household
    Column("village_code", AreaCode, ForeignKey("area.code"), nullable=False, index=True),
    Column("value", Float),
    Column("formed_year", SmallInteger),
    Column("registered", Boolean, nullable=False, default=False),
    Column("custodian_unit_code", String(32), ForeignKey("unit.code"), index=True),
    Column("annual_income", Float),
    Column("lon", Float),
    Column("lat", Float),
)

indicator = Table(
    "indicator",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("unit", String(16)),
    Column("better", String(8), nullable=False),  # higher / lower
)

indicator_value = Table(
    "indicator_value",
    metadata,
    Column("area_code", AreaCode, ForeignKey("area.code"), primary_key=True),
    Column("indicator_code", String(32), ForeignKey("indicator.code"), primary_key=True),
    # ISO month "YYYY-MM": sorts as text and compares with an "as of" date's month on every engine.
    Column("period", String(7), primary_key=True),
    Column("value", Float),
    Column("target", Float),
)

# added: facts about the dataset itself (is it sample data, which seed built it, when).
dataset_info = Table(
    "dataset_info",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(500)),
    Column("updated_at", DateTime),
)

# added: who saw or exported what, and which requests were refused (PIPL art. 51). Append-only:
# on SQLite the triggers below abort UPDATE and DELETE; on PostgreSQL/MariaDB the app's database
# role gets only SELECT and INSERT on it (`python -m db grant-app-role`). No foreign keys: a
# refused request may name an area or household that does not exist.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("user_name", String(64), nullable=False, index=True),
    Column("role", String(32), nullable=False),
    Column("page", String(32)),
    Column("area_code", String(12)),
    Column("household_id", Integer),
    Column("action", String(16), nullable=False),  # view / detail / export / refused / signin / signout
    Column("detail", String(500)),
)

AUDIT_ACTIONS: tuple[str, ...] = ("view", "detail", "export", "refused", "signin", "signout")

for _verb in ("UPDATE", "DELETE"):
    event.listen(audit_log, "after_create", DDL(
        f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{_verb.lower()} BEFORE {_verb} ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END").execute_if(dialect="sqlite"))

CONTRACT_TABLES: tuple[str, ...] = (
    "area", "area_boundary", "household", "monitoring_case", "case_risk", "household_income",
    "monitoring_line", "area_income", "guarantee_check", "assistance", "visit", "unit", "task",
    "task_unit", "task_milestone", "task_progress", "asset", "indicator", "indicator_value",
)
