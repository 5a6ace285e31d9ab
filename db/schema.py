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
    LargeBinary,
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
    # 22 characters: a head may be registered by a 20- or 22-digit 残疾人证 number (issue 14).
    Column("id_number", String(22)),
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
    # 户编号 of the national monitoring system: the key exports upsert on. Nullable for households
    # that came from elsewhere (the sample, older loads); unique where present on every engine.
    Column("external_id", String(32)),
    # Area-scoped counts range-scan this index; poverty_status makes it covering for the drill table.
    Index("ix_household_village_status", "village_code", "poverty_status"),
    Index("ux_household_external_id", "external_id", unique=True),  # NULLs never collide (all engines)
    # A department's signal file names people by 证件号码 (db/imports/signals.match_people looks heads up
    # here, members in household_member): without it each lookup scanned every household (10M: ~1 s).
    Index("ix_household_id_number", "id_number"),
)

# The people of a household (one row per person of the national system's export). Codes, not
# labels: relation head/spouse/child/parent/grandchild/other; sex male/female; labor_skill
# normal/skilled/weak/lost/none; health healthy/chronic/serious/disabled; medical_insured yes/no.
household_member = Table(
    "household_member",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("household_id", Integer, ForeignKey("household.id"), nullable=False, index=True),
    Column("name", String(50), nullable=False),
    Column("id_number", String(22), index=True),
    Column("relation", String(16)),
    Column("sex", String(8)),
    Column("birth_date", Date),
    Column("health", String(16)),
    Column("labor_skill", String(16)),
    Column("schooling", String(24)),
    Column("medical_insured", Boolean),
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
    Column("source", String(200)),  # added (issue 20): the communiqué a loaded figure comes from
)

# Added (issue 20, rule 1): published income series that are not an area's own, e.g. the national
# rural per-capita disposable income for the second half of 两高于 (脱贫地区农民收入增速高于全国). Kept
# with its source so a reader can check the figure; loaded like area_income (one row per series and year).
NATIONAL_RURAL_SERIES = "national_rural"  # the benchmark 两高于 compares with
income_benchmark = Table(
    "income_benchmark",
    metadata,
    Column("series", String(40), primary_key=True),  # e.g. national_rural
    Column("year", SmallInteger, primary_key=True),
    Column("amount", Float, nullable=False),
    Column("source", String(200), nullable=False),
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
    # Issue 20, rule 11: the day a micro-credit loan (小额信贷) fell overdue, NULL while it is not;
    # the overdue rate of seed 001 (< 1 %) reads it. Nullable, so db/upgrade.py adds it in place.
    Column("overdue_on", Date),
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
    # added (issue 16): units report through the app and the county office reviews. Only approved
    # rows count anywhere; rows loaded by other systems (and the sample's) default to approved.
    Column("review_state", String(16), nullable=False, server_default="approved"),  # submitted/approved/returned
    Column("status_text", String(200)),  # the status in the unit's own words
    Column("done_text", String(1000)),
    Column("problems", String(1000)),
    Column("next_steps", String(1000)),
    Column("lower_reason", String(500)),  # why the percent is below the last approved report
    Column("reported_by", String(64)),
    Column("submitted_at", DateTime),
    Column("reviewed_by", String(64)),
    Column("reviewed_at", DateTime),
    Column("return_reason", String(500)),
    Index("ix_task_progress_review_state", "review_state"),
)

# added (issue 16): milestones a report says were reached (applied to task_milestone on approval),
# files attached to a report (bytes kept in the database, so a database backup keeps them), and
# one draft per user and task, kept across reloads.
task_report_milestone = Table(
    "task_report_milestone",
    metadata,
    Column("progress_id", Integer, ForeignKey("task_progress.id"), primary_key=True),
    Column("milestone_id", Integer, ForeignKey("task_milestone.id"), primary_key=True),
    Column("done_on", Date, nullable=False),
)

task_attachment = Table(
    "task_attachment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("progress_id", Integer, ForeignKey("task_progress.id"), nullable=False, index=True),
    Column("file_name", String(255), nullable=False),
    Column("media_type", String(64), nullable=False),  # from the file's magic bytes, never its name
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb"), nullable=False),
)

task_report_draft = Table(
    "task_report_draft",
    metadata,
    Column("user_name", String(64), primary_key=True),
    Column("task_code", String(32), ForeignKey("task.code"), primary_key=True),
    Column("unit_code", String(32), ForeignKey("unit.code"), nullable=False),
    Column("payload", Text, nullable=False),  # the form's fields as JSON
    Column("saved_at", DateTime, nullable=False),
)

REPORT_TABLES: tuple[str, ...] = ("task_report_milestone", "task_attachment", "task_report_draft")

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

# Added (issue 20, rule 10): how an asset's income was used each year (收益分配), so 一分了之 (handing
# it all out as cash, seed 003) can be seen. use: maintenance / consolidation / village_public / cash.
asset_income_use = Table(
    "asset_income_use",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("asset_id", Integer, ForeignKey("asset.id"), nullable=False, index=True),
    Column("year", SmallInteger, nullable=False),
    Column("use", String(24), nullable=False),
    Column("amount", Float, nullable=False),
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
    # Text: a province sample's JSON lists (one village without a boundary per county, the planted
    # rule breaks) outgrow any short varchar (the 10M build failed at its last insert on 500).
    Column("value", Text),
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
    Column("action", String(16), nullable=False),  # view/detail/export/refused/signin/signout/import/verify
    Column("detail", String(500)),
)

# added: failed sign-ins per client key (a name at an address, an address), shared by every app
# process so a second process or a restart grants no fresh guesses. Keys are keyed hashes, never
# typed text; rows older than the window are deleted as new failures come in.
sign_in_throttle = Table(
    "sign_in_throttle",
    metadata,
    Column("client_key", String(80), primary_key=True),
    Column("failures", Integer, nullable=False),
    # Seconds since the epoch need double precision: MariaDB's plain FLOAT rounds them to minutes.
    Column("last_failure", Float(precision=53), nullable=False, index=True),
    Column("blocked_until", Float(precision=53), nullable=False),
)

# Signed-in sessions (issue 18): the browser holds a random token in an HttpOnly cookie, the table only
# its hash. A row is claimed by the browser once (ticket_hash, then token_hash) and lives until it
# expires, idles out or is revoked (sign-out ends every session of the user, as does removal).
auth_session = Table(
    "auth_session",
    metadata,
    Column("session_id", String(64), primary_key=True),
    Column("token_hash", String(64), unique=True),
    Column("ticket_hash", String(64), unique=True),
    Column("user_name", String(64), nullable=False, index=True),
    Column("created", Float(precision=53), nullable=False),
    Column("last_seen", Float(precision=53), nullable=False),
    Column("expires", Float(precision=53), nullable=False),
    Column("revoked", Float(precision=53)),
)

# Keys every app process shares (the session cookie's signing key when none is configured).
server_secret = Table(
    "server_secret",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(128), nullable=False),
)

AUDIT_ACTIONS: tuple[str, ...] = ("view", "detail", "export", "refused", "signin", "signout", "import", "verify",
                                  "report", "review")

for _verb in ("UPDATE", "DELETE"):
    event.listen(audit_log, "after_create", DDL(
        f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{_verb.lower()} BEFORE {_verb} ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END").execute_if(dialect="sqlite"))

# Every import attempt (done, refused or only checked) and every problem it found, by the file's own
# sheet/row/column, so the data-quality page can show what was loaded when and what was wrong.
# No foreign key from import_problem to a data table: a problem may name a row that was refused.
import_batch = Table(
    "import_batch",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),  # areas / boundaries / ledger / ...
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("asof", Date),  # the date the file's data stands at, when the source says it
    Column("status", String(16), nullable=False),  # done / refused / checked
    Column("rows_read", Integer, nullable=False, default=0),
    Column("rows_written", Integer, nullable=False, default=0),
    Column("rows_rejected", Integer, nullable=False, default=0),
    Column("started_at", DateTime, nullable=False, index=True),
    Column("finished_at", DateTime, nullable=False),
    Column("imported_by", String(64)),
)

import_problem = Table(
    "import_problem",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Integer, ForeignKey("import_batch.id"), nullable=False, index=True),
    Column("sheet", String(100)),
    Column("row", Integer),  # the row number the spreadsheet shows (1-based, header rows counted)
    Column("column", String(100)),
    Column("value", String(500)),
    Column("code", String(48), nullable=False),
    Column("level", String(8), nullable=False),  # error / warning
    Column("message", String(1000), nullable=False),
)

# Department data for comparison (数据比对, issue 15): one row per fact a department reports about a
# person (医保 out-of-pocket costs, 民政 new 低保 …), matched to a household by 证件号码 when imported.
# `match`: open_case (already monitored) / exited / general (household known) / unknown. SIGNAL is a
# reserved word of MySQL/MariaDB: SQLAlchemy quotes the table name there. Dedupe key: department +
# id_number + kind + occurred_on (a unique index: re-importing a file adds nothing twice).
signal = Table(
    "signal",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("department", String(16), nullable=False),  # medical / civil / disability / education / ...
    Column("id_number", String(22), nullable=False, index=True),
    Column("household_id", Integer, ForeignKey("household.id"), index=True),
    Column("kind", String(32), nullable=False),
    Column("amount", Float),
    Column("occurred_on", Date, nullable=False),
    Column("received_on", Date, nullable=False, index=True),
    Column("batch_id", Integer, ForeignKey("import_batch.id"), index=True),
    Column("match", String(16), nullable=False),
    # added: the village of the matched household when imported (the area a verification goes to;
    # a signal of an unknown person has none and stays with the county office)
    Column("area_code", AreaCode, index=True),
    Index("signal_dedupe", "department", "id_number", "kind", "occurred_on", unique=True),
)

# The verification loop: each row is one step recorded by a person, never updated. A signal is sent
# (sent_on, area_code) and then verified (verified_on, outcome). A correction is a new row with
# `corrects` naming the row it corrects; history shows both.
signal_review = Table(
    "signal_review",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("signal_id", Integer, ForeignKey("signal.id"), nullable=False, index=True),
    Column("area_code", AreaCode, nullable=False, index=True),
    Column("sent_on", Date, nullable=False),
    Column("verified_on", Date, index=True),
    Column("outcome", String(24)),  # included / not_included / already_monitored / duplicate
    Column("case_id", Integer, ForeignKey("monitoring_case.id")),
    Column("reviewer", String(64)),
    Column("note", String(500)),
    Column("recorded_by", String(64), nullable=False),  # added: who wrote the row (the app user)
    Column("recorded_at", DateTime, nullable=False),  # added: when it was written
    Column("corrects", Integer),  # added: the review row this one corrects (None: the first)
)

SIGNAL_OUTCOMES: tuple[str, ...] = ("included", "not_included", "already_monitored", "duplicate")

IMPORT_TABLES: tuple[str, ...] = ("import_batch", "import_problem")

CONTRACT_TABLES: tuple[str, ...] = (
    "area", "area_boundary", "household", "monitoring_case", "case_risk", "household_income",
    "monitoring_line", "area_income", "household_member", "guarantee_check", "assistance", "visit", "unit", "task",
    "task_unit", "task_milestone", "task_progress", "asset", "indicator", "indicator_value", "signal",
    "signal_review",
)

# Rollup tables live with the same metadata, so init/upgrade/create_all make them too.
import db.rollup_schema  # noqa: E402,F401
