"""The written 督办通报 (supervision notice) from the task data: what it says, as plain values.

Every number comes from the query the 责任分工 page and the cockpit show (cell_status, unit_ranking,
unreported), so the notice and the page cannot disagree. brief/notice_docx.py lays it out in Word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from queries.areas import area_tree
from queries.reports import reporting_cycle, unreported
from queries.scope import Scope
from queries.tasks import cell_status, tasks_in_scope, unit_list, unit_ranking
from rules.calendar import WEEK
from rules.tasks import BEHIND

PRAISED = 3  # most improved units named in the notice; a local choice


@dataclass(frozen=True)
class BehindUnit:
    """A unit behind: its behind tasks and overdue milestones now, and their change in a week."""

    name: str
    behind_tasks: int
    overdue_milestones: int
    behind_change: int


@dataclass(frozen=True)
class LateUnit:
    """A unit that has not reported for the cycle: how many tasks and how many days late."""

    name: str
    tasks: int
    days_late: int


@dataclass(frozen=True)
class ImprovedUnit:
    """A unit whose average reported percent rose most over the week."""

    name: str
    percent_before: float
    percent_now: float


@dataclass
class Notice:
    """Everything the notice says."""

    area_name: str
    asof: date
    since: date
    task_count: int
    unit_count: int
    cells: int
    cells_done: int
    tasks_done: int
    average_percent: float
    deadline: date
    behind: list[BehindUnit] = field(default_factory=list)
    turned_red: list[str] = field(default_factory=list)  # "seq. title"
    late: list[LateUnit] = field(default_factory=list)
    improved: list[ImprovedUnit] = field(default_factory=list)


def _mean_percent(cells: pd.DataFrame) -> pd.Series:
    # A cell without an approved report counts as 0 %: it has shown no progress yet.
    return cells.assign(percent=cells["percent"].fillna(0.0)).groupby("unit_code")["percent"].mean()


def build_notice(db: str, scope: Scope, area_code: str, asof: date) -> Notice:
    """The notice's content for an area as of a date (the viewer's scope applies)."""
    tree = area_tree(db, scope)
    area_name = str(tree.at[area_code, "name"]) if area_code in tree.index else area_code
    tasks = tasks_in_scope(db, scope, asof)
    units = unit_list(db, scope)
    names = units["name"]
    now, before = cell_status(db, scope, asof), cell_status(db, scope, asof - WEEK)
    titles = {row.code: f"{row.seq}. {row.title}" for row in tasks.itertuples(index=False)}
    ranking = unit_ranking(db, scope, asof)
    behind = [BehindUnit(str(names.get(row.unit_code, row.unit_code)), int(row.behind_tasks),
                         int(row.overdue_milestones), int(row.behind_change))
              for row in ranking.itertuples(index=False) if row.behind_tasks > 0 or row.overdue_milestones > 0]
    red_now = set(now.loc[now["status"].isin(BEHIND), "task_code"])
    red_before = set(before.loc[before["status"].isin(BEHIND), "task_code"])
    turned = [titles[code] for code in sorted(red_now - red_before, key=lambda c: list(titles).index(c))
              if code in titles]
    owing = unreported(db, scope, asof)
    late = [LateUnit(str(names.get(code, code)), len(group), int(group["days_late"].max()))
            for code, group in owing.groupby("unit_code", sort=True)]
    late.sort(key=lambda unit: (-unit.tasks, unit.name))
    gain = pd.DataFrame({"now": _mean_percent(now), "before": _mean_percent(before)}).dropna()
    gain["up"] = gain["now"] - gain["before"]
    top = gain[gain["up"] > 0].sort_values(["up", "now"], ascending=False).head(PRAISED)
    improved = [ImprovedUnit(str(names.get(code, code)), float(row.before), float(row.now))
                for code, row in top.iterrows()]
    done_by_task = now.groupby("task_code")["status"].apply(lambda s: bool((s == "done").all()))
    return Notice(area_name=area_name, asof=asof, since=asof - WEEK, task_count=len(tasks),
                  unit_count=int(now["unit_code"].nunique()), cells=len(now),
                  cells_done=int((now["status"] == "done").sum()), tasks_done=int(done_by_task.sum()),
                  average_percent=float(now["percent"].fillna(0.0).mean()) if len(now) else 0.0,
                  deadline=reporting_cycle(asof)[1], behind=behind, turned_red=turned, late=late,
                  improved=improved)
