"""Sections about monitoring cases: overview (stock and flows), risk (warnings, findings), trends."""

from __future__ import annotations

from functools import partial

from datetime import date

import pandas as pd

from brief.compare import (change_phrase, compare_date, day_text, eliminated_phrase, month_text, net_phrase,
                           new_phrase, number, top_items)
from brief.context import Context
from brief.figures import build_column_chart, build_flow_chart, build_ranking_bar
from brief.model import Chart, KeyFigure, Section, Table
from labels import label_of, t
from queries.area_query import AreaQuery
from queries.compliance import finding_counts
from queries.drill import FIGURE_COLUMNS, figures_by_area, income_year
from queries.overview import FLOW_COLUMNS, case_flows_by_village
from queries.scope import child_key
from queries.trend_cases import area_totals, case_flows
from queries.warnings import warning_counts
from rules.calendar import Period
from rules.elimination import PROCEDURAL_RULES
from rules.warnings import WARNING_RULES

HOUSEHOLDS, ITEMS, RECORDS, CASES = (t("brief_say.unit_households"), t("brief_say.unit_items"),
                                     t("brief_say.unit_records"), t("brief_say.unit_cases"))


def _figures(area: AreaQuery, group_level: str) -> pd.DataFrame:
    """The drill-down's key figures (its tiles and children table), per area at group_level."""
    return figures_by_area(area.db, area.scope, area.code, area.level, group_level, area.asof)


def _own_figures(area: AreaQuery) -> pd.Series:
    figures = _figures(area, area.level)
    if figures.empty:  # an area without households: every figure is zero
        return pd.Series(0, index=[*FIGURE_COLUMNS, "open_rate"], dtype="float64")
    return figures.iloc[0]


def _flows_by(ctx: Context, level: str) -> pd.DataFrame:
    per_village = case_flows_by_village(ctx.area, ctx.compare_date)
    keys = [child_key(code, level) for code in per_village.index]
    return per_village.groupby(keys).sum().reindex(columns=list(FLOW_COLUMNS))


def _children_table(ctx: Context) -> pd.DataFrame:
    figures = _figures(ctx.area, ctx.group_level)
    table = pd.DataFrame({"code": ctx.kids["code"].tolist()}) if not ctx.kids.empty else \
        pd.DataFrame({"code": [ctx.request.area_code]})
    table = table.join(figures, on="code").join(_flows_by(ctx, ctx.group_level), on="code")
    numbers = [*FIGURE_COLUMNS, *FLOW_COLUMNS]
    table[numbers] = table[numbers].fillna(0).astype("int64")
    table["area"] = [ctx.name_of(code) for code in table["code"]]
    table = table.sort_values(["open_cases", "code"], ascending=[False, True])
    columns = ["area", "households", "open_cases", "open_rate", "new_cases", "eliminated_cases",
               "open_problems", "under_line"]
    return table[columns].rename(columns={c: t(f"brief_col.{c}") for c in columns}).reset_index(drop=True)


def _new_by_village(ctx: Context) -> dict[str, int]:
    """New cases in the window per village, named with their township (village names repeat)."""
    per_village = case_flows_by_village(ctx.area, ctx.compare_date)["new_cases"]
    return {ctx.name_of(child_key(code, "township")) + ctx.name_of(code): int(n) for code, n in per_village.items()}


def overview(ctx: Context) -> Section:
    """Open cases with the window's new and eliminated ones, problems, and the children ranked."""
    now, before = _own_figures(ctx.area), _own_figures(ctx.before)
    flows = _flows_by(ctx, ctx.group_level)
    new, gone = int(flows["new_cases"].sum()), int(flows["eliminated_cases"].sum())
    year, line = income_year(ctx.request.db, ctx.request.asof)
    section = Section("overview", t("brief_section.overview"))
    section.figures = [
        KeyFigure(t("brief_kpi.open_cases"), int(now["open_cases"]), int(now["open_cases"] - before["open_cases"])),
        KeyFigure(t("brief_kpi.new_cases"), new), KeyFigure(t("brief_kpi.eliminated_cases"), gone),
        KeyFigure(t("brief_kpi.open_problems"), int(now["open_problems"]),
                  int(now["open_problems"] - before["open_problems"])),
        KeyFigure(t("brief_kpi.under_line"), int(now["under_line"])),
    ]
    table = _children_table(ctx)
    section.tables = [Table(t("brief_table.children", level=ctx.child_word), table, t("brief_doc.two_sources", first=t("brief_source.figures"),
                                                            second=t("brief_source.flows")))]
    title = t("brief_chart.open_by_area", level=ctx.child_word)
    section.charts = [Chart(title, partial(build_ranking_bar, table[t("brief_col.area")].tolist(),
                                           table[t("brief_col.open_cases")].tolist(), title))]
    # Reports read "共有监测对象N户" as the cumulative total, so the sentence names all three.
    say = [t("brief_say.overview_stock", date=day_text(ctx.request.asof), area=ctx.area_name,
             total=number(now["open_cases"] + now["eliminated"]), removed=number(now["eliminated"]),
             open=number(now["open_cases"]), people=number(now["open_people"]), new=new_phrase(new, ctx.period, HOUSEHOLDS),
             eliminated=eliminated_phrase(gone, HOUSEHOLDS),
             change=change_phrase(now["open_cases"], before["open_cases"], ctx.period, HOUSEHOLDS)),
           t("brief_say.overview_households", households=number(now["households"]), exited=number(now["exited"]),
             rate=number(100 * now["open_cases"] / now["households"], 2) if now["households"] else number(0, 2))]
    if not ctx.kids.empty:
        names = [ctx.name_of(code) for code in flows.index]
        if new:
            say.append(t("brief_say.overview_top_new", level=ctx.child_word,
                         items=top_items(dict(zip(names, flows["new_cases"])), HOUSEHOLDS)))
        if new and ctx.group_level != "village":
            say.append(t("brief_say.overview_top_villages", items=top_items(_new_by_village(ctx), HOUSEHOLDS)))
        ranked = dict(zip(table[t("brief_col.area")], table[t("brief_col.open_cases")]))
        if now["open_cases"]:
            say.append(t("brief_say.overview_top_open", level=ctx.child_word, items=top_items(ranked, HOUSEHOLDS)))
    say.append(t("brief_say.overview_problems", n=number(now["open_problems"]),
                 change=change_phrase(now["open_problems"], before["open_problems"], ctx.period, ITEMS)))
    if year is not None:
        say.append(t("brief_say.overview_under_line", year=year, line=number(line), n=number(now["under_line"])))
    section.commentary = say
    return section


def _warning_totals(area: AreaQuery, group_level: str) -> pd.DataFrame:
    """The drill-down's warning counts (its tab's total) per area at group_level."""
    return warning_counts(area.db, area.scope, area.code, area.level, group_level, area.asof)


def risk(ctx: Context) -> Section:
    """Warnings by rule and by child area (with the change), compliance findings by rule."""
    counts, before = _warning_totals(ctx.area, ctx.group_level), _warning_totals(ctx.before, ctx.group_level)
    total, total_before = int(counts["total"].sum()), int(before["total"].sum())
    by_rule = {label_of("warning_rule", code): int(counts[code].sum()) for code in WARNING_RULES}
    a = ctx.area
    counted = finding_counts(a.db, a.scope, a.code, a.level, a.asof)
    by_finding = {label_of("compliance_rule", code): counted[code] for code in PROCEDURAL_RULES}
    findings = sum(counted.values())
    section = Section("risk", t("brief_section.risk"))
    section.figures = [KeyFigure(t("brief_kpi.warnings"), total, total - total_before)]
    section.figures += [KeyFigure(label, n) for label, n in list(by_rule.items())[:3]]
    section.figures.append(KeyFigure(t("brief_kpi.findings"), findings))
    rule_col, count_col = t("brief_col.rule"), t("brief_col.count")
    rule_table = pd.DataFrame({rule_col: list(by_rule), count_col: list(by_rule.values())})
    area_table = counts.reindex([code for code in (ctx.kids["code"] if not ctx.kids.empty
                                                   else [ctx.request.area_code])]).fillna(0).astype("int64")
    area_table.insert(0, "area", [ctx.name_of(code) for code in area_table.index])
    area_table = area_table.sort_values("total", ascending=False, kind="stable").reset_index(drop=True)
    area_table = area_table.rename(columns={"area": t("brief_col.area"), "total": t("brief_col.total"),
                                            **{code: label_of("warning_rule", code) for code in WARNING_RULES}})
    finding_table = pd.DataFrame({rule_col: list(by_finding), count_col: list(by_finding.values())})
    # By area first: the slide shows the first table, and the chart already shows the rules.
    section.tables = [Table(t("brief_table.warnings_by_area", level=ctx.child_word), area_table,
                            t("brief_source.warnings")),
                      Table(t("brief_table.warnings_by_rule"), rule_table, t("brief_source.warnings")),
                      Table(t("brief_table.findings_by_rule"), finding_table, t("brief_source.findings"))]
    title = t("brief_chart.warnings_by_rule")
    section.charts = [Chart(title, partial(build_column_chart, list(by_rule), list(by_rule.values()), title))]
    change = change_phrase(total, total_before, ctx.period, RECORDS)
    say_args = {"date": day_text(ctx.request.asof), "area": ctx.area_name, "change": change}
    # 应纳未纳 first: the check the seeds stress most (早发现, 应纳尽纳), whatever the other counts.
    should = int(counts["should_monitor"].sum())
    year, _ = income_year(ctx.request.db, ctx.request.asof)
    should_line = (t("brief_say.risk_should_monitor", n=number(should), year=year) if should and year
                   else t("brief_say.risk_should_monitor_none"))
    if total:
        say = [should_line, t("brief_say.risk_total", n=number(total), **say_args)]
        top_rule, top_n = sorted(by_rule.items(), key=lambda item: -item[1])[0]
        say.append(t("brief_say.risk_top_rule", rule=top_rule, n=number(top_n)))
        if not ctx.kids.empty:
            ranked = dict(zip(area_table[t("brief_col.area")], area_table[t("brief_col.total")]))
            say.append(t("brief_say.risk_top_area", level=ctx.child_word, items=top_items(ranked, RECORDS)))
    else:
        say = [should_line, t("brief_say.risk_none", **say_args)]
    say.append(t("brief_say.risk_findings", n=number(findings), items=top_items(by_finding, CASES, limit=5))
               if findings else t("brief_say.risk_findings_none"))
    section.commentary = say
    return section


def _first_of_month(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _flow_totals(area: AreaQuery, since: date) -> pd.Series:
    return case_flows_by_village(area, since).sum().reindex(list(FLOW_COLUMNS)).fillna(0).astype("int64")


def monthly_flows(area: AreaQuery, first: date) -> pd.DataFrame:
    """The trends page's monthly series of the area itself (identified, eliminated) from first's month."""
    flows = case_flows(area.db, area.scope, area.code, area.level, area.level, Period(first, area.asof))
    totals = area_totals(flows).set_index("month").reindex(Period(first, area.asof).months()).fillna(0)
    return pd.DataFrame({"month": totals.index, "new_cases": totals["identified"].astype("int64").to_numpy(),
                         "eliminated_cases": totals["eliminated"].astype("int64").to_numpy()})


def trends(ctx: Context) -> Section:
    """Monthly new and eliminated cases over the window (12 months, 24 for a yearly comparison)."""
    asof = ctx.request.asof
    months = 24 if ctx.request.compare == "year" else 12
    flows = monthly_flows(ctx.area, _first_of_month(asof, 23))  # 24 months: the 同比 needs both years
    shown = flows.tail(months).reset_index(drop=True)
    new, gone = int(shown["new_cases"].sum()), int(shown["eliminated_cases"].sum())
    section = Section("trends", t("brief_section.trends"))
    section.figures = [KeyFigure(t("brief_kpi.window_new"), new), KeyFigure(t("brief_kpi.window_eliminated"), gone)]
    newest_first = shown.iloc[::-1]  # the slide has room for the latest months; the chart runs forward
    table = pd.DataFrame({t("brief_col.month"): [month_text(m) for m in newest_first["month"]],
                          t("brief_chart.new_cases"): newest_first["new_cases"],
                          t("brief_chart.eliminated_cases"): newest_first["eliminated_cases"],
                          t("brief_col.net"): newest_first["new_cases"] - newest_first["eliminated_cases"]})
    table = table.reset_index(drop=True)
    section.tables = [Table(t("brief_table.monthly"), table, t("brief_source.flows"))]
    section.charts = [Chart(t("brief_chart.monthly"), partial(
        build_flow_chart, shown["month"].tolist(), shown["new_cases"].tolist(), shown["eliminated_cases"].tolist(),
        t("brief_chart.monthly"), t("brief_chart.new_cases"), t("brief_chart.eliminated_cases")))]
    say = [t("brief_say.trends_window", start=day_text(_first_of_month(asof, months - 1), with_year=True),
             end=day_text(asof, with_year=True), area=ctx.area_name, new=number(new), eliminated=number(gone),
             net=net_phrase(new - gone))]
    if new:
        peak = shown.sort_values(["new_cases", "month"], ascending=[False, False]).iloc[0]
        say.append(t("brief_say.trends_peak", month=month_text(peak["month"]), n=number(peak["new_cases"])))
    # 同比 over exact 12-month windows ending on the as-of date and a year before it.
    year_ago = compare_date(asof, "year")
    last, prior = (_flow_totals(ctx.area, year_ago),
                   _flow_totals(ctx.area.on(year_ago), compare_date(year_ago, "year")))
    last_year = t("brief_say.trends_last_year")
    say.append(t("brief_say.trends_yoy", new=number(last["new_cases"]),
                 new_change=change_phrase(last["new_cases"], prior["new_cases"], last_year, HOUSEHOLDS),
                 eliminated=number(last["eliminated_cases"]),
                 eliminated_change=change_phrase(last["eliminated_cases"], prior["eliminated_cases"],
                                                 last_year, HOUSEHOLDS)))
    section.commentary = say
    return section
