"""The written 督办通报 (.docx): it opens, names the units that did not report, and every number in it is
the number the 责任分工 page's queries give."""

from __future__ import annotations

import io
import subprocess
from datetime import date, datetime

import pytest
from docx import Document
from docx.oxml.ns import qn

from brief.__main__ import main as brief_cli
from brief.notice import build_notice
from brief.notice_docx import BODY_FONT, HEADING_FONT, TITLE_FONT, write_notice_docx
from db.engine import make_engine
from db.report_store import ensure_report_schema, review_report, submit_report
from labels import t
from queries.gateway import clear_caches
from queries.reports import unreported
from queries.scope import Scope
from queries.tasks import cell_status, tasks_in_scope, unit_list, unit_ranking
from rules.reports import ReportInput
from tests.conftest import copy_sample

COUNTY = "429999000000"
SCOPE = Scope(roots=((COUNTY, "county"),), household_detail=True)
ASOF = date(2026, 11, 20)


def _paragraphs(data: bytes) -> list[str]:
    return [paragraph.text for paragraph in Document(io.BytesIO(data)).paragraphs]


def test_the_notice_opens_and_its_numbers_are_the_pages(sample_db_url):
    text = "\n".join(_paragraphs(write_notice_docx(build_notice(sample_db_url, SCOPE, COUNTY, ASOF))))
    assert t("notice.title", area="示例县") in text and t("notice.date", year=2026, month=11, day=20) in text
    for heading in ("h_overall", "h_behind", "h_red", "h_late", "h_praise", "h_require"):
        assert t(f"notice.{heading}") in text
    cells = cell_status(sample_db_url, SCOPE, ASOF)
    tasks = tasks_in_scope(sample_db_url, SCOPE, ASOF)
    done_tasks = sum(bool((group["status"] == "done").all()) for _, group in cells.groupby("task_code"))
    assert t("notice.overall", tasks=len(tasks), units=cells["unit_code"].nunique(), cells=len(cells),
             done=int((cells["status"] == "done").sum()), tasks_done=done_tasks,
             average=f"{cells['percent'].fillna(0).mean():.1f}") in text
    names = unit_list(sample_db_url, SCOPE)["name"]
    owing = unreported(sample_db_url, SCOPE, ASOF)  # what the 催办 tab lists
    assert not owing.empty
    for code, group in owing.groupby("unit_code"):
        assert f"{names[code]}：{len(group)} 项任务未报，已逾期 {int(group['days_late'].max())} 天。" in text
    ranking = unit_ranking(sample_db_url, SCOPE, ASOF)  # what the 谁落后 tab ranks
    behind = ranking[(ranking["behind_tasks"] > 0) | (ranking["overdue_milestones"] > 0)]
    assert len(behind) > 0
    for row in behind.itertuples(index=False):
        assert f"{names[row.unit_code]}：滞后任务 {row.behind_tasks} 项，逾期节点 {row.overdue_milestones} 个" in text


def test_the_notice_uses_only_installed_fonts_in_the_official_sizes(sample_db_url):
    document = Document(io.BytesIO(write_notice_docx(build_notice(sample_db_url, SCOPE, COUNTY, ASOF))))
    installed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    for font in {TITLE_FONT, BODY_FONT, HEADING_FONT}:
        assert font in installed
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs]
    assert {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in runs} <= {TITLE_FONT, BODY_FONT, HEADING_FONT}
    title = next(p for p in document.paragraphs if p.text == t("notice.title", area="示例县"))
    assert title.runs[0].font.size.pt == 22 and title.runs[0].font.bold  # 2号
    body = next(p for p in document.paragraphs if p.text.startswith(t("notice.intro", date="")[:6]))
    assert body.runs[0].font.size.pt == 16  # 3号
    margins = document.sections[0]
    assert (round(margins.top_margin.mm), round(margins.left_margin.mm)) == (37, 28)


def test_a_unit_that_reports_leaves_the_list_and_the_most_improved_is_praised(sample_db_url, tmp_path):
    target = tmp_path / "notice.db"
    copy_sample(sample_db_url, target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    ensure_report_schema(engine)
    before = build_notice(url, SCOPE, COUNTY, ASOF)
    owing = unreported(url, SCOPE, ASOF)
    cells = cell_status(url, SCOPE, ASOF).set_index(["task_code", "unit_code"])
    percents = [cells.loc[(row.task_code, row.unit_code), "percent"] for row in owing.itertuples(index=False)]
    unit_code = owing.assign(percent=percents).sort_values("percent")["unit_code"].iloc[0]  # most room to improve
    for task_code in owing.loc[owing["unit_code"] == unit_code, "task_code"]:
        report = ReportInput(task_code, unit_code, 100.0, "done")
        progress_id = submit_report(engine, report, "reporter", "unit_reporter", unit_code, datetime(2026, 11, 20, 8))
        review_report(engine, progress_id, True, "", "office", "briefing", datetime(2026, 11, 20, 9))
        assert cells.loc[(task_code, unit_code), "status"] != "done"
    clear_caches()
    after = build_notice(url, SCOPE, COUNTY, ASOF)
    name = unit_list(url, SCOPE)["name"][unit_code]
    assert name in [unit.name for unit in before.late] and name not in [unit.name for unit in after.late]
    assert after.improved and after.improved[0].name == name and after.improved[0].percent_now > after.improved[0].percent_before
    text = "\n".join(_paragraphs(write_notice_docx(after)))
    assert f"1. {name}：平均完成进度由 {after.improved[0].percent_before:.1f}% 提高到 {after.improved[0].percent_now:.1f}%" in text


def test_cli_docx_writes_the_word_pack_and_the_notice(sample_db_url, tmp_path):
    assert brief_cli(["--db", sample_db_url, "--area", COUNTY, "--asof", "2026-11-20", "--out", str(tmp_path),
                      "--sections", "tasks", "--format", "docx", "--no-charts"]) == 0
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == [f"brief_{COUNTY}_2026-11-20.docx", t("notice.file", area=COUNTY, asof="2026-11-20")]
    pack = "\n".join(_paragraphs((tmp_path / written[0]).read_bytes()))
    assert t("brief_section.tasks") in pack
    notice = "\n".join(_paragraphs((tmp_path / written[1]).read_bytes()))
    assert t("notice.h_late") in notice
