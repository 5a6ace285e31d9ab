"""The export helper: a file is made and logged on click, and never handed out without its entry."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from components.exports import ExportNotLogged, csv_bytes, logged_file


def test_a_file_is_made_and_logged_only_when_asked_for():
    made, logged = [], []
    produce = logged_file(lambda: made.append(1) or b"data", lambda what: logged.append(what) or True, "csv: x.csv")
    assert (made, logged) == ([], [])  # drawing the button makes and logs nothing
    assert produce() == b"data"
    assert (made, logged) == ([1], ["csv: x.csv"])
    produce()
    assert logged == ["csv: x.csv", "csv: x.csv"]  # every download is an entry


def test_no_entry_no_file():
    produce = logged_file(lambda: b"data", lambda what: False, "pptx: overview")
    with pytest.raises(ExportNotLogged):
        produce()


def test_csv_has_the_bom_spreadsheets_need():
    assert csv_bytes(pd.DataFrame({"区域": ["甲"]})).startswith("\ufeff".encode())


# Only components/exports.py may draw a download button: one given bytes publishes them under /media/
# before any click, unlogged (the review queue's attachments did, until this test).
REPO_ROOT = Path(__file__).resolve().parents[1]
THE_ONE_PLACE = REPO_ROOT / "components" / "exports.py"


def test_no_download_button_outside_the_exports_module():
    sources = [REPO_ROOT / "app.py", REPO_ROOT / "serve.py",
               *(REPO_ROOT / "components").rglob("*.py"), *(REPO_ROOT / "views").rglob("*.py")]
    drawn = [f"{path.relative_to(REPO_ROOT)}:{number}"
             for path in sources if path != THE_ONE_PLACE and path.exists()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\bdownload_button\(", line)]
    assert drawn == [], f"use components.exports.render_download: {drawn}"
