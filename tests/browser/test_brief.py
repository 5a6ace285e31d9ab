"""The 汇报材料 page in a real browser: preview, build with progress, download a pack that opens."""

from __future__ import annotations

import io

import pytest

from labels import t
from tests.browser.conftest import SCREENSHOTS, wait_for_app

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'


def _exports(db: str) -> list[str]:
    from tests.conftest import read_table

    log = read_table(db, "audit_log")
    return log.loc[log["action"] == "export", "detail"].tolist()


def test_build_and_download_a_pack(open_page, sample_db_url):
    from openpyxl import load_workbook
    from pptx import Presentation

    exported = len(_exports(sample_db_url))
    opened = open_page("/brief?asof=2026-11-20")
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0
    assert page.get_by_text(t("brief.preview"), exact=True).first.is_visible()
    assert page.get_by_role("button", name=t("brief.download_pptx")).count() == 0  # nothing built yet
    page.get_by_role("button", name=t("brief.build")).click()
    pptx_button = page.get_by_role("button", name=t("brief.download_pptx"))
    pptx_button.wait_for(timeout=120_000)
    wait_for_app(page)
    page.screenshot(path=str(SCREENSHOTS / "brief_page_built.png"), full_page=False)
    # Built and logged, but no file is served yet: nothing on the page points at /media/.
    assert [d.split(":")[0] for d in _exports(sample_db_url)[exported:]] == ["build"]
    assert not opened.received_contains("/media/")  # the server sent no file link with the page
    with page.expect_download() as pptx_download:
        pptx_button.click()
    deck = Presentation(pptx_download.value.path())
    assert pptx_download.value.suggested_filename == "brief_429999000000_2026-11-20.pptx"
    titles = [slide.shapes[0].text_frame.text for slide in deck.slides][1:]
    assert [title for title in titles if not title.endswith("）")] and len(set(titles)) >= 5  # 5 sections, tables may continue
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name=t("brief.download_xlsx")).click()
    book = load_workbook(io.BytesIO(open(xlsx_download.value.path(), "rb").read()))
    assert book.sheetnames[0] == t("brief_doc.notes_sheet")
    assert [d.split(":")[0] for d in _exports(sample_db_url)[exported:]] == ["build", "pptx", "xlsx"]
    assert page.locator(EXCEPTION).count() == 0
    assert opened.errors == [] and opened.foreign_requests == []
    page.screenshot(path=str(SCREENSHOTS / "brief_page_full.png"), full_page=True)
