"""The village map on outlines loaded by `import-boundaries` from a Gauss-Krüger shapefile."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import shape
from sqlalchemy import create_engine, text

from db.__main__ import main
from labels import t
from tests.browser.conftest import (REPO_ROOT, SCREENSHOTS, STARTUP_SECONDS, _free_port, _health_ok, _stop,
                                    wait_for_app)
from tests.browser.test_map import ASOF, EXCEPTION, FIND_AREAS, _map_frame
from tests.conftest import copy_sample

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def imported_server(sample_db_url, tmp_path_factory):
    """The sample with its village outlines replaced by an import of a zone-38 shapefile lacking one village."""
    folder = tmp_path_factory.mktemp("imported")
    copy = folder / "imported.db"
    copy_sample(sample_db_url, copy)
    url = f"sqlite:///{copy}"
    engine = create_engine(url)
    with engine.begin() as connection:
        rows = connection.execute(text(
            "SELECT a.code, a.name, b.geojson FROM area a JOIN area_boundary b ON b.area_code = a.code "
            "WHERE a.level = 'village' ORDER BY a.code")).all()
        connection.execute(text("DELETE FROM area_boundary WHERE area_code IN "
                                "(SELECT code FROM area WHERE level = 'village')"))
    engine.dispose()
    left_out = rows[0]  # a village the bureau's file lacks: the map must list it, not fail
    kept = rows[1:]
    frame = gpd.GeoDataFrame({"ZLDWDM": [code + "0000000" for code, _, _ in kept],
                              "ZLDWMC": [name for _, name, _ in kept]},
                             geometry=[shape(json.loads(geojson)) for _, _, geojson in kept], crs="EPSG:4326")
    (folder / "shp").mkdir()
    frame.to_crs("EPSG:4526").to_file(folder / "shp" / "CJDCQ.shp", engine="pyogrio")
    archive = folder / "cjdcq.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted((folder / "shp").iterdir()):
            bundle.write(path, path.name)
    assert main(["import-boundaries", str(archive), "--level", "village", "--db", url]) == 0
    port = _free_port()
    env = {**os.environ, "DASHBOARD_DB_URL": url, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    with open(folder / "streamlit.log", "wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                   "--server.address", "127.0.0.1", "--server.headless", "true"],
                                  cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _health_ok(base):
            assert server.poll() is None and time.monotonic() < deadline, "streamlit did not start"
            time.sleep(0.5)
        yield base, left_out[0], left_out[1], [code for code, _, _ in kept]
    finally:
        _stop(server)


def test_imported_outlines_draw_and_the_village_without_one_is_listed(browser, imported_server):
    base, missing_code, missing_name, kept = imported_server
    township = missing_code[:9] + "000"
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/map?area={township}&asof={ASOF}", wait_until="domcontentloaded")
        wait_for_app(page)
        frame = _map_frame(page)
        frame.wait_for_function(f"() => {{ const {{areas}} = ({FIND_AREAS})(); return areas && areas.getLayers().length > 0; }}",
                                timeout=30_000)
        drawn = frame.evaluate(f"() => ({FIND_AREAS})().areas.getLayers().map(l => l.feature.properties.code)")
        expected = sorted(code for code in kept if code.startswith(township[:9]))
        assert sorted(drawn) == expected and missing_code not in drawn
        warning = page.get_by_text(t("map.without_boundary").rstrip("：:"), exact=False)
        warning.first.wait_for(timeout=30_000)
        alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
        assert any(missing_name in alert and missing_code in alert for alert in alerts)
        assert page.locator(EXCEPTION).count() == 0 and not errors
        page.screenshot(path=str(SCREENSHOTS / "map_imported_boundaries.png"), full_page=True)
    finally:
        context.close()
