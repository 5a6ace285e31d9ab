"""Cockpit panels: KPI tiles with week-over-week change and a sparkline, and "what changed".

build_* turn query results into plain values (no Streamlit); render_* draw them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from components.labels import label_of, t
from components.page_registry import page_path
from components.text import md_escape

CASE_TYPES = ("unstable", "marginal", "sudden")


@dataclass(frozen=True)
class Tile:
    """One KPI: its value now, the change since the same day last week, its weekly series, a link."""

    key: str
    value: str
    delta: int | None
    series: tuple[float, ...] = ()
    note: str = ""
    page: str = "drill"
    params: dict[str, str] = field(default_factory=dict)
    good_when_up: bool = False  # more cases is bad news: a rise shows red


@dataclass(frozen=True)
class Change:
    """One line of "what changed this week", with the page and parameters that explain it."""

    text: str
    page: str
    params: dict[str, str]


def _delta(series: pd.Series) -> int | None:
    return int(series.iloc[-1] - series.iloc[-2]) if len(series) >= 2 else None


def build_tiles(cases: pd.DataFrame, problems: pd.DataFrame, under_line: tuple[int, int],
                assets: dict[str, float], link: dict[str, str]) -> list[Tile]:
    """The cockpit's tiles from the weekly series (oldest first; the last row is this week)."""
    now = cases.iloc[-1]
    by_type = "、".join(f"{label_of('case_type', code)} {int(now[f'open_{code}']):,}" for code in CASE_TYPES)
    under_now, under_before = under_line
    return [
        Tile("open_cases", f"{int(now['open_cases']):,}", _delta(cases["open_cases"]),
             tuple(cases["open_cases"]), by_type, "drill", link),
        Tile("identified_week", f"{int(now['identified']):,}", _delta(cases["identified"]),
             tuple(cases["identified"]), "", "trends", link),
        Tile("eliminated_week", f"{int(now['eliminated']):,}", _delta(cases["eliminated"]),
             tuple(cases["eliminated"]), "", "trends", link, good_when_up=True),
        Tile("under_line", f"{under_now:,}", under_now - under_before, (), "", "drill", link),
        Tile("open_problems", f"{int(problems['open_problems'].iloc[-1]):,}", _delta(problems["open_problems"]),
             tuple(problems["open_problems"]), t("overview.found_this_week", count=int(problems["found"].iloc[-1])),
             "risk", link),
        Tile("assets", f"{assets['registered']:,} / {assets['assets']:,}", None, (),
             t("overview.assets_note", value=f"{assets['value'] / 10_000:,.0f}"), "map", link, good_when_up=True),
    ]


RED = frozenset({"overdue", "at_risk"})


def _done_tasks(cells: pd.DataFrame) -> int:
    return int(cells.groupby("task_code")["status"].agg(lambda statuses: (statuses == "done").all()).sum())


def build_task_tiles(cells_now: pd.DataFrame, cells_before: pd.DataFrame, overdue_now: pd.DataFrame,
                     overdue_before: pd.DataFrame, link: dict[str, str]) -> list[Tile]:
    """Tasks done (every unit on it done) and overdue milestones, each against the week before."""
    total = cells_now["task_code"].nunique()
    done, done_before = _done_tasks(cells_now), _done_tasks(cells_before)
    return [Tile("tasks_done", f"{done:,} / {total:,}", done - done_before, (), "", "tasks", link, good_when_up=True),
            Tile("tasks_overdue", f"{len(overdue_now):,}", len(overdue_now) - len(overdue_before), (), "", "tasks",
                 link)]


def build_task_changes(cells_now: pd.DataFrame, cells_before: pd.DataFrame, overdue_now: pd.DataFrame,
                       overdue_before: pd.DataFrame, titles: pd.Series, link_for_task) -> list[Change]:
    """Milestones that became overdue this week, and tasks that turned red (a unit at risk or overdue)."""
    changes: list[Change] = []
    newly_overdue = set(overdue_now["id"]) - set(overdue_before["id"])
    if newly_overdue:
        changes.append(Change(t("overview.change_overdue", count=len(newly_overdue)), "tasks", link_for_task(None)))
    red_now = set(cells_now.loc[cells_now["status"].isin(RED), "task_code"])
    red_before = set(cells_before.loc[cells_before["status"].isin(RED), "task_code"])
    for code in sorted(red_now - red_before):
        title = md_escape(titles.get(code, code))  # link labels are Markdown
        changes.append(Change(t("overview.change_red_task", title=title), "tasks", link_for_task(code)))
    return changes


def build_changes(cases: pd.DataFrame, new_by_village: pd.DataFrame, area_names: pd.Series,
                  new_warnings: dict[str, int], problems: pd.DataFrame, link_for) -> list[Change]:
    """This week's news, red first: new cases (and where), new warnings, new 三保障 problems."""
    changes: list[Change] = []
    now = cases.iloc[-1]
    changes.append(Change(t("overview.change_new_cases", count=int(now["identified"]),
                            eliminated=int(now["eliminated"])), "trends", link_for(None)))
    for row in new_by_village.itertuples():
        name = md_escape(area_names.get(row.village_code, row.village_code))  # link labels are Markdown
        changes.append(Change(t("overview.change_village", name=name, count=int(row.new_cases)), "drill",
                              link_for(row.village_code)))
    for rule_code, count in new_warnings.items():
        if count:  # warnings that start on a day; the yearly income ones are never "new this week"
            changes.append(Change(t("overview.change_warning", rule=label_of("warning_rule", rule_code), count=count),
                                  "drill", link_for(None)))
    found = int(problems["found"].iloc[-1])
    if found:
        changes.append(Change(t("overview.change_problems", count=found), "drill", link_for(None)))
    return changes


def render_tiles(tiles: list[Tile], per_row: int = 3, links: bool = True) -> None:
    """The tiles in rows; each links to the page that explains it (when that page exists)."""
    for start in range(0, len(tiles), per_row):
        for column, tile in zip(st.columns(per_row), tiles[start:start + per_row]):
            with column.container(border=True):
                st.metric(t(f"overview.tile_{tile.key}"), tile.value, delta=tile.delta,
                          delta_color="normal" if tile.good_when_up else "inverse",
                          delta_description=t("overview.vs_last_week") if tile.delta is not None else None,
                          chart_data=list(tile.series) or None, chart_type="area",
                          help=t(f"overview.help_{tile.key}"))
                if tile.note:
                    st.caption(tile.note)
                target = page_path(tile.page)
                if target and links:
                    st.page_link(target, label=t("overview.explain", page=t(f"page.{tile.page}")),
                                 query_params=tile.params)


def render_changes(changes: list[Change]) -> None:
    """What changed this week, each line a link to the page that explains it."""
    st.subheader(t("overview.changes_heading"))
    for change in changes:
        target = page_path(change.page)
        if target:
            st.page_link(target, label=change.text, query_params=change.params)
        else:
            st.markdown(change.text)
