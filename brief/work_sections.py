"""Sections about the work itself: the responsibility matrix (tasks) and project assets."""

from __future__ import annotations

from functools import partial

import pandas as pd

from brief.compare import change_phrase, day_text, number, top_items
from brief.context import Context
from brief.figures import build_column_chart, build_ranking_bar
from brief.model import Chart, KeyFigure, Section, Table
from labels import has_label, label_of, t
from queries.asset_income import asset_income_use
from queries.area_query import AreaQuery
from queries.overview import assets_by_village
from queries.tasks import cell_status, overdue_milestones, tasks_in_scope, unit_list
from queries.scope import child_key

ITEMS, TASKS = t("brief_say.unit_items"), t("brief_say.unit_tasks")
TEN_THOUSAND = 10_000  # asset values are stored in yuan and reported in 万元


def _unit_table(cells: pd.DataFrame) -> pd.DataFrame:
    """Per unit: tasks reported on, red (overdue) and amber (behind) cells, and the share of its
    tasks done by the task-status rule (an open overdue milestone is never done, whatever the report)."""
    grouped = cells.groupby("unit_name", sort=False)
    done = grouped["status"].apply(lambda s: int((s == "done").sum()))
    table = pd.DataFrame({
        t("brief_col.unit"): list(grouped.groups),
        t("brief_col.reported_tasks"): grouped["reported_status"].count().tolist(),
        t("brief_col.red_tasks"): grouped["status"].apply(lambda s: int((s == "overdue").sum())).tolist(),
        t("brief_col.amber_tasks"): grouped["status"].apply(lambda s: int((s == "at_risk").sum())).tolist(),
        t("brief_col.percent"): (100 * done / grouped.size()).round(1).tolist(),
    })
    return table.sort_values([t("brief_col.red_tasks"), t("brief_col.amber_tasks")], ascending=False,
                             kind="stable").reset_index(drop=True)


def _matrix(area: AreaQuery) -> pd.DataFrame:
    """The task page's cells (task × unit, status as the matrix colours it) with task and unit names."""
    tasks_ = tasks_in_scope(area.db, area.scope, area.asof)[["code", "seq", "title"]]
    units = unit_list(area.db, area.scope)[["code", "name"]]
    cells = cell_status(area.db, area.scope, area.asof)
    cells = cells.merge(tasks_.rename(columns={"code": "task_code"}), on="task_code", how="left")
    return cells.merge(units.reset_index(drop=True).rename(columns={"code": "unit_code", "name": "unit_name"}),
                       on="unit_code", how="left")


def _overdue_pairs(area: AreaQuery, cells: pd.DataFrame) -> pd.DataFrame:
    """Cells with overdue milestones, most first, with the earliest due date from the page's list."""
    listed = overdue_milestones(area.db, area.scope, area.asof)
    earliest = listed.groupby(["task_code", "unit_code"])["due_on"].min().rename("earliest_due")
    late = cells[cells["overdue"] > 0].join(earliest, on=["task_code", "unit_code"])
    return late.sort_values(["overdue", "seq", "unit_code"], ascending=[False, True, True]).reset_index(drop=True)


def _only_unit(cells: pd.DataFrame, unit_code: str | None) -> pd.DataFrame:
    return cells if unit_code is None else cells[cells["unit_code"] == unit_code].reset_index(drop=True)


def tasks(ctx: Context) -> Section:
    """Overdue milestones per task and unit (with the change), and units whose cells are behind:
    the task page's matrix for the viewer, as of the date (tasks are not area data). A unit pack
    (request.unit_code) holds that unit's cells only."""
    a, unit_code = ctx.area, ctx.request.unit_code
    cells = _only_unit(_matrix(a), unit_code)
    tasks_total = len(tasks_in_scope(a.db, a.scope, a.asof)) if unit_code is None else cells["task_code"].nunique()
    overdue = _overdue_pairs(a, cells)
    late = int(cells["overdue"].sum())
    late_before = int(_only_unit(cell_status(a.db, a.scope, ctx.compare_date), unit_code)["overdue"].sum())
    by_unit = overdue.groupby("unit_name", sort=False)["overdue"].sum()
    red = cells[cells["status"] == "overdue"].sort_values(["seq", "unit_code"])
    red_tasks = red.drop_duplicates("task_code")
    amber_tasks = cells.loc[cells["status"] == "at_risk", "task_code"].nunique()
    title = t("brief_section.tasks") if unit_code is None else t("brief_doc.tasks_of_unit", unit=ctx.unit_name)
    section = Section("tasks", title)
    section.figures = [KeyFigure(t("brief_kpi.tasks"), tasks_total),
                       KeyFigure(t("brief_kpi.overdue"), late, late - late_before),
                       KeyFigure(t("brief_kpi.units_late"), len(by_unit)),
                       KeyFigure(t("brief_kpi.red_tasks"), len(red_tasks))]
    overdue_table = pd.DataFrame({
        t("brief_col.task"): [f"{int(seq)}. {title}" for seq, title in zip(overdue["seq"], overdue["title"])],
        t("brief_col.unit"): overdue["unit_name"].tolist(),
        t("brief_col.overdue"): overdue["overdue"].astype("int64").tolist(),
        t("brief_col.earliest_due"): overdue["earliest_due"].tolist(),
    })
    section.tables = [Table(t("brief_table.overdue"), overdue_table, t("brief_source.tasks")),
                      Table(t("brief_table.units"), _unit_table(cells), t("brief_source.tasks"))]
    if late:
        title = t("brief_chart.overdue_by_unit")
        section.charts = [Chart(title, partial(build_ranking_bar, by_unit.index.tolist(), by_unit.tolist(), title))]
    when, change = day_text(ctx.request.asof), change_phrase(late, late_before, ctx.period, ITEMS)
    if not tasks_total:
        say = [t("brief_say.tasks_none", date=day_text(ctx.request.asof))]
    elif late:
        say = [t("brief_say.tasks_overdue", date=when, tasks=number(tasks_total), n=number(late),
                 units=number(len(by_unit)), change=change),
               t("brief_say.tasks_top_unit", items=top_items(by_unit.to_dict(), ITEMS))]
    else:
        say = [t("brief_say.tasks_no_overdue", date=when, tasks=number(tasks_total), change=change)]
    if len(red_tasks):
        names = t("brief_say.list_sep").join(f"{int(seq)}. {title}" for seq, title
                                             in zip(red_tasks["seq"][:3], red_tasks["title"][:3]))
        say.append(t("brief_say.tasks_red", n=number(len(red_tasks)), items=names))
    if amber_tasks:
        say.append(t("brief_say.tasks_amber", n=number(amber_tasks)))
    section.commentary = say
    return section


def _asset_table(grouped: pd.DataFrame, label_column: str, labels: list[str]) -> pd.DataFrame:
    share = (100 * grouped["registered"] / grouped["assets"].where(grouped["assets"] > 0)).fillna(0).round(1)
    return pd.DataFrame({
        label_column: labels,
        t("brief_col.assets"): grouped["assets"].astype("int64").tolist(),
        t("brief_col.value"): (grouped["value"] / TEN_THOUSAND).round(2).tolist(),
        t("brief_col.registered"): grouped["registered"].astype("int64").tolist(),
        t("brief_col.registered_share"): share.tolist(),
        t("brief_col.income"): (grouped["income"] / TEN_THOUSAND).round(2).tolist(),
    })


def assets(ctx: Context) -> Section:
    """Project assets by kind and by child area: count, value, registered share, income."""
    totals = assets_by_village(ctx.area, ctx.group_level)  # per child area, summed in SQL
    section = Section("assets", t("brief_section.assets"))
    by_kind = totals.groupby("kind").sum(numeric_only=True)
    kinds = [kind for kind in ("public_welfare", "operating", "household") if kind in by_kind.index]
    kinds += sorted(set(by_kind.index) - set(kinds))
    by_kind = by_kind.reindex(kinds)
    keys = [child_key(code, ctx.group_level) for code in totals["village_code"]]
    by_area = totals.groupby(keys).sum(numeric_only=True).sort_values("value", ascending=False)
    n, value, registered = int(by_kind["assets"].sum()), float(by_kind["value"].sum()), int(by_kind["registered"].sum())
    share = round(100 * registered / n, 1) if n else 0.0
    section.figures = [KeyFigure(t("brief_kpi.assets"), n),
                       KeyFigure(t("brief_kpi.asset_value"), round(value / TEN_THOUSAND, 2), decimals=2),
                       KeyFigure(t("brief_kpi.registered_share"), share, decimals=1)]
    kind_labels = [label_of("brief_asset_kind", kind) for kind in kinds]
    section.tables = [
        Table(t("brief_table.assets_by_kind"), _asset_table(by_kind, t("brief_col.kind"), kind_labels),
              t("brief_source.assets")),
        Table(t("brief_table.assets_by_area", level=ctx.child_word),
              _asset_table(by_area, t("brief_col.area"), [ctx.name_of(code) for code in by_area.index]),
              t("brief_source.assets")),
    ]
    if not n:
        section.commentary = [t("brief_say.assets_none", area=ctx.area_name)]
        return section
    title = t("brief_chart.assets_by_kind")
    section.charts = [Chart(title, partial(build_column_chart, kind_labels,
                                           (by_kind["value"] / TEN_THOUSAND).round(2).tolist(), title, 2))]
    items = t("brief_say.kind_sep").join(
        t("brief_say.assets_kind_item", kind=label, n=number(row["assets"]),
          value=number(row["value"] / TEN_THOUSAND, 2))
        for label, (_, row) in zip(kind_labels, by_kind.iterrows()))
    say = [t("brief_say.assets_total", area=ctx.area_name, n=number(n), value=number(value / TEN_THOUSAND, 2),
             registered=number(registered), share=number(share, 1)),
           t("brief_say.assets_kind", items=items),
           # 确权 per kind (seed 002: 确权到农户或其他经营主体; seed 000 (七)): 到户类 assets belong to
           # households, 公益性 ones are handed over (移交) to their custodians.
           t("brief_say.assets_registered_by_kind", items=t("brief_say.kind_sep").join(
               t(f"brief_say.registered_{kind}", registered=number(row["registered"]), n=number(row["assets"]))
               for kind, row in by_kind.iterrows() if has_label(f"brief_say.registered_{kind}")))]
    if "operating" in by_kind.index:
        say.append(t("brief_say.assets_income", income=number(by_kind.at["operating", "income"] / TEN_THOUSAND, 2)))
    area = ctx.area
    used = asset_income_use(area.db, area.scope, area.code, area.level, area.asof)
    if used["year"] is not None and used["by_use"]:
        uses = t("brief_say.kind_sep").join(
            t("brief_say.income_use_item", use=label_of("income_use", use), amount=number(amount / TEN_THOUSAND, 2))
            for use, amount in sorted(used["by_use"].items(), key=lambda item: -item[1]))
        say.append(t("brief_say.income_use", year=used["year"], items=uses))
        say.append(t("brief_say.handed_out", n=number(len(used["handed_out"]))) if used["handed_out"]
                   else t("brief_say.handed_out_none"))
    section.commentary = say
    return section
