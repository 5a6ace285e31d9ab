"""The words officials use (issue 20): one glossary in the catalogue, and the retired words
appear in no label, no string of the UI code and no briefing pack (tests/test_brief_documents.py
reads the packs)."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

import pytest

import labels
from labels import label_of, retired_words, t

ROOT = Path(__file__).resolve().parent.parent
UI_CODE = ("app.py", "views", "components", "brief", "queries", "rules")


def _ui_files() -> list[Path]:
    files: list[Path] = []
    for name in UI_CODE:
        path = ROOT / name
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def _strings(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a Python file (docstrings too; comments may quote a seed)."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [(token.start[0], token.string) for token in tokens if token.type == tokenize.STRING]


def test_the_glossary_lists_the_retired_words_and_the_terms():
    assert {"在监", "共有监测对象", "合规检查", "村庄分类", "吃穿不愁", "防返贫监测线"} <= set(retired_words())
    assert t("glossary.open_cases").startswith("风险未消除监测对象")


def test_no_label_uses_a_retired_word():
    catalogue = labels._catalogue(labels.DEFAULT_LOCALE)
    offenders = {key: value for key, value in catalogue.items()
                 if not key.startswith(f"{labels.RETIRED_SECTION}.")
                 for word in retired_words() if word in value}
    assert not offenders


def test_no_string_in_the_ui_code_uses_a_retired_word():
    offenders = [f"{path.relative_to(ROOT)}:{line} {word}" for path in _ui_files()
                 for line, text in _strings(path) for word in retired_words() if word in text]
    assert not offenders


@pytest.mark.parametrize("code, expected", [("housing", "住房出现安全问题"), ("water", "饮水安全问题")])
def test_risk_types_name_the_problem_not_the_secured_state(code, expected):
    assert label_of("risk", code) == expected != label_of("guarantee_item", code)


@pytest.mark.parametrize("code, expected", [
    ("housing", "住房安全保障"), ("water", "饮水安全保障"), ("tekun", "特困人员救助供养"),
    ("public_welfare_post", "公益性岗位"), ("finance", "金融帮扶"), ("comprehensive", "综合保障"),
    ("social", "社会帮扶"), ("motivation", "扶志扶智"), ("medical_aid", "医疗救助/资助参保"),
])
def test_measure_kinds_use_the_policy_names(code, expected):
    assert label_of("assistance_kind", code) == expected


def test_the_trends_page_is_named_for_what_it_now_is():
    assert t("page.trends") == t("trends.title") == "防止返贫监测趋势"
    assert t("guarantee_item.food_clothing") == "不愁吃、不愁穿"


def test_two_highs_and_four_nots_are_labelled_as_the_transition_periods_targets():
    """Issue 20: from 2026 两高于 and 四个不摘 are still shown, as the 2021–2025 targets, wherever shown."""
    catalogue = labels._catalogue(labels.DEFAULT_LOCALE)
    shown = {key: value for key, value in catalogue.items() if "两高于" in value or "四个不摘" in value}
    assert {"trends.two_highs_heading", "trends.second_heading", "trends.transition_targets",
            "glossary.four_nots"} <= set(shown)
    assert {key for key, value in shown.items() if "过渡期" not in value} == set()
