"""Build a whole pack: data, charts, then the four documents, reporting progress as it goes.

A pack built for a request is kept for a few minutes, server-wide, keyed by the whole request
(database, viewer scope, area, date, comparison, sections): the same request again reuses it
instead of reading the data and drawing the charts once more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from brief.docx_writer import write_docx
from brief.model import BriefRequest, Pack
from brief.pdf_writer import write_pdf
from brief.pptx_writer import write_pptx
from brief.render import render_pack_charts
from brief.sections import build_pack
from brief.xlsx_writer import write_xlsx
from queries.gateway import TtlCache

FORMATS = ("pptx", "pdf", "xlsx", "docx")
MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
WRITERS: dict[str, Callable[[Pack], bytes]] = {"pptx": write_pptx, "pdf": write_pdf, "xlsx": write_xlsx,
                                              "docx": write_docx}
# Progress stages in order, each with the share of the work done once it starts.
STAGES = (("data", 0.0), ("charts", 0.3), ("pptx", 0.7), ("pdf", 0.8), ("xlsx", 0.85), ("docx", 0.92))
PACK_TTL_SECONDS = 300  # as long as the page queries are cached: a reused pack is never staler than a page
PACK_CACHE_SIZE = 16
Progress = Callable[[str, float], None]


def error_text(error: BaseException) -> str:
    """The first line of an error's message (its type when it has none), for a one-line notice."""
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def file_name(pack: Pack, kind: str) -> str:
    """brief_<area code>[_<unit code>]_<as-of date>.<kind>: ASCII, so every mail and file system keeps it."""
    unit = f"_{pack.unit_code}" if pack.unit_code else ""
    stem = re.sub(r"[^0-9A-Za-z_-]", "", f"brief_{pack.area_code}{unit}_{pack.asof.isoformat()}")
    return f"{stem}.{kind}"


def write_file(pack: Pack, kind: str) -> bytes:
    """One document of the pack (pptx, pdf, xlsx or docx) as bytes."""
    return WRITERS[kind](pack)


@dataclass
class BuiltPack:
    """The pack's data and its four documents."""

    pack: Pack
    files: dict[str, bytes]

    def file_name(self, kind: str) -> str:
        """The document's file name (see file_name)."""
        return file_name(self.pack, kind)


PACKS = TtlCache(PACK_TTL_SECONDS, PACK_CACHE_SIZE)  # packs by request (scope included), the newest few


def reusable_pack(request: BriefRequest, charts: bool = True) -> BuiltPack | None:
    """A pack built for exactly this request (scope included) a few minutes ago, if any."""
    found, pack = PACKS.get((request, charts))
    return pack if found else None


def build_or_reuse(request: BriefRequest, progress: Progress | None = None,
                   charts: bool = True) -> tuple[BuiltPack, bool]:
    """Sections for the viewer's scope, charts drawn offline, then PPTX, PDF, XLSX and DOCX bytes; and
    whether the pack was reused from an earlier build of the same request."""
    found = reusable_pack(request, charts)
    if found is not None:
        return found, True
    report = progress or (lambda stage, share: None)
    shares = dict(STAGES)
    report("data", shares["data"])
    pack = build_pack(request)
    if charts:
        report("charts", shares["charts"])
        render_pack_charts(pack)
    files = {}
    for kind in FORMATS:
        report(kind, shares[kind])
        files[kind] = write_file(pack, kind)
    built = BuiltPack(pack, files)
    if not pack.chart_problem:  # a pack without its charts is not kept: the next try may draw them
        PACKS.put((request, charts), built)
    return built, False


def build_files(request: BriefRequest, progress: Progress | None = None, charts: bool = True) -> BuiltPack:
    """The pack and its four documents (reused when the same request was built minutes ago)."""
    return build_or_reuse(request, progress, charts)[0]
