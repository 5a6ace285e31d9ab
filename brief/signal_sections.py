"""The briefing pack's 部门预警 section: the same query functions as the /signals page."""

from __future__ import annotations

from functools import partial

from datetime import timedelta

import pandas as pd

from brief.compare import change_phrase, day_text, number
from brief.context import Context
from brief.figures import build_ranking_bar
from brief.model import Chart, KeyFigure, Section, Table
from labels import label_of, t
from queries.signals import funnel, median_days_to_verify, overdue_by_area, overdue_count, received_by_department
from rules.settings import verify_days

YEAR = timedelta(days=365)


def signals(ctx: Context) -> Section:
    """Received by department, the funnel, who is late (worst first), with written commentary."""
    a = ctx.area
    days = verify_days()
    stages = funnel(a.db, a.scope, a.code, a.level, a.asof, a.asof - YEAR)
    late = overdue_count(a.db, a.scope, a.code, a.level, a.asof, days)
    late_before = overdue_count(a.db, a.scope, a.code, a.level, ctx.compare_date, days)
    median = median_days_to_verify(a.db, a.scope, a.code, a.level, a.asof, a.asof - YEAR)
    section = Section("signals", t("brief_section.signals"))
    section.figures = [KeyFigure(label_of("signal_stage", stage), stages[stage]) for stage in stages] + \
        [KeyFigure(t("signals.col_overdue_total"), late, late - late_before)]
    received = received_by_department(a.db, a.scope, a.code, a.level, a.asof)
    if not received.empty:
        section.tables.append(Table(t("signals.received_header"), pd.DataFrame({
            t("signals.col_department"): [label_of("signal_department", c) for c in received["department"]],
            t("signals.col_week"): received["week"].tolist(), t("signals.col_month"): received["month"].tolist(),
            t("signals.col_year"): received["year"].tolist()}), t("brief_signals.source")))
    by_area = pd.DataFrame()
    if not ctx.kids.empty:
        by_area = overdue_by_area(a.db, a.scope, a.code, a.level, ctx.group_level, a.asof, days)
        by_area = by_area[by_area["overdue"] > 0]
    if not by_area.empty:
        names = [str(ctx.names.get(code, code)) for code in by_area.index]
        level = label_of("level", ctx.group_level)
        heading = t("signals.overdue_header", level=level)
        section.tables.append(Table(heading, pd.DataFrame({
            t("signals.col_area", level=level): names, t("signals.col_overdue"): by_area["overdue"].tolist(),
            t("signals.col_pending"): by_area["pending"].tolist(),
            t("signals.col_oldest"): by_area["oldest_days"].tolist()}), t("brief_signals.source")))
        section.charts = [Chart(heading, partial(build_ranking_bar, names, by_area["overdue"].tolist(), heading))]
    say = [t("brief_signals.say_funnel", date=day_text(ctx.request.asof), received=number(stages["received"]),
             sent=number(stages["sent"]), verified=number(stages["verified"]), included=number(stages["included"]))]
    if late:
        say.append(t("brief_signals.say_overdue", n=number(late), days=days,
                     change=change_phrase(late, late_before, ctx.period, t("brief_signals.items"))))
        if not by_area.empty:
            say.append(t("brief_signals.say_worst", name=str(ctx.names.get(by_area.index[0], by_area.index[0])),
                         n=number(int(by_area["overdue"].iloc[0]))))
    else:
        say.append(t("brief_signals.say_none_overdue", days=days))
    if median is not None:
        say.append(t("brief_signals.say_median", days=f"{median:g}"))
    section.commentary = say
    return section
