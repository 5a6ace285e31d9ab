"""数据质量 in a real browser: the checks, the import history, and uploading an export (bad, then good)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from labels import label_of, t
from tests.browser.conftest import SCREENSHOTS, running_app, wait_for_app
from tests.conftest import APP_ASOF, copy_sample

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'


@pytest.fixture(scope="module")
def served_copy(sample_db_url, tmp_path_factory) -> str:
    """A copy of the sample: the upload writes into it."""
    target = tmp_path_factory.mktemp("quality-db") / "quality.db"
    copy_sample(sample_db_url, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def app_server(served_copy, tmp_path_factory):
    with running_app(served_copy, tmp_path_factory.mktemp("quality-server")) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def exports(served_copy, tmp_path_factory) -> dict[str, Path]:
    """One household of the sample's export as a good file, and the same with a bad ID number."""
    from db.engine import make_engine
    from sample_data.export_ledger import export_ledger

    folder = tmp_path_factory.mktemp("quality-files")
    full = folder / "full.csv"
    engine = make_engine(served_copy)
    export_ledger(engine, full, __import__("datetime").date.fromisoformat(APP_ASOF))
    engine.dispose()
    with open(full, encoding="utf-8-sig", newline="") as handle:
        grid = list(csv.reader(handle))
    key = grid[2].index("户编号")
    first = grid[3][key]
    rows = grid[:3] + [row for row in grid[3:] if row[key] == first]
    good, bad = folder / "一户.csv", folder / "坏证件号.csv"
    for path, grid_rows in ((good, rows), (bad, [list(r) for r in rows])):
        if path == bad:
            column = grid_rows[2].index("证件号码")
            value = grid_rows[3][column]
            grid_rows[3][column] = value[:17] + ("0" if value[17] != "0" else "1")
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(grid_rows)
    return {"good": good, "bad": bad}


def _upload(page, path: Path) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    wait_for_app(page)
    page.get_by_role("button", name=t("quality.upload_check"), exact=True).click()
    wait_for_app(page)


def test_quality_page_shows_checks_and_an_upload_refuses_then_imports(open_page, exports):
    opened = open_page(f"/quality?asof={APP_ASOF}", viewport=(1600, 1800))
    page = opened.page
    assert page.locator(EXCEPTION).count() == 0
    page.wait_for_timeout(3000)
    page.screenshot(path=str(SCREENSHOTS / "quality_checks.png"), full_page=True)
    # The tables are canvas grids: their text is in what the server sent, not in the page's DOM.
    assert opened.received_contains(label_of("quality_check", "village_no_boundary"))
    page.get_by_role("tab", name=t("quality.history_header")).click()
    wait_for_app(page)
    assert page.get_by_text(t("quality.history_empty")).is_visible()
    assert page.get_by_text(t("quality.upload_header")).is_visible()
    # Streamlit's uploader says "Upload" and "200MB per file" in English: the frame's CSS says it in Chinese.
    button = page.locator('[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"]')
    assert button.locator('[data-testid="stMarkdownContainer"]').is_hidden()  # "Upload" is not drawn …
    assert button.locator("span[data-has-shortcut]").evaluate(
        "s => getComputedStyle(s, '::after').content") == f'"{t("widget.upload_button")}"'  # … this is
    page.locator('[data-testid="stFileUploaderDropzone"]').screenshot(path=str(SCREENSHOTS / "quality_uploader.png"))

    _upload(page, exports["bad"])
    page.screenshot(path=str(SCREENSHOTS / "quality_upload_refused.png"), full_page=True)
    assert page.get_by_text(t("quality.upload_has_errors")).is_visible()
    assert page.get_by_role("button", name=t("quality.upload_import"), exact=True).count() == 0
    assert not page.get_by_text(t("quality.history_empty")).is_visible()  # the refused check is on record

    _upload(page, exports["good"])
    assert page.get_by_text(t("quality.upload_preview", errors=0, warnings=1)).is_visible()
    page.get_by_role("button", name=t("quality.upload_import"), exact=True).click()
    wait_for_app(page)
    done = page.get_by_text(t("quality.upload_done", batch=3, rows=len_rows(exports["good"]), added="",
                              updated="").split("：")[0])
    done.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "quality_upload_done.png"), full_page=True)
    assert done.is_visible()
    assert page.locator(EXCEPTION).count() == 0
    assert opened.errors == [] and opened.foreign_requests == []


def len_rows(path: Path) -> int:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 3
