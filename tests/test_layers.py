"""Dependencies point one way: a lower layer never imports an upper one (README, "Architecture")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each package and what it may import from the project; the leaves (labels, rules, geo) import no
# upper layer. Streamlit belongs to the frame, the views and the components only.
ALLOWED: dict[str, set[str]] = {
    "labels": set(),
    "rules": {"labels"},
    "geo": {"labels"},
    "db": {"labels", "rules", "geo"},
    "sample_data": {"db", "labels", "rules", "geo"},
    "queries": {"db", "labels", "rules", "geo"},
    "brief": {"queries", "db", "labels", "rules", "geo"},
    "components": {"brief", "queries", "db", "sample_data", "labels", "rules", "geo"},
    # Pages compose: they read the URL through components and evaluate no rule (the calendar is arithmetic).
    "views": {"components", "brief", "queries", "labels", "rules.calendar"},
}
# serve.py is the frame too: the ASGI app (st.App) that runs app.py, with its one cookie route.
STREAMLIT_ALLOWED = {"app", "serve", "views", "components"}
PROJECT = set(ALLOWED) | {"app", "serve", "bench", "tests"}


def _imports(path: Path) -> set[str]:
    """Every module a file imports (absolute imports; the project uses no relative ones)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def layer_violations(root: Path) -> list[str]:
    """Every import against the direction, as "file: imports package"."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in (".venv", "tests", "bench", ".pytest-tmp"):
            continue
        layer = relative.parts[0] if len(relative.parts) > 1 else relative.stem
        imported = _imports(path)
        if any(name.split(".")[0] == "streamlit" for name in imported) and layer not in STREAMLIT_ALLOWED:
            found.append(f"{relative.as_posix()}: imports streamlit")
        if layer not in ALLOWED:
            continue
        for name in sorted(imported):
            package = name.split(".")[0]
            if package in PROJECT and package != layer and not {package, name} & ALLOWED[layer]:
                found.append(f"{relative.as_posix()}: imports {name}")
    return found


def test_no_import_points_against_the_layers():
    assert layer_violations(ROOT) == []


@pytest.mark.parametrize("layer, line", [("queries", "import streamlit as st"),
                                         ("db", "from components.text import escape"),
                                         ("labels", "from queries.scope import Scope"),
                                         ("brief", "from components.view import View"),
                                         ("views", "from rules.warnings import household_warnings")])
def test_an_import_against_the_direction_is_found(tmp_path, layer, line):
    (tmp_path / layer).mkdir()
    (tmp_path / layer / "module.py").write_text(line + "\n", encoding="utf-8")
    assert layer_violations(tmp_path) != []


def _literal_state_keys(path: Path) -> list[int]:
    """Lines where st.session_state is read or written with a key spelled out in the file itself: a
    string in place, or a module constant holding one (not from Keys)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def is_string(node: ast.AST | None) -> bool:
        return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))

    constants = {target.id for node in tree.body if isinstance(node, ast.Assign) and is_string(node.value)
                 for target in node.targets if isinstance(target, ast.Name)}

    def spelled_out(node: ast.AST | None) -> bool:
        return is_string(node) or (isinstance(node, ast.Name) and node.id in constants)

    def is_state(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "session_state"

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and is_state(node.value) and spelled_out(node.slice):
            lines.append(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_state(node.func.value)
              and node.func.attr in ("get", "pop", "setdefault") and node.args and spelled_out(node.args[0])):
            lines.append(node.lineno)
    return sorted(lines)


def test_every_session_state_key_comes_from_keys(tmp_path):
    """Issue 13: every session-state key is named once, in components/state.py (Keys)."""
    files = [ROOT / "app.py", *(ROOT / "views").glob("*.py"), *(ROOT / "components").rglob("*.py")]
    found = {str(path.relative_to(ROOT)): lines for path in files
             if path.name != "state.py" and (lines := _literal_state_keys(path))}
    assert found == {}
    planted = tmp_path / "page.py"
    planted.write_text('import streamlit as st\nKEY = "k"\nst.session_state["x"] = 1\nst.session_state.get(f"y{1}")\n'
                       'st.session_state.pop(KEY, None)\n')
    assert _literal_state_keys(planted) == [3, 4, 5]  # views/signals.py kept three keys this way
