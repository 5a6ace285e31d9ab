"""python -m brief: write a briefing pack (PPTX, PDF, XLSX, DOCX) for one area, e.g. from a weekly cron job.

With the Word format (--format docx or all) and the tasks section, the written 督办通报 is written too.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from brief.build import FORMATS, build_files, error_text
from brief.fonts import FontMissing
from brief.model import COMPARES, BriefRequest
from brief.notice import build_notice
from brief.notice_docx import write_notice_docx
from brief.sections import section_keys
from labels import t
from queries.areas import area_tree
from queries.dataset import top_areas
from queries.scope import Scope


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m brief", description=__doc__)
    parser.add_argument("--db", required=True, help="SQLAlchemy URL of the monitoring database")
    parser.add_argument("--area", required=True, help="12-digit area code")
    parser.add_argument("--asof", default=date.today().isoformat(), help="YYYY-MM-DD (default: today)")
    parser.add_argument("--out", required=True, type=Path, help="folder for the files")
    parser.add_argument("--format", choices=("all",) + FORMATS, default="all",
                        help="one document only (default: all); docx also writes the 督办通报")
    parser.add_argument("--compare", choices=COMPARES, default="week")
    parser.add_argument("--sections", default=",".join(section_keys()),
                        help=f"comma-separated, in order (default: {','.join(section_keys())})")
    parser.add_argument("--no-charts", action="store_true", help="skip the charts (no Chromium needed)")
    return parser.parse_args(argv)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Validate the arguments, build the pack for the whole dataset's scope, write the files."""
    args = _parse(argv)
    try:
        asof = date.fromisoformat(args.asof)
    except ValueError:
        return _fail(t("brief_cli.bad_date", value=args.asof))
    sections = tuple(key.strip() for key in args.sections.split(",") if key.strip())
    for key in sections:
        if key not in section_keys():
            return _fail(t("brief_cli.unknown_section", value=key, choices=",".join(section_keys())))
    try:
        roots = top_areas(args.db)
        # A scheduled job runs for the whole database, like an administrator; no personal data either way.
        scope = Scope(roots=tuple(zip(roots["code"], roots["level"])), personal_detail=False, household_detail=True)
        if args.area not in area_tree(args.db, scope).index:
            return _fail(t("brief_cli.unknown_area", value=args.area))
        started = time.perf_counter()
        built = build_files(BriefRequest(args.db, scope, args.area, asof, args.compare, sections),
                            charts=not args.no_charts)
        notice = None
        if args.format in ("all", "docx") and "tasks" in sections:
            notice = write_notice_docx(build_notice(args.db, scope, args.area, asof))
    except FontMissing as error:
        return _fail(t("brief_cli.no_font", paths=str(error)))
    except Exception as error:  # a database problem gets one line, not a traceback
        return _fail(t("brief_cli.db_error", detail=error_text(error)))
    args.out.mkdir(parents=True, exist_ok=True)
    for kind in FORMATS if args.format == "all" else (args.format,):
        path = args.out / built.file_name(kind)
        path.write_bytes(built.files[kind])
        print(t("brief_cli.written", path=path))
    if notice is not None:
        path = args.out / t("notice.file", area=args.area, asof=asof.isoformat())
        path.write_bytes(notice)
        print(t("brief_cli.written", path=path))
    if built.pack.chart_problem:
        print(t("brief.no_charts", reason=built.pack.chart_problem), file=sys.stderr)
    print(f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
