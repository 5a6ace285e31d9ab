"""Build a whole pack: data, charts, then the three documents, reporting progress as it goes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from brief.model import BriefRequest, Pack
from brief.pdf_writer import write_pdf
from brief.pptx_writer import write_pptx
from brief.render import render_pack_charts
from brief.sections import build_pack
from brief.xlsx_writer import write_xlsx

FORMATS = ("pptx", "pdf", "xlsx")
MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# Progress stages in order, each with the share of the work done once it starts.
STAGES = (("data", 0.0), ("charts", 0.3), ("pptx", 0.7), ("pdf", 0.8), ("xlsx", 0.9))
Progress = Callable[[str, float], None]


def error_text(error: BaseException) -> str:
    """The first line of an error's message (its type when it has none), for a one-line notice."""
    return str(error).splitlines()[0] if str(error) else type(error).__name__


@dataclass
class BuiltPack:
    """The pack's data and its three documents."""

    pack: Pack
    files: dict[str, bytes]

    def file_name(self, kind: str) -> str:
        """brief_<area code>_<as-of date>.<kind>: ASCII, so every mail and file system keeps it."""
        stem = re.sub(r"[^0-9A-Za-z_-]", "", f"brief_{self.pack.area_code}_{self.pack.asof.isoformat()}")
        return f"{stem}.{kind}"


def build_files(request: BriefRequest, progress: Progress | None = None, charts: bool = True) -> BuiltPack:
    """Sections for the viewer's scope, charts drawn offline, then PPTX, PDF and XLSX bytes."""
    report = progress or (lambda stage, share: None)
    shares = dict(STAGES)
    report("data", shares["data"])
    pack = build_pack(request)
    if charts:
        report("charts", shares["charts"])
        render_pack_charts(pack)
    files = {}
    for kind, writer in (("pptx", write_pptx), ("pdf", write_pdf), ("xlsx", write_xlsx)):
        report(kind, shares[kind])
        files[kind] = writer(pack)
    return BuiltPack(pack, files)
