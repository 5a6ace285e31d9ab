"""The server imports every app module before it serves (components/preload.py)."""

from __future__ import annotations

import sys

from components.preload import PACKAGES, preload_modules


def test_every_module_of_the_app_packages_imports(caplog):
    imported = preload_modules()
    assert not [record.getMessage() for record in caplog.records if "preloading" in record.getMessage()]
    for name in ("queries.warnings", "components.wall.cockpit", "brief.pptx_writer", "db.imports.signals",
                 "geo.boundaries", "rules.warnings"):
        assert name in imported and name in sys.modules
    assert not [name for name in imported if name.endswith("__main__")]  # a command line never runs
    assert {name.split(".")[0] for name in imported} == set(PACKAGES)


def test_serve_preloads_before_it_builds_the_app():
    source = open("serve.py", encoding="utf-8").read()
    assert source.index("preload_modules()") < source.index("st.App(")


def test_the_preload_leaves_the_map_component_to_the_first_script_run():
    """streamlit_folium registers its component only when imported during a script run; preloaded, the
    map frames got a 404 (tests/browser/test_risk.py caught it)."""
    import subprocess

    found = subprocess.run([sys.executable, "-c", "import sys; from components.preload import preload_modules; "
                            "preload_modules(); print('streamlit_folium' in sys.modules, 'folium' in sys.modules)"],
                           capture_output=True, text=True, timeout=120, check=True)
    assert found.stdout.split() == ["False", "True"]
