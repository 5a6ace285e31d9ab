"""Who is behind: units ranked by overdue milestones and behind tasks, and every overdue milestone."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from labels import t
from components.task_grid import LinkQuery, page_link

RANKING_COLUMNS = ("unit", "overdue_milestones", "overdue_change_text", "behind_tasks", "behind_change_text",
                   "lead_count", "task_count", "link")
ROW_PX = 35
OVERDUE_COLUMNS = ("task", "unit", "milestone", "due_on", "overdue_days", "link")


def build_ranking_table(ranking: pd.DataFrame, units: pd.DataFrame,
                        link_query: LinkQuery) -> pd.DataFrame:
    """Units with something overdue or behind now or a week ago, worst first, with a link to each."""
    moving = ranking[(ranking[["overdue_milestones", "behind_tasks", "overdue_change", "behind_change"]] != 0)
                     .any(axis=1)].copy()
    moving["unit"] = [units["name"].get(code, code) for code in moving["unit_code"]]
    moving["link"] = [page_link(link_query("unit", code)) for code in moving["unit_code"]]
    for column in ("overdue_change", "behind_change"):
        moving[column + "_text"] = moving[column].map(change_text)
    return moving.reset_index(drop=True)


def change_text(change: int) -> str:
    """A week's change as the room reads it: ▲2 worse, ▼1 better, — unchanged."""
    if change > 0:
        return f"▲{change}"
    return f"▼{-change}" if change < 0 else "—"


def build_overdue_table(overdue: pd.DataFrame, tasks: pd.DataFrame, units: pd.DataFrame,
                        link_query: LinkQuery) -> pd.DataFrame:
    """Overdue milestones, longest overdue first: task, unit, milestone, due date, days overdue."""
    titles = tasks.set_index("code")
    table = pd.DataFrame({
        "task": [f"{titles.at[c, 'seq']}. {titles.at[c, 'title']}" for c in overdue["task_code"]],
        "unit": [units["name"].get(c, c) for c in overdue["unit_code"]],
        "milestone": overdue["title"].astype(str),
        "due_on": overdue["due_on"],
        "overdue_days": overdue["overdue_days"].astype("int64"),
        "link": [page_link(link_query("unit", c)) for c in overdue["unit_code"]],
    })
    return table.sort_values(["overdue_days", "task"], ascending=[False, True], ignore_index=True)


def render_behind(ranking: pd.DataFrame, overdue: pd.DataFrame, previous_week: str) -> None:
    """The ranking (with change since the previous week) and the overdue milestone list."""
    st.markdown(f"#### {t('tasks.behind_heading')}")
    st.caption(t("tasks.behind_caption", prev=previous_week))
    link = st.column_config.LinkColumn(t("task_col.link"), display_text=t("tasks.open_unit"))
    if ranking.empty:
        st.info(t("tasks.behind_none"))
    else:
        config = {c: st.column_config.NumberColumn(t(f"task_col.{c}")) for c in RANKING_COLUMNS[1:-1]}
        for c in ("overdue_change", "behind_change"):
            config[c + "_text"] = st.column_config.TextColumn(t(f"task_col.{c}"))
        config["unit"] = st.column_config.TextColumn(t("task_col.unit"))
        config["link"] = link
        st.dataframe(ranking, column_order=RANKING_COLUMNS, column_config=config, hide_index=True, width="stretch",
                     height=ROW_PX * (len(ranking) + 1) + 3)  # every unit visible: a ranking is read whole
    st.markdown(f"#### {t('tasks.overdue_heading')}")
    if overdue.empty:
        st.info(t("tasks.overdue_none"))
        return
    config = {c: st.column_config.TextColumn(t(f"task_col.{c}")) for c in ("task", "unit", "milestone")}
    config["due_on"] = st.column_config.DateColumn(t("task_col.due_on"), format="YYYY-MM-DD")
    config["overdue_days"] = st.column_config.NumberColumn(t("task_col.overdue_days"))
    config["link"] = link
    st.dataframe(overdue, column_order=OVERDUE_COLUMNS, column_config=config, hide_index=True, width="stretch")
