"""The label catalogue: every key the code asks for exists, and Chinese stays out of the code."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import labels
from labels import has_label, label_keys, t

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("app.py", "views", "components", "queries", "geo", "db", "bench", "brief", "rules")
# t("section.key") and label_of("section", ...) with literal arguments
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_]+)["']""")
# t(f"section.key_{code}") and label_of("section", code): keys the code builds from parts
FSTRING_KEY = re.compile(r"""\bt\(\s*f["']([^"']+)["']""")
SECTION_ARG = re.compile(r"""\blabel_of\(\s*["']([a-z_]+)["']""")
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


def key_pattern(template: str) -> re.Pattern:
    """An f-string key as a pattern: its literal parts exactly, each {field} one key fragment."""
    parts = re.split(r"\{[^{}]*\}", template)
    return re.compile("[a-z0-9_]+".join(re.escape(part) for part in parts) + r"\Z")


def unmatched_built_keys(files: list[Path], keys: frozenset[str]) -> set[tuple[str, str]]:
    """(file, template) of every f-string key and label_of section no catalogue key can fill."""
    missing = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        for template in FSTRING_KEY.findall(text):
            pattern = key_pattern(template)
            if not any(pattern.match(key) for key in keys):
                missing.add((name, template))
        for section in SECTION_ARG.findall(text):
            if not any(key.startswith(section + ".") for key in keys):
                missing.add((name, f"{section}.*"))
    return missing


def test_every_built_label_key_can_exist():
    files = _code_files()
    assert sum(len(FSTRING_KEY.findall(path.read_text(encoding="utf-8"))) for path in files) > 30  # it sees them
    assert not unmatched_built_keys(files, label_keys())


def test_a_built_key_without_labels_is_found(tmp_path, monkeypatch):
    code = tmp_path / "views" / "x.py"
    code.parent.mkdir()
    code.write_text('t(f"brief.download_{kind}")\nt(f"brief.uploaded_{kind}")\nlabel_of("no_such_section", c)\n')
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert unmatched_built_keys([code], label_keys()) == {("views/x.py", "brief.uploaded_{kind}"),
                                                          ("views/x.py", "no_such_section.*")}


def test_ui_code_holds_no_chinese_outside_docstrings_and_comments():
    # Data tables (db/task_matrix.py's unit names, the sample generator) may hold Chinese; UI code may not.
    offenders = []
    for path in _code_files():
        if path.relative_to(ROOT).parts[0] not in ("app.py", "views", "components"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if HAN.search(code) and not code.strip().startswith(('"""', "'''")) and '"""' not in code:
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders


def test_a_section_defined_in_two_files_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "xx"
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
