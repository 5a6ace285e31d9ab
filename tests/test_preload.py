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


def test_serve_preloads_before_it_builds_the_app_and_registers_the_map_at_start():
    source = open("serve.py", encoding="utf-8").read()
    assert source.index("preload_modules()") < source.index("st.App(")
    assert "lifespan=register_components" in source


def test_a_fresh_server_serves_the_map_frame_before_any_page_ran(sample_db_url, tmp_path):
    """The frame a reconnected tab asks of a restarted process (issue 18's failover 404)."""
    import urllib.request

    from tests.browser.conftest import running_app

    with running_app(sample_db_url, tmp_path) as url:
        with urllib.request.urlopen(f"{url}/component/streamlit_folium.st_folium/index.html", timeout=30) as answer:
            assert answer.status == 200 and b"<html" in answer.read().lower()
