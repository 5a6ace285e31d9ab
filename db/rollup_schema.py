"""Rollup tables (added, issue 17): aggregates per village that pages above village level read.

Like DHIS2's analytics tables they are plain tables in the monitoring database, derived only from
the contract tables, rebuilt by `python -m db refresh-rollups` and refreshed per village after an
import. Nothing else writes them; dropping them loses nothing (pages fall back to the rows).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Double, Float, Index, Integer, SmallInteger, String, Table

from db.schema import AreaCode, metadata

# Monitoring-case spells per village: cases counted by breakdown key and by the exact identification
# and elimination dates. Dates stay exact so that any as-of day (mid-month too) gives the row
# queries' answer; the household join and the per-case scan are what the rollup saves.
rollup_case_spell = Table(
    "rollup_case_spell",
    metadata,
    Column("village_code", AreaCode, nullable=False),
    Column("split", String(16), nullable=False),  # case_type / risk: what `key` holds
    Column("key", String(24), nullable=False),  # a case type, or a risk code
    Column("elimination_kind", String(16)),  # stable / natural / NULL while open
    Column("identified_on", Date, nullable=False),
    Column("eliminated_on", Date),
    Column("n", Integer, nullable=False),
    # The cases' household members (户 → 人: the drill's open_people); nullable so that an older
    # database gains it through db.upgrade (its rows are not trusted until a rebuild: see db.rollups).
    Column("people", Integer),
    Index("ix_rollup_case_spell_village", "split", "village_code"),
    # The as-of day's month of the coarse spells below is read from here by date.
    Index("ix_rollup_case_spell_identified", "split", "identified_on"),
    Index("ix_rollup_case_spell_eliminated", "split", "eliminated_on"),
)

# Cases per village, case type, combination of risk types and re-entry (",illness,disability,": sorted, with a
# comma at both ends so that LIKE '%,illness,%' finds one code), with exact dates: the risk page
# filters cases by type and by "any of these risk types", which neither breakdown above can answer
# alone (a case with two risk types is one case in the counts, two in the per-risk bars). The trends
# page's elimination quality (re-entries after an elimination) reads it too.
rollup_case_mix = Table(
    "rollup_case_mix",
    metadata,
    Column("village_code", AreaCode, nullable=False, index=True),
    Column("case_type", String(16), nullable=False),
    Column("risks", String(400), nullable=False),
    Column("identified_on", Date, nullable=False),
    Column("eliminated_on", Date),
    Column("reentry", SmallInteger, nullable=False),  # 1: identified on or after an earlier case's elimination
    Column("n", Integer, nullable=False),
    Column("people", Integer, nullable=False),  # the cases' household members
)

# 三保障 + water problems (failed checks) per village, item and exact found / cleared dates.
rollup_problem_spell = Table(
    "rollup_problem_spell",
    metadata,
    Column("village_code", AreaCode, nullable=False, index=True),
    Column("item", String(24), nullable=False),
    Column("checked_on", Date, nullable=False),
    Column("resolved_on", Date),
    Column("n", Integer, nullable=False),
    Index("ix_rollup_problem_spell_checked", "checked_on"),
    Index("ix_rollup_problem_spell_resolved", "resolved_on"),
)

# Households per village now (the row queries count them without a date): the drill's 户数 and 已脱贫户.
rollup_village = Table(
    "rollup_village",
    metadata,
    Column("village_code", AreaCode, primary_key=True),
    Column("households", Integer, nullable=False),
    Column("exited", Integer, nullable=False),
)

# Exited households' income per village, year and 10-yuan bin (queries.trend_income.BIN_YUAN): the
# trends page's income quantiles and mean. under_line counts rows under that year's monitoring line
# as it stood at the refresh (the line is set up once a year; a changed line needs a rebuild).
rollup_income_bin = Table(
    "rollup_income_bin",
    metadata,
    Column("village_code", AreaCode, nullable=False, index=True),
    Column("year", SmallInteger, nullable=False),
    Column("bin", Integer, nullable=False),
    Column("households", Integer, nullable=False),
    Column("people", Integer, nullable=False),
    Column("income", Float, nullable=False),  # sum of per-capita net income x household size
    Column("under_line", Integer, nullable=False),
)

# The units whose cadres help households of each village (household.helper_unit_code): the map's
# task colouring takes the worst task status among them.
rollup_village_unit = Table(
    "rollup_village_unit",
    metadata,
    Column("village_code", AreaCode, nullable=False, index=True),
    Column("unit_code", String(32), nullable=False),
)

# Households per village and year whose per-capita income is under that year's monitoring line (as
# the line stood at the refresh, like under_line above): the drill's and cockpit's 低于监测标准.
rollup_under_line = Table(
    "rollup_under_line",
    metadata,
    Column("village_code", AreaCode, nullable=False, index=True),
    Column("year", SmallInteger, nullable=False),
    Column("households", Integer, nullable=False),
)

# Eliminations that broke a procedural rule (rules.compliance) per village, rule and elimination day:
# a finding depends on its case's own dates and household only, so any as-of day sums the days up to it.
rollup_finding = Table(
    "rollup_finding",
    metadata,
    Column("village_code", AreaCode, nullable=False, index=True),
    Column("rule", String(32), nullable=False),
    Column("eliminated_on", Date, nullable=False),
    Column("n", Integer, nullable=False),
)

# Early warnings per village and rule on the as-of days a refresh computed (today and a week back by
# default: the cockpit's day and its comparison). Unlike the spells above a warning depends on the
# day in ways no date column captures (a visit within 90 days, a measure in force), so the rollup
# keeps whole days; a page asking for another day reads the rows. new_week counts the event
# warnings that started in the 7 days up to the day (queries.warnings.new_warning_counts).
rollup_warning = Table(
    "rollup_warning",
    metadata,
    Column("day", Date, nullable=False),
    Column("village_code", AreaCode, nullable=False),
    Column("rule", String(32), nullable=False),
    Column("n", Integer, nullable=False),
    Column("new_week", Integer, nullable=False),
    Index("ix_rollup_warning_day", "day", "village_code"),
)

# The spells again at coarser grains for the trends above village level: per area of each level
# (`grain`: province, city, county, township; `area_code` is that area's 12-digit code) with both
# dates cut to the first of their month, summed: an area's cases are counted in a few thousand rows
# (breakdown key × start month × end month), not one row per case.
# Only the as-of day's own month needs days: queries.spell_source takes that month from the village
# spells above, so any as-of day still gives the row queries' answer.
rollup_case_month = Table(
    "rollup_case_month",
    metadata,
    Column("grain", String(16), nullable=False),
    Column("area_code", AreaCode, nullable=False),
    Column("split", String(16), nullable=False),
    Column("key", String(24), nullable=False),
    Column("elimination_kind", String(16)),
    Column("identified_on", Date, nullable=False),  # the earliest day of its month among the spells
    Column("eliminated_on", Date),
    Column("n", Integer, nullable=False),
    Column("people", Integer),  # the cases' household members, as in rollup_case_spell
    Index("ix_rollup_case_month_area", "grain", "split", "area_code"),
)

rollup_problem_month = Table(
    "rollup_problem_month",
    metadata,
    Column("grain", String(16), nullable=False),
    Column("area_code", AreaCode, nullable=False),
    Column("item", String(24), nullable=False),
    Column("checked_on", Date, nullable=False),  # the earliest day of its month among the spells
    Column("resolved_on", Date),
    Column("n", Integer, nullable=False),
    Index("ix_rollup_problem_month_area", "grain", "area_code"),
)

# The income bins again per area of each level above the village (as the month spells above): the
# trends page's quantiles for an area read its own bins, not its villages'.
rollup_income_bin_area = Table(
    "rollup_income_bin_area",
    metadata,
    Column("grain", String(16), nullable=False),
    Column("area_code", AreaCode, nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("bin", Integer, nullable=False),
    Column("households", Integer, nullable=False),
    Column("people", Integer, nullable=False),
    Column("income", Double, nullable=False),
    Column("under_line", Integer, nullable=False),
    Index("ix_rollup_income_bin_area", "grain", "area_code"),
)

# The warning register: every firing row of those days (rollup_warning counts them per village), so
# a list of a province's newest warnings is a sorted read of one day's rows and the rule's SQL runs
# again for the few hundred households shown only (queries.warnings._newest). `newest` is the date
# the list orders a rule by (queries.warnings._NEWEST_BY; NULL for the yearly rules, ordered by
# household); `item` tells a household's 三保障 problems apart ('' for the other rules).
rollup_warning_row = Table(
    "rollup_warning_row",
    metadata,
    Column("day", Date, nullable=False),
    Column("rule", String(32), nullable=False),
    Column("village_code", AreaCode, nullable=False),
    Column("household_id", Integer, nullable=False),
    Column("item", String(16), nullable=False),
    Column("newest", Date),
    Index("ix_rollup_warning_row_day", "day", "rule", "village_code"),
)

# Figures that hold on one day, per village, on the warning rollup's days: the seeds' indicators
# (family "seed"), the measure coverage of open cases ("coverage") and the low-income overlap
# ("overlap"), as db.day_figure_sql counts them. `figure` is "<key>.<column>": the statement, labour
# capacity or category, then the count or sum; every figure adds up over villages.
rollup_day_figure = Table(
    "rollup_day_figure",
    metadata,
    Column("day", Date, nullable=False),
    Column("village_code", AreaCode, nullable=False),
    Column("family", String(16), nullable=False),
    Column("figure", String(64), nullable=False),
    Column("value", Double, nullable=False),  # counts, and 小额信贷 amounts
    Index("ix_rollup_day_figure_day", "day", "family", "village_code"),
)

# The households whose people's ID numbers fail the quality checks (queries.quality), kept as rows
# so the quality page counts and lists them without checking every person's check digit. A bad ID
# is a household's own matter (refreshed with its village); a shared ID links households of any
# villages, so that table keeps the number to find, when one village changes, every household whose
# status may change with it (db.rollups._refresh_shared_ids).
rollup_bad_id = Table(
    "rollup_bad_id",
    metadata,
    Column("village_code", AreaCode, nullable=False, index=True),
    Column("household_id", Integer, nullable=False),
)

rollup_shared_id = Table(
    "rollup_shared_id",
    metadata,
    Column("id_number", String(22), nullable=False, index=True),
    Column("household_id", Integer, nullable=False),
    Column("village_code", AreaCode, nullable=False, index=True),
)

# The households the other household checks of the quality page find (db.quality_sql): those that
# hold whatever the day (day NULL: a village code not in the area list, a size unlike the members
# listed) with their village, and those about the cases open on a day (no risk type, no income
# record) on the warning rollup's days.
rollup_check_household = Table(
    "rollup_check_household",
    metadata,
    Column("check", String(32), nullable=False),
    Column("day", Date),
    Column("village_code", AreaCode, nullable=False),
    Column("household_id", Integer, nullable=False),
    Index("ix_rollup_check_household", "check", "day", "village_code"),
)

# The days the per-day rollups were computed for (rollup_warning, rollup_warning_row, rollup_day_figure,
# the day checks of rollup_check_household): a day is held even where nothing fired on it.
rollup_day = Table(
    "rollup_day",
    metadata,
    Column("day", Date, primary_key=True),
)

# Each department signal's state: its newest signal_review row (NULLs: never sent), with the signal's
# own columns the figures filter by, so the signals page counts one narrow table instead of finding
# every signal's newest review among all reviews (db.signal_state). Its own freshness (not the
# villages' state row): reviews and signals are only appended, so it is current when it holds the
# newest signal id and the newest review id.
rollup_signal_state = Table(
    "rollup_signal_state",
    metadata,
    Column("signal_id", Integer, primary_key=True, autoincrement=False),
    Column("signal_area", AreaCode),  # signal.area_code
    Column("department", String(16), nullable=False),
    Column("received_on", Date, nullable=False, index=True),
    Column("review_id", Integer, index=True),  # the newest review's id
    Column("area_code", AreaCode),  # the newest review's area (where the verification was sent)
    Column("sent_on", Date),
    Column("verified_on", Date),
    Column("outcome", String(24)),
    Column("case_id", Integer),
)

# When each rollup was last built; a rollup older than the newest finished import is stale.
rollup_state = Table(
    "rollup_state",
    metadata,
    Column("name", String(48), primary_key=True),
    Column("refreshed_at", DateTime, nullable=False),
    Column("villages", Integer, nullable=False),  # villages the last refresh rebuilt (all: a full rebuild)
)

# The derived tables (rollup_state is their bookkeeping): db.rollups drops and makes again any of them
# an older version made with other columns.
ROLLUP_TABLES: tuple[str, ...] = ("rollup_case_spell", "rollup_case_mix", "rollup_problem_spell", "rollup_village",
                                  "rollup_income_bin", "rollup_under_line", "rollup_village_unit", "rollup_finding",
                                  "rollup_warning", "rollup_warning_row", "rollup_day_figure", "rollup_case_month",
                                  "rollup_problem_month", "rollup_income_bin_area", "rollup_bad_id",
                                  "rollup_shared_id", "rollup_check_household", "rollup_day")
