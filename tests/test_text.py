"""The escaper: text from a link or the database shows as typed, never as a link, image or formatting."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from components.text import ECHO_LIMIT, echo, md_cells, md_escape, shorten
from tests.conftest import shown

HOSTILE = [
    "[登录已过期，请点此重新登录](http://127.0.0.1:9/login)![t](http://127.0.0.1:9/beacon.png)",
    "张三 http://127.0.0.1:9/x 李四",
    "见 www.example.com 或 WWW.EXAMPLE.COM",
    "<img src=http://127.0.0.1:9/a.png> <a href='http://127.0.0.1:9/'>点</a>",
    "**粗体** _斜体_ `代码` # 标题 > 引用 - 列表 1. 编号 ~~删除~~ $x$ :red[红]",
    "邮箱 someone@example.com",
    "<http://127.0.0.1:9/auto>",
    "\\[已转义\\](x)",
]
# Unescaped Markdown that makes a link, an image, an autolink or HTML: an escaped character is "\x".
_UNESCAPED = re.compile(r"(?<!\\)(?:\\\\)*[\[\]()<>!*_`#~$|]")


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_reads_as_typed_and_has_no_live_markdown(text):
    escaped = md_escape(text)
    assert shown(escaped) == text  # the reader sees exactly what was typed
    assert not _UNESCAPED.search(escaped)
    assert "://" not in escaped and "www." not in escaped.lower()  # no bare URL to autolink


def test_plain_text_is_left_alone():
    assert md_escape("示例县城关镇") == "示例县城关镇"
    assert md_escape(42) == "42"


def test_echo_cuts_long_values_with_an_ellipsis():
    long = "x" * 500
    assert shorten(long) == "x" * ECHO_LIMIT + "…"
    assert shown(echo(long)) == "x" * ECHO_LIMIT + "…"
    assert shown(echo("短")) == "短"
    assert "](" not in echo(HOSTILE[0]) and len(shown(echo(HOSTILE[0]))) == ECHO_LIMIT + 1


def test_table_cells_are_escaped_and_numbers_kept():
    table = pd.DataFrame({"名称": ["[x](http://127.0.0.1:9/)", "普通"], "数量": [3, 4]})
    escaped = md_cells(table)
    assert list(escaped.columns) == ["名称", "数量"]
    assert shown(escaped.at[0, "名称"]) == "[x](http://127.0.0.1:9/)"
    assert not _UNESCAPED.search(escaped.at[0, "名称"])
    assert escaped["数量"].tolist() == [3, 4]
