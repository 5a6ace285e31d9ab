"""The label catalogue: every key the code asks for exists, and Chinese stays out of the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from components import labels
from components.labels import has_label, t

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("app.py", "pages", "components", "queries", "geo", "db", "bench", "brief", "rules")
# t("section.key") and label_of("section", ...) with literal arguments
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_]+)["']""")
HAN = re.compile(r"[\u4e00-\u9fff]")


def _code_files() -> list[Path]:
    files: list[Path] = []
    for name in CODE_DIRS:
        path = ROOT / name
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def test_every_literal_label_key_exists():
    missing = {(path.relative_to(ROOT).as_posix(), key)
               for path in _code_files() for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
               if not has_label(key)}
    assert not missing


def test_ui_code_holds_no_chinese_outside_docstrings_and_comments():
    # Data tables (db/task_matrix.py's unit names, the sample generator) may hold Chinese; UI code may not.
    offenders = []
    for path in _code_files():
        if path.relative_to(ROOT).parts[0] not in ("app.py", "pages", "components"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if HAN.search(code) and not code.strip().startswith(('"""', "'''")) and '"""' not in code:
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders


def test_a_section_defined_in_two_files_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "labels_xx"
    folder.mkdir()
    (folder / "a.toml").write_text('[shared]\none = "1"\n', encoding="utf-8")
    (folder / "b.toml").write_text('[shared]\ntwo = "2"\n', encoding="utf-8")
    monkeypatch.setattr(labels, "CATALOGUE_DIR", tmp_path)
    labels._catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="shared"):
            t("shared.one", locale="xx")
    finally:
        labels._catalogue.cache_clear()


def test_catalogue_loads_every_feature_file():
    assert t("app.title") != "app.title"
    assert t("no_such.key") == "no_such.key"  # a missing key shows itself
