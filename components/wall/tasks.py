"""The task matrix on the wall: every task × unit cell in its status colour, worst tasks first,
and the units furthest behind with the week's change."""

from __future__ import annotations

from html import escape

import pandas as pd

from components.task_grid import STATUS_ORDER, STATUS_STYLE, order_tasks, order_units, unit_abbreviation
from components.wall.panels import RankRow, grid_html, legend_html, panel, ranking_html
from labels import has_label, label_of, t

MAX_UNITS_RANKED = 14


WALL_UNIT_CHARS = 4  # written top to bottom, a unit column holds four characters at 1080p and 2160p


def wall_unit_label(code: str, name: str) -> str:
    """A unit's header on the wall, as officials write it: the reviewed wall form (unit_stem) where the
    name would mislead (the old poverty office's name), else the full name when it fits, else the desk
    matrix's reviewed abbreviation. Never a cut stem (派出 for 派出所, 社事 for 社会事务办)."""
    key = f"unit_stem.{code}"
    if has_label(key):
        return t(key)
    return name if len(name) <= WALL_UNIT_CHARS else unit_abbreviation(code, name)


def matrix_html(tasks: pd.DataFrame, units: pd.DataFrame, links: pd.DataFrame, cells: pd.DataFrame) -> str:
    """Tasks (worst first) × units (latest first) as a grid of 牵/责 marks on status colours."""
    unit_order = order_units(links, cells, "late")
    task_order = order_tasks(tasks, cells, "status")
    roles = links.groupby(["task_code", "unit_code"])["role"].agg(list).to_dict()
    status = {(row.task_code, row.unit_code): row.status for row in cells.itertuples(index=False)}
    titles = tasks.set_index("code")
    parts = ['<div class="wall-heat-corner"></div>']
    # 26 unit columns across a wall are narrow: the headers run top to bottom, as in a printed 分工表.
    parts += [f'<div class="wall-heat-col wall-unit-col">{escape(wall_unit_label(code, units.at[code, "name"]))}</div>'
              for code in unit_order]
    for task_code in task_order:
        parts.append(f'<div class="wall-heat-row wall-task-title">{titles.at[task_code, "seq"]}. '
                     f'{escape(str(titles.at[task_code, "title"]))}</div>')
        for unit_code in unit_order:
            unit_roles = roles.get((task_code, unit_code))
            if not unit_roles:
                parts.append('<div class="wall-heat-cell wall-cell-none"></div>')
                continue
            state = status.get((task_code, unit_code), "not_started")
            background, colour = STATUS_STYLE[state]
            mark = t("tasks.lead_mark") if "lead" in unit_roles else t("tasks.responsible_mark")
            parts.append(f'<div class="wall-heat-cell" style="background:{background};color:{colour}">{escape(mark)}</div>')
    return (f'<div class="wall-heat" style="--columns:{len(unit_order)};--rows:{len(task_order)}">'
            f'{"".join(parts)}</div>')


def behind_rows(ranking: pd.DataFrame, units: pd.DataFrame, limit: int = MAX_UNITS_RANKED) -> list[RankRow]:
    """Units with overdue milestones or tasks behind, worst first, with the week's change."""
    late = ranking[(ranking["overdue_milestones"] > 0) | (ranking["behind_tasks"] > 0)].head(limit)
    top = float(late["overdue_milestones"].max()) if not late.empty else 0.0
    return [RankRow(str(units.at[row.unit_code, "name"]) if row.unit_code in units.index else row.unit_code,
                    f"{row.overdue_milestones:,}", (f"{row.behind_tasks:,}",), int(row.overdue_change),
                    row.overdue_milestones / top if top else 0.0) for row in late.itertuples()]


def build_tasks_wall(tasks: pd.DataFrame, units: pd.DataFrame, links: pd.DataFrame, cells: pd.DataFrame,
                     ranking: pd.DataFrame) -> str:
    """The tasks page's wall grid: the matrix with its colour key; the units behind."""
    legend = legend_html([(STATUS_STYLE[status][0], label_of("task_status", status)) for status in STATUS_ORDER])
    matrix = panel(t("wall.matrix_title", count=len(tasks), units=links["unit_code"].nunique()),
                   matrix_html(tasks, units, links, cells) + legend, "wall-matrix")
    headers = (t("wall.col_no"), t("wall.col_unit"), t("wall.col_overdue"), t("wall.col_behind"), t("wall.col_change"))
    total = int(ranking["overdue_milestones"].sum())
    behind = panel(t("wall.behind_title"), ranking_html(headers, behind_rows(ranking, units)), "wall-behind",
                   t("wall.late_total", count=total))
    return grid_html("'matrix behind'", "minmax(0, 2.5fr) minmax(0, 1fr)", "minmax(0, 1fr)",
                     {"matrix": matrix, "behind": behind})
