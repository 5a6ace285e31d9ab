"""One unit's tasks and one task's units: tables and a progress chart (build_*), drawn by render_*."""

from __future__ import annotations

from html import escape
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from labels import label_of, t
from components.task_grid import LinkQuery, page_link
from components.text import md_escape
from rules.tasks import DUE_SOON_DAYS, is_due_soon

# Streamlit's coloured-text names for a status in an expander label.
# 已完成 is dark green on the matrix, so it is green here too (never blue in one view, green in another).
STATUS_COLOUR = {"overdue": "red", "at_risk": "orange", "on_track": "green", "done": "green", "not_started": "gray"}
MILESTONE_COLUMNS = ("unit", "milestone", "due_on", "done_on", "overdue_days", "late")


def _percent(value: object) -> str:
    return t("tasks.percent", value=value) if value is not None and pd.notna(value) else t("tasks.none")


def _date(value: object) -> str:
    return value.isoformat() if value is not None and not pd.isna(value) else t("tasks.none")


def build_unit_tasks(unit_code: str, tasks: pd.DataFrame, units: pd.DataFrame, links: pd.DataFrame,
                     cells: pd.DataFrame) -> pd.DataFrame:
    """The unit's tasks, one row each: role (lead wins), status, percent, latest report, other units."""
    mine = links[links["unit_code"] == unit_code]
    if mine.empty:
        return pd.DataFrame(columns=["task_code", "seq", "title", "role", "status", "percent",
                                     "reported_on", "note", "overdue", "others"])
    role = mine.groupby("task_code")["role"].agg(lambda roles: "lead" if "lead" in set(roles) else "responsible")
    table = tasks.set_index("code").loc[role.index, ["seq", "title"]]
    table["role"] = role
    state = cells[cells["unit_code"] == unit_code].set_index("task_code")
    for column in ("status", "percent", "reported_on", "note", "overdue"):
        table[column] = state[column].reindex(table.index)
    table["status"] = table["status"].fillna("not_started")
    table["overdue"] = table["overdue"].fillna(0).astype("int64")
    names = units["name"]
    others = links[(links["unit_code"] != unit_code) & links["task_code"].isin(table.index)]
    table["others"] = [
        t("tasks.role_separator").join(dict.fromkeys(names.get(c, c) for c in
                                                     others.loc[others["task_code"] == code, "unit_code"]))
        for code in table.index]
    table.index.name = "task_code"
    return table.reset_index().sort_values(["seq", "task_code"], ignore_index=True)


def build_milestone_table(milestones: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Milestones with unit names, dates as text and overdue / late days (blank when none)."""
    table = pd.DataFrame({
        "unit": [units["name"].get(code, code) for code in milestones["unit_code"]],
        "milestone": milestones["title"].astype(str),
        "due_on": [_date(d) for d in milestones["due_on"]],
        "done_on": [_date(d) for d in milestones["done_on"]],
        "overdue_days": [str(n) if n > 0 else "" for n in milestones["overdue_days"]],
        "late": [str(n) if n > 0 else "" for n in milestones["late_days"]],
    })
    return table.rename(columns={c: t(f"task_col.{c}") for c in MILESTONE_COLUMNS if c != "late"}
                        | {"late": t("task_col.late")})


def build_todo(milestones: pd.DataFrame, tasks: pd.DataFrame, asof) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The unit's 待办: (due within DUE_SOON_DAYS days, nearest first; overdue, longest overdue first)."""
    titles = tasks.set_index("code")
    rows = milestones.assign(task=[f"{titles.at[c, 'seq']}. {titles.at[c, 'title']}" if c in titles.index else c
                                   for c in milestones["task_code"]],
                             due_in=[(due - asof).days for due in milestones["due_on"]])
    soon = rows[[is_due_soon(due, done, asof) for due, done in zip(rows["due_on"], rows["done_on"])]]
    late = rows[rows["overdue_days"] > 0]
    return (soon.sort_values(["due_in", "task_code", "id"], ignore_index=True),
            late.sort_values(["overdue_days", "task_code", "id"], ascending=[False, True, True], ignore_index=True))


def due_text(due_in: int) -> str:
    """今天到期 / 明天到期 / N 天后到期."""
    if due_in == 0:
        return t("tasks.due_today")
    return t("tasks.due_tomorrow") if due_in == 1 else t("tasks.due_in", days=due_in)


def _todo_table(rows: pd.DataFrame, when: list[str]) -> pd.DataFrame:
    # st.table renders Markdown: database text escaped, the highlight is ours.
    return pd.DataFrame({t("task_col.when"): when,
                         t("task_col.milestone"): [md_escape(v) for v in rows["title"]],
                         t("task_col.task"): [md_escape(v) for v in rows["task"]],
                         t("task_col.due_on"): [_date(d) for d in rows["due_on"]]})


def render_todo(soon: pd.DataFrame, late: pd.DataFrame) -> None:
    """待办 first: milestones due within two weeks and overdue ones, each highlighted, side by side."""
    st.markdown(f"#### {t('tasks.todo_heading', days=DUE_SOON_DAYS)}")
    if soon.empty and late.empty:
        st.success(t("tasks.todo_none", days=DUE_SOON_DAYS))
        return
    left, right = st.columns(2)
    with left:
        st.markdown(t("tasks.todo_soon", count=len(soon), days=DUE_SOON_DAYS))
        if soon.empty:
            st.caption(t("tasks.todo_soon_none"))
        else:
            when = [f":orange-background[:orange[**{due_text(int(n))}**]]" for n in soon["due_in"]]
            st.table(_todo_table(soon, when), hide_index=True, border="horizontal")
    with right:
        st.markdown(t("tasks.todo_late", count=len(late)))
        if late.empty:
            st.caption(t("tasks.todo_late_none"))
        else:
            when = [f":red-background[:red[**{t('tasks.overdue_by', days=f'{int(n):,}')}**]]" for n in late["overdue_days"]]
            st.table(_todo_table(late, when), hide_index=True, border="horizontal")


def build_progress_figure(history: pd.DataFrame, units: pd.DataFrame) -> go.Figure:
    """Percent complete over time, one line per unit (names escaped: plotly renders tags in text)."""
    figure = go.Figure()
    for code, rows in history.groupby("unit_code", sort=False):
        name = escape(str(units["name"].get(code, code)))
        statuses = [escape(label_of("task_status", s)) for s in rows["status"]]
        notes = [escape(str(n)) if isinstance(n, str) else "" for n in rows["note"]]
        figure.add_trace(go.Scatter(
            x=rows["reported_on"], y=rows["percent"], mode="lines+markers", name=name, marker={"size": 4},
            customdata=[(name, status, note) for status, note in zip(statuses, notes)],
            # Text goes through customdata, never into the template, where %{...} would be expanded.
            hovertemplate="%{customdata[0]}<br>%{x|%Y-%m-%d}: %{y:.0f}%<br>%{customdata[1]} %{customdata[2]}<extra></extra>"))
    figure.update_layout(height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         xaxis_title=t("tasks.chart_x"), yaxis_title=t("tasks.chart_y"),
                         yaxis={"range": [0, 105]}, legend={"orientation": "h", "y": -0.2})
    return figure


def _status_label(status: str, percent: object) -> str:
    return f":{STATUS_COLOUR[status]}[{label_of('task_status', status)}] {_percent(percent)}"


def render_unit_view(unit: pd.Series, table: pd.DataFrame, milestones: pd.DataFrame, units: pd.DataFrame,
                     link_query: LinkQuery, todo: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """A unit's 待办 first, then its led and supporting tasks with status, reports and milestones."""
    alias = t("tasks.unit_alias", alias=unit["alias"]) if isinstance(unit["alias"], str) and unit["alias"] else ""
    st.subheader(t("tasks.unit_heading", unit=md_escape(unit["name"] + alias)))
    if table.empty:
        st.info(t("tasks.unit_no_tasks"))
        return
    render_todo(*todo)
    st.markdown(t("tasks.unit_summary", lead=int((table["role"] == "lead").sum()),
                  responsible=int((table["role"] == "responsible").sum()), overdue=int(table["overdue"].sum()),
                  behind=int(table["status"].isin(("overdue", "at_risk")).sum())))
    soon_tasks = set(todo[0]["task_code"])
    for role, heading, empty in (("lead", "tasks.unit_led", "tasks.unit_none_led"),
                                 ("responsible", "tasks.unit_supporting", "tasks.unit_none_supporting")):
        st.markdown(f"#### {t(heading)}")
        rows = table[table["role"] == role]
        if rows.empty:
            st.caption(t(empty))
        for row in rows.itertuples(index=False):
            _render_unit_task(row, milestones[milestones["task_code"] == row.task_code], units, link_query,
                              row.task_code in soon_tasks)


def _render_unit_task(row, milestones: pd.DataFrame, units: pd.DataFrame,
                      link_query: LinkQuery, due_soon: bool) -> None:
    label = f"{row.seq}. {md_escape(row.title)} · {_status_label(row.status, row.percent)}"
    with st.expander(label, expanded=due_soon or row.status in ("overdue", "at_risk")):
        st.markdown(t("tasks.task_status_line", status=label_of("task_status", row.status),
                      percent=_percent(row.percent), reported=_date(row.reported_on)))
        if isinstance(row.note, str) and row.note:
            st.markdown(t("tasks.task_note", note=md_escape(row.note)))
        st.markdown(t("tasks.task_others", units=md_escape(row.others)) if row.others else t("tasks.task_others_none"))
        if milestones.empty:
            st.caption(t("tasks.no_milestones"))
        else:
            table = build_milestone_table(milestones, units).drop(columns=t("task_col.unit"))
            # st.table renders Markdown in cells: database text must show as typed; overdue days stand out.
            table = table.map(md_escape)
            days = t("task_col.overdue_days")
            table[days] = [f":red-background[:red[**{n}**]]" if n else "" for n in table[days]]
            st.table(table, hide_index=True, border="horizontal")
        st.markdown(f"[{t('tasks.task_progress_heading')} ›]({page_link(link_query('task', row.task_code))})")


def build_task_units(task_code: str, units: pd.DataFrame, links: pd.DataFrame, cells: pd.DataFrame,
                     link_query: LinkQuery) -> pd.DataFrame:
    """Every unit on one task: role(s), status, percent, latest report, note, overdue milestones, link."""
    mine = links[links["task_code"] == task_code]
    roles = mine.groupby("unit_code", sort=False)["role"].agg(list)
    state = cells[cells["task_code"] == task_code].set_index("unit_code")
    table = pd.DataFrame({"unit_code": roles.index})
    table["unit"] = [units["name"].get(c, c) for c in table["unit_code"]]
    table["role"] = [t("tasks.role_separator").join(t(f"tasks.role_{r}") for r in ("lead", "responsible") if r in rs)
                     for rs in roles]
    table["lead_first"] = ["lead" not in rs for rs in roles]
    table["status"] = [label_of("task_status", state["status"].get(c, "not_started")) for c in table["unit_code"]]
    table["percent"] = [state["percent"].get(c) for c in table["unit_code"]]
    table["reported_on"] = [_date(state["reported_on"].get(c)) for c in table["unit_code"]]
    table["note"] = [state["note"].get(c) or "" for c in table["unit_code"]]
    table["overdue"] = [int(state["overdue"].get(c, 0)) for c in table["unit_code"]]
    table["link"] = [page_link(link_query("unit", c)) for c in table["unit_code"]]
    return table.sort_values(["lead_first", "unit_code"], ignore_index=True).drop(columns="lead_first")


def render_task_view(task: pd.Series, table: pd.DataFrame, history: pd.DataFrame, milestones: pd.DataFrame,
                     units: pd.DataFrame) -> None:
    """One task: its units and their status, percent over time, and milestones."""
    st.subheader(t("tasks.task_heading", seq=task["seq"], title=md_escape(task["title"])))
    if task["starts_on"] is not None and task["due_on"] is not None and not pd.isna(task["due_on"]):
        st.caption(t("tasks.task_period", starts=_date(task["starts_on"]), due=_date(task["due_on"])))
    if isinstance(task["detail"], str) and task["detail"]:
        st.caption(md_escape(task["detail"]))
    st.markdown(f"#### {t('tasks.task_units_heading')}")
    config = {c: st.column_config.Column(t(f"task_col.{c}")) for c in ("unit", "role", "status", "reported_on", "note")}
    config["percent"] = st.column_config.ProgressColumn(t("task_col.percent"), format="%.0f%%", min_value=0, max_value=100)
    config["overdue"] = st.column_config.NumberColumn(t("task_col.overdue_milestones"))
    config["link"] = st.column_config.LinkColumn(t("task_col.link"), display_text=t("tasks.open_unit"))
    st.dataframe(table, column_order=list(config), column_config=config, hide_index=True, width="stretch")
    st.markdown(f"#### {t('tasks.task_progress_heading')}")
    if history.empty:
        st.info(t("tasks.task_no_progress"))
    else:
        st.plotly_chart(build_progress_figure(history, units), config={"displaylogo": False})
    st.markdown(f"#### {t('tasks.task_milestones_heading')}")
    if milestones.empty:
        st.caption(t("tasks.no_milestones"))
    else:
        st.dataframe(build_milestone_table(milestones, units), hide_index=True, width="stretch")

