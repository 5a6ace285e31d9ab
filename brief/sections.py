"""The registry of pack sections, and assembling a pack's data from a request.

A section builder takes the resolved Context and returns a Section (title, key figures, tables,
charts, commentary). Other pages plug theirs in with register_section(); order is pack order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from brief import case_sections, indicator_sections, signal_sections, work_sections
from brief.context import Context, resolve
from brief.model import BriefRequest, Pack, Section
from queries.dataset import dataset_facts

SectionBuilder = Callable[[Context], Section]

SECTIONS: dict[str, SectionBuilder] = {
    "overview": case_sections.overview,
    "risk": case_sections.risk,
    "tasks": work_sections.tasks,
    "trends": case_sections.trends,
    "indicators": indicator_sections.indicators,
    "assets": work_sections.assets,
    "signals": signal_sections.signals,
}


def register_section(key: str, build: SectionBuilder) -> None:
    """Add (or replace) a section; the label brief_section.<key> is its title in choosers."""
    SECTIONS[key] = build


def section_keys() -> tuple[str, ...]:
    """Every registered section, in pack order."""
    return tuple(SECTIONS)


def build_pack(request: BriefRequest, progress: Callable[[str], None] | None = None) -> Pack:
    """The pack's data: every requested section built for the viewer's scope (no files yet)."""
    unknown = [key for key in request.sections if key not in SECTIONS]
    if unknown:
        raise KeyError(unknown[0])
    ctx = resolve(request)
    sections = []
    for key in request.sections or section_keys():
        if progress:
            progress(key)
        sections.append(SECTIONS[key](ctx))
    return Pack(area_code=request.area_code, area_name=ctx.area_name, asof=request.asof, compare=request.compare,
                compare_date=ctx.compare_date, sections=sections, generated_at=datetime.now().replace(microsecond=0),
                is_sample=dataset_facts(request.db).get("sample") == "1",
                unit_code=request.unit_code, unit_name=ctx.unit_name)
