"""Sections about the work itself: the responsibility matrix (tasks) and project assets."""

from __future__ import annotations

import pandas as pd

from brief.compare import change_phrase, day_text, number, top_items
from brief.context import Context
from brief.figures import build_column_chart, build_ranking_bar
from brief.model import Chart, KeyFigure, Section, Table
from components.labels import label_of, t
from queries.brief import asset_totals, latest_progress, overdue_milestones, task_count
from queries.scope import child_key

ITEMS, TASKS = t("brief_say.unit_items"), t("brief_say.unit_tasks")
TEN_THOUSAND = 10_000  # asset values are stored in yuan and reported in 万元


def _unit_table(progress: pd.DataFrame) -> pd.DataFrame:
    """Per unit: tasks reported on, red (overdue) and amber (at risk) ones, mean completion."""
    grouped = progress.groupby("unit_name", sort=False)
    table = pd.DataFrame({
        t("brief_col.unit"): list(grouped.groups),
        t("brief_col.reported_tasks"): grouped.size().tolist(),
        t("brief_col.red_tasks"): grouped["status"].apply(lambda s: int((s == "overdue").sum())).tolist(),
        t("brief_col.amber_tasks"): grouped["status"].apply(lambda s: int((s == "at_risk").sum())).tolist(),
        t("brief_col.percent"): grouped["percent"].mean().round(1).tolist(),
    })
    return table.sort_values([t("brief_col.red_tasks"), t("brief_col.amber_tasks")], ascending=False,
                             kind="stable").reset_index(drop=True)


def tasks(ctx: Context) -> Section:
    """Overdue milestones per task and unit (with the change), and units whose latest report is behind."""
    tasks_total = task_count(*ctx.args())
    overdue, before = overdue_milestones(*ctx.args()), overdue_milestones(*ctx.args(ctx.compare_date))
    progress = latest_progress(*ctx.args())
    late, late_before = int(overdue["overdue"].sum()), int(before["overdue"].sum())
    by_unit = overdue.groupby("unit_name", sort=False)["overdue"].sum()
    red = progress[progress["status"] == "overdue"].sort_values(["seq", "unit_code"])
    red_tasks = red.drop_duplicates("task_code")
    amber_tasks = progress.loc[progress["status"] == "at_risk", "task_code"].nunique()
    section = Section("tasks", t("brief_section.tasks"))
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
                      Table(t("brief_table.units"), _unit_table(progress), t("brief_source.tasks"))]
    if late:
        section.charts = [Chart(t("brief_chart.overdue_by_unit"),
                                build_ranking_bar(by_unit.index.tolist(), by_unit.tolist(),
                                                  t("brief_chart.overdue_by_unit")))]
    when, change = day_text(ctx.request.asof), change_phrase(late, late_before, ctx.period, ITEMS)
    if not tasks_total:
        say = [t("brief_say.tasks_none", area=ctx.area_name)]
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
    totals = asset_totals(*ctx.args())
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
    section.charts = [Chart(t("brief_chart.assets_by_kind"), build_column_chart(
        kind_labels, (by_kind["value"] / TEN_THOUSAND).round(2).tolist(), t("brief_chart.assets_by_kind"), 2))]
    items = t("brief_say.kind_sep").join(
        t("brief_say.assets_kind_item", kind=label, n=number(row["assets"]),
          value=number(row["value"] / TEN_THOUSAND, 2))
        for label, (_, row) in zip(kind_labels, by_kind.iterrows()))
    say = [t("brief_say.assets_total", area=ctx.area_name, n=number(n), value=number(value / TEN_THOUSAND, 2),
             registered=number(registered), share=number(share, 1)),
           t("brief_say.assets_kind", items=items)]
    if "operating" in by_kind.index:
        say.append(t("brief_say.assets_income", income=number(by_kind.at["operating", "income"] / TEN_THOUSAND, 2)))
    section.commentary = say
    return section
