"""The tasks × units matrix: orderings and an escaped HTML table (build_*), drawn by render_*."""

from __future__ import annotations

from html import escape
from typing import Callable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from labels import has_label, label_of, t
from components.page_params import tasks_page
from components.state import Keys
from components.text import shorten
from components.url_params import parse_declared
from components.url_state import current_params, report_rejected, set_params

# Status colours: red/amber/green as on every oversight board, grey for not started, dark green
# for done so "finished" reads apart from "on track". Text colour keeps the 牵/责 mark legible.
STATUS_STYLE = {
    "overdue": ("#d32f2f", "#ffffff"),
    "at_risk": ("#ffb300", "#212121"),
    "on_track": ("#a5d6a7", "#1b5e20"),
    "done": ("#2e7d32", "#ffffff"),
    "not_started": ("#e0e0e0", "#424242"),
}
STATUS_ORDER = ("overdue", "at_risk", "not_started", "on_track", "done")  # worst first
UNIT_ORDERS = ("default", "lead", "late")
TASK_ORDERS = ("seq", "status")
TASK_COLUMN_PX = 290  # the task title column; unit columns share the rest of the width equally
LinkQuery = Callable[[str, str], dict[str, str]]  # (param "unit" or "task", code) -> query of its view


FULL_NAME_CHARS = 3  # a unit column fits three characters at 1920 px with 26 units


def unit_abbreviation(code: str, name: str) -> str:
    """The name a matrix header shows: the full name when short, else the reviewed abbreviation
    (labels unit_abbr), else the first three characters."""
    if len(name) <= FULL_NAME_CHARS:
        return name
    key = f"unit_abbr.{code}"
    return t(key) if has_label(key) else name[:FULL_NAME_CHARS]


def page_link(query: dict[str, str]) -> str:
    """A link relative to the tasks page, so it also works under a server base path."""
    return "tasks?" + urlencode(query)


def order_units(links: pd.DataFrame, cells: pd.DataFrame, order: str) -> list[str]:
    """Unit codes of the matrix columns: as the document lists them, by tasks led, or by lateness."""
    ranked = links.assign(role_rank=(links["role"] != "lead").astype(int),
                          seq=links["task_code"].map({c: i for i, c in enumerate(dict.fromkeys(links["task_code"]))}))
    first_seen = list(dict.fromkeys(ranked.sort_values(["seq", "role_rank"], kind="stable")["unit_code"]))
    if order == "default":
        return first_seen
    position = {code: i for i, code in enumerate(first_seen)}
    stats = pd.DataFrame(index=first_seen)
    stats["lead"] = links[links["role"] == "lead"].groupby("unit_code")["task_code"].nunique()
    stats["tasks"] = links.groupby("unit_code")["task_code"].nunique()
    stats["overdue"] = cells.groupby("unit_code")["overdue"].sum()
    stats["behind"] = cells[cells["status"].isin(("overdue", "at_risk"))].groupby("unit_code").size()
    stats = stats.fillna(0)
    stats["position"] = [position[c] for c in stats.index]
    keys = ["lead", "tasks"] if order == "lead" else ["overdue", "behind"]
    stats = stats.sort_values(keys + ["position"], ascending=[False] * len(keys) + [True])
    return list(stats.index)


def order_tasks(tasks: pd.DataFrame, cells: pd.DataFrame, order: str) -> list[str]:
    """Task codes of the matrix rows: by sequence number, or the most overdue / at-risk cells first."""
    codes = list(tasks.sort_values(["seq", "code"])["code"])
    if order == "seq":
        return codes
    rank = {status: i for i, status in enumerate(STATUS_ORDER)}
    by_task = cells.assign(rank=cells["status"].map(rank)).groupby("task_code")
    worst = by_task["rank"].min()
    counts = {status: cells[cells["status"] == status].groupby("task_code").size() for status in STATUS_ORDER[:2]}
    key = {code: (worst.get(code, len(STATUS_ORDER)), -counts["overdue"].get(code, 0),
                  -counts["at_risk"].get(code, 0), i) for i, code in enumerate(codes)}
    return sorted(codes, key=key.__getitem__)


def _cell_html(task_title: str, unit_name: str, roles: list[str], cell: pd.Series | None) -> str:
    mark = t("tasks.lead_mark") if "lead" in roles else t("tasks.responsible_mark")
    status = "not_started" if cell is None else cell["status"]
    background, colour = STATUS_STYLE[status]
    has_percent = cell is not None and pd.notna(cell["percent"])
    percent = t("tasks.percent", value=cell["percent"]) if has_percent else t("tasks.cell_no_report")
    title = t("tasks.cell_title", task=task_title, unit=unit_name,
              roles=t("tasks.role_separator").join(t(f"tasks.role_{role}") for role in roles),
              status=label_of("task_status", status), percent=percent,
              overdue=0 if cell is None else int(cell["overdue"]))
    weight = "700" if "lead" in roles else "400"
    # A report waiting for the office's review does not count yet; the cell says one is on its way.
    waiting = cell is not None and pd.notna(cell.get("waiting")) and cell.get("waiting", 0) > 0
    if waiting:
        title += t("reports.cell_waiting_title")
    flag = f'<sup class="tm-waiting">{escape(t("reports.cell_waiting_mark"))}</sup>' if waiting else ""
    # 未报: no report in the latest reporting cycle whose deadline passed (queries.reports.unreported).
    late = cell is not None and pd.notna(cell.get("days_late")) and cell.get("days_late") is not None
    if late:
        title += t("reports.cell_unreported_title", deadline=cell.get("deadline"), days=int(cell.get("days_late")))
        flag += f'<sub class="tm-unreported">{escape(t("reports.cell_unreported_mark"))}</sub>'
    return (f'<td class="s-{status}" style="background:{background};color:{colour};font-weight:{weight}" '
            f'title="{escape(title)}" data-waiting="{int(waiting)}" data-unreported="{int(late)}" '
            f'data-status="{status}">{escape(mark)}{flag}</td>')


def build_matrix_html(tasks: pd.DataFrame, units: pd.DataFrame, links: pd.DataFrame, cells: pd.DataFrame,
                      unit_order: list[str], task_order: list[str],
                      link_query: LinkQuery) -> str:
    """The matrix as one HTML table that fits the page width; every database value escaped.

    link_query(param, code) gives the query of the unit's (param "unit") or task's ("task") view.
    """
    roles = links.groupby(["task_code", "unit_code"])["role"].agg(list).to_dict()
    cell_rows = {(row.task_code, row.unit_code): row for row in cells.itertuples(index=False)}
    titles = tasks.set_index("code")
    head = [f'<th class="tm-task">{escape(t("tasks.matrix_task_header"))}</th>']
    for code in unit_order:
        name, alias = units.at[code, "name"], units.at[code, "alias"]
        full = name + (t("tasks.unit_alias", alias=alias) if isinstance(alias, str) and alias else "")
        head.append(f'<th class="tm-unit" title="{escape(full)}"><a href="{escape(page_link(link_query("unit", code)))}" '
                    f'target="_self">{escape(unit_abbreviation(code, name))}</a></th>')
    body = []
    for task_code in task_order:
        seq, title = titles.at[task_code, "seq"], titles.at[task_code, "title"]
        label = f"{seq}. {title}"
        row = [f'<td class="tm-task" title="{escape(label)}"><a href="{escape(page_link(link_query("task", task_code)))}" '
               f'target="_self">{escape(label)}</a></td>']
        for unit_code in unit_order:
            unit_roles = roles.get((task_code, unit_code))
            if not unit_roles:
                row.append("<td></td>")
                continue
            cell = cell_rows.get((task_code, unit_code))
            series = pd.Series(cell._asdict()) if cell is not None else None
            row.append(_cell_html(label, units.at[unit_code, "name"], unit_roles, series))
        body.append(f'<tr data-task="{escape(task_code)}">{"".join(row)}</tr>')
    return (f"<style>{_MATRIX_CSS}</style>"
            f'<table class="task-matrix"><colgroup><col style="width:{TASK_COLUMN_PX}px">'
            + "<col>" * len(unit_order) + "</colgroup>"
            f'<thead><tr>{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table>')


_MATRIX_CSS = """
.task-matrix {width:100%; table-layout:fixed; border-collapse:collapse; font-size:13px; line-height:1.2}
.task-matrix th, .task-matrix td {border:1px solid #ffffff; padding:5px 0; text-align:center;
  overflow:hidden; white-space:nowrap}
.task-matrix th {background:#f0f2f6; font-weight:600; font-size:12px}
.task-matrix .tm-task {text-align:left; padding-left:6px; text-overflow:ellipsis}
.task-matrix td.tm-task {background:#fafafa}
.task-matrix a {color:inherit; text-decoration:none}
.task-matrix a:hover {text-decoration:underline}
.task-matrix tbody tr:hover td.tm-task {background:#e8eaf0}
.task-matrix .tm-waiting {font-size:10px; color:#1f4e9e; font-weight:700; margin-left:1px}
.task-matrix .tm-unreported {font-size:9px; color:#8a1c1c; font-weight:700; margin-left:1px; white-space:nowrap}
.task-legend span {display:inline-block; padding:1px 8px; margin-right:6px; border-radius:3px; font-size:13px}
"""


def build_legend_html() -> str:
    """Colour key of the matrix: one swatch per status."""
    swatches = "".join(f'<span style="background:{bg};color:{fg}">{escape(label_of("task_status", status))}</span>'
                       for status, (bg, fg) in STATUS_STYLE.items())
    return (f'<style>{_MATRIX_CSS}</style><div class="task-legend">{escape(t("tasks.legend"))}{swatches} '
            f'<b>{escape(t("tasks.lead_mark"))}</b> {escape(t("tasks.role_lead"))} · '
            f'{escape(t("tasks.responsible_mark"))} {escape(t("tasks.role_responsible"))}</div>')


def render_matrix_controls(key_prefix: str = Keys.TASKS_SORT) -> tuple[str, str]:
    """Sort choices for units and tasks; returns (unit order, task order)."""
    left, right, _ = st.columns([2, 2, 3])
    unit_order = left.segmented_control(t("tasks.sort_units"), UNIT_ORDERS, default="default",
                                        format_func=lambda o: t(f"tasks.sort_units_{o}"), key=f"{key_prefix}_units")
    task_order = right.segmented_control(t("tasks.sort_tasks"), TASK_ORDERS, default="seq",
                                         format_func=lambda o: t(f"tasks.sort_tasks_{o}"), key=f"{key_prefix}_tasks")
    return unit_order or "default", task_order or "seq"


def render_matrix(table_html: str) -> None:
    """The legend, the matrix and how to read it."""
    st.html(build_legend_html())
    st.html(table_html)
    st.caption(t("tasks.matrix_hint"))


_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def pick_known(raw: object, known: list[str]) -> tuple[str | None, str | None]:
    """(code, None) when raw names a known code; (None, raw shortened) when it does not; (None, None) if absent."""
    if raw is None or str(raw).strip() == "":
        return None, None
    value = str(raw).strip()
    if value in known and set(value) <= _CODE_CHARS:
        return value, None
    return None, shorten(value)


def read_selection(unit: str | None, unit_codes: list[str], task_codes: list[str]) -> tuple[str | None, str | None]:
    """The unit (the view's) and the task (the URL's `task`) to open, if they exist; what does not is reported."""
    values, problems = parse_declared(tasks_page(), current_params())
    unit_code, bad_unit = pick_known(unit, unit_codes)
    task_code, bad_task = pick_known(values["task"], task_codes)
    problems += tuple((key, value) for key, value in (("tasks.unknown_unit", bad_unit), ("tasks.unknown_task", bad_task))
                      if value is not None)
    report_rejected(problems)
    return unit_code, task_code


def _choose(param: str, other: str, key: str) -> None:
    # A unit's view and a task's view are exclusive: picking one clears the other.
    set_params({param: st.session_state[key] or None}, drop=(other,))


def render_pickers(units: pd.DataFrame, tasks: pd.DataFrame, unit_code: str | None, task_code: str | None) -> None:
    """Unit and task select boxes; choosing one opens its view (and puts it in the URL)."""
    left, right, _ = st.columns([2, 3, 2])
    unit_names = dict(zip(units["code"], units["name"]))
    st.session_state[Keys.TASKS_PICK_UNIT] = unit_code or ""
    left.selectbox(t("tasks.pick_unit"), [""] + list(unit_names), key=Keys.TASKS_PICK_UNIT,
                   format_func=lambda code: unit_names.get(code, t("tasks.all_units")),
                   on_change=_choose, args=("unit", "task", Keys.TASKS_PICK_UNIT))
    task_names = {code: f"{seq}. {title}" for code, seq, title in zip(tasks["code"], tasks["seq"], tasks["title"])}
    st.session_state[Keys.TASKS_PICK_TASK] = task_code or ""
    right.selectbox(t("tasks.pick_task"), [""] + list(task_names), key=Keys.TASKS_PICK_TASK,
                    format_func=lambda code: task_names.get(code, t("tasks.all_tasks")),
                    on_change=_choose, args=("task", "unit", Keys.TASKS_PICK_TASK))
