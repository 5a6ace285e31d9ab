"""Local settings: thresholds a county chooses itself. None of these numbers is written in the seeds;
each is a local choice (口径), shown on the pages' 口径说明 and listed in the README as such. The
seed rules (the six months, the same month, the labour rule) live in rules/elimination.py.

One table, so a county changes a number in one place and every rule, SQL statement and label that
uses it follows.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Setting:
    """One local threshold: its value and the label-catalogue key that explains it."""

    name: str
    value: float
    doc: str  # a key under [settings_doc]


@dataclass(frozen=True)
class LocalSettings:
    """The county's local thresholds (defaults below)."""

    # Rigid spending is "large" (刚性支出较大, seed 004) from this share of the household's net
    # income on: a monitoring reason, an unmet elimination criterion, the spike warning's level and
    # the 应纳未纳 check all read this one number, so they cannot contradict each other.
    rigid_share: float = 0.5
    # ... and a spike is that level reached with at least this multiple of last year's spending.
    spike_growth: float = 2.0
    # Years running under the monitoring standard before an unmonitored household is 应纳未纳.
    under_line_years: int = 2
    new_problem_days: int = 30  # a 三保障 problem found this recently is new
    no_measure_days: int = 30  # an open case this old must have a measure in force
    visit_days: int = 60  # an open case is visited at least this often
    # An asset's yearly income counts as handed out (一分了之, seed 003) from this cash share on.
    cash_share: float = 0.8

    def table(self) -> list[Setting]:
        """The settings as rows (name, value, explanation key) for the 口径说明 on a page."""
        return [Setting(f.name, getattr(self, f.name), f"settings_doc.{f.name}") for f in fields(self)]


SETTINGS = LocalSettings()


# Department signals (issue 15): the verification deadline and the thresholds a department's row must
# reach to be stored (REAL_DATA.md, "thresholds seen"). Local choices like the ones above; a field each
# so `SETTINGS.table()` lists them on the pages' 口径说明 as well.
@dataclass(frozen=True)
class SignalSettings:
    """Deadlines and amount thresholds of the department-signal loop (defaults below)."""

    signal_verify_days: int = 15  # days from receipt for the township to verify (many counties: 15)
    signal_autolink_days: int = 60  # a case identified this many days after receipt is linked to it
    medical_out_of_pocket_year: float = 5000  # 医保: out-of-pocket costs in a year (元)
    medical_out_of_pocket_stay: float = 6000  # 医保: out-of-pocket costs of one stay (元)
    education_cost: float = 10000  # 教育: 高中/中职 costs in a year (元)
    disaster_loss: float = 5000  # 应急: a household's disaster loss (元)
    unemployment_months: int = 3  # 人社: months without an employment-insurance record

    def table(self) -> list[Setting]:
        """The settings as rows (name, value, explanation key)."""
        return [Setting(f.name, getattr(self, f.name), f"settings_doc.{f.name}") for f in fields(self)]


SIGNAL_SETTINGS = SignalSettings()


def setting(code: str, overrides: dict[str, float] | None = None) -> float:
    """A signal setting (or a local one such as rigid_share): the caller's override if given, else
    the county's value above."""
    if overrides and code in overrides:
        return overrides[code]
    return getattr(SIGNAL_SETTINGS, code) if hasattr(SIGNAL_SETTINGS, code) else getattr(SETTINGS, code)


def verify_days(overrides: dict[str, float] | None = None) -> int:
    """Days a township has to verify a signal from its receipt."""
    return int(setting("signal_verify_days", overrides))


# Units' progress reports (issue 16): how often a unit reports on each of its tasks, and by which day.
# A local choice: the seeds ask for regular reporting (调度) without fixing the rhythm; weekly is the
# usual 周调度 of a county's 乡村振兴 office.
@dataclass(frozen=True)
class ReportSettings:
    """The reporting cycle of the units' progress reports (defaults below)."""

    report_cycle: str = "weekly"  # "weekly" or "monthly"
    # weekly: the weekday of the deadline, 1 = Monday … 7 = Sunday (5: Friday);
    # monthly: the day of the month (1–28, so every month has it)
    report_due_day: int = 5

    def table(self) -> list[Setting]:
        """The settings as rows (name, value, explanation key)."""
        return [Setting(f.name, getattr(self, f.name), f"settings_doc.{f.name}") for f in fields(self)]


REPORT_SETTINGS = ReportSettings()


# Sign-in sessions (issue 18): local choices of the IT office, not rules of the seeds.
@dataclass(frozen=True)
class SessionSettings:
    """How long a signed-in session lasts (defaults below)."""

    idle_minutes: float = 30  # unused this long, a session ends (the big-screen role never idles out)
    lifetime_hours: float = 12  # a session ends this long after signing in, used or not
    no_idle_roles: tuple[str, ...] = ("big_screen",)


SESSION_SETTINGS = SessionSettings()
