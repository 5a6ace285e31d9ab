"""Cockpit panels: KPI tiles with week-over-week change and a sparkline, and "what changed".

build_* turn query results into plain values (no Streamlit); render_* draw them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from labels import label_of, t
from components.page_registry import page_path
from components.text import md_escape
from components.tile_numbers import tile_pair

CASE_TYPES = ("unstable", "marginal", "sudden")
CHANGE_LINK_CSS = (".st-key-overview_changes [data-testid=stPageLink] a p { color: #0b5cad; "
                   "text-decoration: underline; text-underline-offset: 3px; }")


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


def build_tiles(cases: pd.DataFrame, problems: pd.DataFrame, under_line: tuple[int, int] | None,
                assets: dict[str, float], link: dict[str, str], open_people: int | None = None) -> list[Tile]:
    """The cockpit's tiles from the weekly series (oldest first; the last row is this week).

    under_line is None when the area has no income rows for the year: the tile then says so."""
    now = cases.iloc[-1]
    by_type = "、".join(f"{label_of('case_type', code)} {int(now[f'open_{code}']):,}" for code in CASE_TYPES)
    if open_people is not None:  # officials give 人 as well as 户
        by_type = t("overview.open_people", people=f"{open_people:,}") + by_type
    under_tile = Tile("under_line", t("quality.no_data"), None, (), t("quality.no_income_short"), "drill", link) \
        if under_line is None else \
        Tile("under_line", f"{under_line[0]:,}", under_line[0] - under_line[1], (), "", "drill", link)
    return [
        Tile("open_cases", f"{int(now['open_cases']):,}", _delta(cases["open_cases"]),
             tuple(cases["open_cases"]), by_type, "drill", link),
        Tile("identified_week", f"{int(now['identified']):,}", _delta(cases["identified"]),
             tuple(cases["identified"]), "", "trends", link),
        Tile("eliminated_week", f"{int(now['eliminated']):,}", _delta(cases["eliminated"]),
             tuple(cases["eliminated"]), "", "trends", link, good_when_up=True),
        under_tile,
        Tile("open_problems", f"{int(problems['open_problems'].iloc[-1]):,}", _delta(problems["open_problems"]),
             tuple(problems["open_problems"]), t("overview.found_this_week", found=f"{problem_moves(problems)[0]:,}",
                                                 cleared=f"{problem_moves(problems)[1]:,}"), "risk", link),
        Tile("assets", tile_pair(int(assets["registered"]), int(assets["assets"])), None, (),
             t("overview.assets_note", value=f"{assets['value'] / 10_000:,.0f}"), "map", link, good_when_up=True),
    ]


def build_should_monitor_tile(now: int, before: int, link: dict[str, str]) -> Tile:
    """应纳未纳: households that meet the monitoring conditions without an open case, now and a
    week before (the check the seeds stress most: 早发现, 应纳尽纳)."""
    return Tile("should_monitor", f"{now:,}", now - before, (), "", "drill", link)


RED = frozenset({"overdue", "at_risk"})
PROBLEM_WARNINGS = frozenset({"new_guarantee_problem"})  # reported by the 三保障 line


def _done_tasks(cells: pd.DataFrame) -> int:
    return int(cells.groupby("task_code")["status"].agg(lambda statuses: (statuses == "done").all()).sum())


def build_task_tiles(cells_now: pd.DataFrame, cells_before: pd.DataFrame, overdue_now: pd.DataFrame,
                     overdue_before: pd.DataFrame, link: dict[str, str]) -> list[Tile]:
    """Tasks done (every unit on it done) and overdue milestones, each against the week before."""
    total = cells_now["task_code"].nunique()
    done, done_before = _done_tasks(cells_now), _done_tasks(cells_before)
    return [Tile("tasks_done", tile_pair(done, total), done - done_before, (), "", "tasks", link, good_when_up=True),
            Tile("tasks_overdue", f"{len(overdue_now):,}", len(overdue_now) - len(overdue_before), (), "", "tasks",
                 link)]


def build_signal_tiles(overdue_now: int, overdue_before: int, link: dict[str, str]) -> list[Tile]:
    """Department signals overdue for verification, against the same day last week."""
    return [Tile("signals_overdue", f"{overdue_now:,}", overdue_now - overdue_before, (), "", "signals", link)]


def build_signal_overdue_news(overdue: int, change: int, link: dict[str, str]) -> list[Change]:
    """The overdue verifications as a news line (the wall has no room for a ninth tile)."""
    return [Change(t("overview.change_signals_overdue", count=overdue, change=f"{change:+d}"), "signals", link)] \
        if overdue else []


def build_unreported_news(owing: pd.DataFrame, link: dict[str, str]) -> list[Change]:
    """Units that missed the reporting cycle, as a news line opening the 催办 list (none late: no line)."""
    if owing.empty:
        return []
    return [Change(t("overview.change_unreported", units=owing["unit_code"].nunique(), pairs=len(owing),
                     days=int(owing["days_late"].max())), "tasks", link)]


def build_signal_changes(new_this_week: int, link: dict[str, str]) -> list[Change]:
    """This week's new department signals as a news line (none: no line)."""
    return [Change(t("overview.change_signals", count=new_this_week), "signals", link)] if new_this_week else []


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
        changes.append(Change(t("overview.change_red_task", title=titles.get(code, code)), "tasks",
                              link_for_task(code)))
    return changes


def delta_text(delta: int | None) -> str | int | None:
    """A tile's change as st.metric shows it: thousands separated (-57,388) like the value above it;
    text keeps the sign that sets the arrow, and no change stays the number 0 (no arrow)."""
    return delta if not delta else f"{delta:,}"


def problem_moves(problems: pd.DataFrame) -> tuple[int, int, int]:
    """This week's 三保障 problems: found, cleared, and the change in the open count (found − cleared)."""
    found = int(problems["found"].iloc[-1])
    change = _delta(problems["open_problems"]) or 0
    return found, found - change, change


def _problems_line(problems: pd.DataFrame) -> str:
    found, cleared, change = problem_moves(problems)
    move = (t("overview.move_up", count=f"{change:,}") if change > 0 else
            t("overview.move_down", count=f"{-change:,}") if change < 0 else t("overview.move_flat"))
    return t("overview.change_problems", found=f"{found:,}", cleared=f"{cleared:,}", move=move)


def build_changes(cases: pd.DataFrame, new_by_village: pd.DataFrame, tree: pd.DataFrame,
                  new_warnings: dict[str, int], problems: pd.DataFrame, link_for) -> list[Change]:
    """This week's news, red first, as plain text: new cases, the 三保障 move and why, where the new
    cases are (village with its township), new warnings."""
    changes: list[Change] = []
    now = cases.iloc[-1]
    changes.append(Change(t("overview.change_new_cases", count=int(now["identified"]),
                            eliminated=int(now["eliminated"])), "trends", link_for(None)))
    found, cleared, change = problem_moves(problems)
    if found or cleared or change:
        # One line for the 三保障 problems: the new-problem warning counts the same checks.
        changes.append(Change(_problems_line(problems), "drill", link_for(None)))
    names, parents = tree["name"], tree["parent_code"]
    for row in new_by_village.itertuples():
        parent = parents.get(row.village_code)
        changes.append(Change(t("overview.change_village", township=names.get(parent, ""),
                                name=names.get(row.village_code, row.village_code), count=int(row.new_cases)),
                              "drill", link_for(row.village_code)))
    for rule_code, count in new_warnings.items():
        if count and rule_code not in PROBLEM_WARNINGS:  # yearly income rules are never "new this week"
            changes.append(Change(t("overview.change_warning", rule=label_of("warning_rule", rule_code), count=count),
                                  "drill", link_for(None)))
    return changes


def render_tiles(tiles: list[Tile], per_row: int = 3, links: bool = True,
                 openable: frozenset[str] | None = None) -> None:
    """The tiles in rows; each links to the page that explains it (when that page exists and the viewer
    may open it: a link to a page outside the navigation fails)."""
    for start in range(0, len(tiles), per_row):
        for column, tile in zip(st.columns(per_row), tiles[start:start + per_row]):
            with column.container(border=True):
                st.metric(t(f"overview.tile_{tile.key}"), tile.value, delta=delta_text(tile.delta),
                          delta_color="normal" if tile.good_when_up else "inverse",
                          delta_description=t("overview.vs_last_week") if tile.delta is not None else None,
                          chart_data=list(tile.series) or None, chart_type="area",
                          help=t(f"overview.help_{tile.key}"))
                if tile.note:
                    st.caption(tile.note)
                target = page_path(tile.page)
                if target and links and (openable is None or tile.page in openable):
                    st.page_link(target, label=t("overview.explain", page=t(f"page.{tile.page}")),
                                 query_params=tile.params)


def render_changes(changes: list[Change], openable: frozenset[str] | None = None) -> None:
    """What changed this week, each line a link (blue, underlined, with a ›) to the page that explains it."""
    st.subheader(t("overview.changes_heading"))
    # page_link labels are Markdown: database names are escaped; the CSS makes them read as links.
    st.html(f"<style>{CHANGE_LINK_CSS}</style>")
    with st.container(key="overview_changes"):
        for change in changes:
            target = page_path(change.page)
            if target and (openable is None or change.page in openable):
                st.page_link(target, label=t("overview.link", text=md_escape(change.text)), query_params=change.params)
            else:
                st.markdown(md_escape(change.text))
