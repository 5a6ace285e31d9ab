"""What a stranger and a masked role receive in a real browser, and the shipped nginx in front (issue 21).

The database-down server and the nginx proxy are started here; the masked village map uses the
shared sample-mode server, whose default persona (county leader) sees names masked.
"""

from __future__ import annotations

import re
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from components.auth_users import AUTH_FILE_ENV
from labels import t
from queries.masking import POINT_GRID_DEGREES
from tests.browser.conftest import SCREENSHOTS, _free_port, _stop, running_app, wait_for_app
from tests.conftest import read_table
from tests.security.nginx_conf import local_copy, nginx_binary

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
ASOF = "2026-11-20"
DOWN_URL = "postgresql+psycopg://dashreader:s3cretpw@127.0.0.1:{port}/monitoring_prod"
# A household point in the map's payload: [lat, lon, "#colour", ...], quotes escaped once or more.
POINT = re.compile(rb'\[(-?\d+(?:\.\d+)?), (-?\d+(?:\.\d+)?), \\*"#[0-9a-f]{6}\\*"')


def _visible_text(page) -> str:
    return page.locator('[data-testid="stApp"]').inner_text()


@pytest.fixture(scope="module")
def down_server(tmp_path_factory):
    """The app with users configured and its database unreachable."""
    folder = tmp_path_factory.mktemp("down-server")
    users = folder / "users.toml"
    users.write_text('[users.chief]\nrole = "county_leader"\npassword_hash = "scrypt$1$1$1$AA==$AA=="\n',
                     encoding="utf-8")
    port = _free_port()  # nothing listens there once the probe socket is closed
    with running_app(DOWN_URL.format(port=port), folder, {AUTH_FILE_ENV: str(users)}) as base_url:
        yield base_url, port


def test_a_stranger_sees_no_database_details_when_it_is_down(browser, down_server):
    base_url, port = down_server
    context = browser.new_context(viewport={"width": 1400, "height": 800}, locale="zh-CN")
    received: list[bytes] = []
    try:
        page = context.new_page()
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(
            payload if isinstance(payload, bytes) else payload.encode())))
        for path in ("/", "/map?area=429999101000"):
            page.goto(base_url + path, wait_until="domcontentloaded")
            wait_for_app(page)
            text = _visible_text(page)
            name = "security_database_down" + ("_map" if "map" in path else "")
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
            assert t("security.unavailable") in text and page.locator(EXCEPTION).count() == 0
            assert page.locator('[data-testid="stSidebarNav"] a').count() == 0  # no page list
            assert t("page.map") not in text and t("page.drill") not in text
            assert "Page not found" not in text
            payload = b"".join(received)
            # (Streamlit's session greeting names the main script, app.py, to every browser: not ours to hide.)
            for secret in ("dashreader", f"127.0.0.1:{port}", "monitoring_prod", "psycopg", "s3cretpw",
                           "views/", "views\\"):
                at = payload.find(secret.encode())
                assert secret not in text and at < 0, (secret, payload[max(at - 200, 0):at + 100])
    finally:
        context.close()


def _on_grid(values: list[bytes]) -> bool:
    return all(abs(float(v) / POINT_GRID_DEGREES - round(float(v) / POINT_GRID_DEGREES)) < 1e-6 for v in values)


def test_a_masked_village_map_gets_points_on_the_grid(open_page, sample_db_url):
    households = read_table(sample_db_url, "household")
    village = households["village_code"].mode()[0]
    people = households[households["village_code"] == village]
    opened = open_page(f"/map?area={village}&asof={ASOF}")
    page = opened.page
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    frame.locator(".household-cluster, .marker-cluster").first.wait_for(timeout=60_000)
    sent = POINT.findall(b"".join(opened.received))
    assert len(sent) == len(people)
    assert _on_grid([lat for lat, _ in sent]) and _on_grid([lon for _, lon in sent])
    assert not any(opened.received_contains(name) for name in people["head_name"] if len(name) > 1)
    assert page.locator(EXCEPTION).count() == 0 and opened.errors == [] and opened.foreign_requests == []
    # Zoom in on the points so the screenshot shows them on their grid, not only as clusters.
    page.locator(MAP_FRAME).element_handle().content_frame().evaluate(
        "() => { const m = Object.values(window).find(v => v instanceof L.Map); m.setZoom(16); }")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SCREENSHOTS / "security_masked_village_map.png"), full_page=True)


@pytest.fixture(scope="module")
def proxy(app_server, tmp_path_factory):
    """The shipped deploy/nginx/dashboard.conf in front of the sample-mode app, on free local ports."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx)")
    folder = tmp_path_factory.mktemp("nginx")
    http_port, https_port = _free_port(), _free_port()
    config = local_copy(folder, app_port=int(app_server.rsplit(":", 1)[1]), http_port=http_port,
                        https_port=https_port)
    server = subprocess.Popen([binary, "-c", str(config), "-p", str(folder), "-g", "daemon off;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nginx did not start: {server.stderr.read().decode(errors='replace')}")
                time.sleep(0.2)
        yield f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}"
    finally:
        _stop(server)


def _status(url: str) -> int:
    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=unverified), NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_shipped_nginx_serves_the_app_over_tls_and_refuses_metrics(browser, app_server, proxy):
    https_url, http_url = proxy
    assert _status(app_server + "/_stcore/metrics") == 200  # Streamlit itself serves them ...
    assert _status(https_url + "/_stcore/metrics") == 403  # ... the proxy does not
    assert _status(https_url + "/_stcore/metrics/") == 403
    assert _status(https_url + "/_stcore/health") == 200
    assert _status(http_url + "/drill") == 301  # plain http only redirects
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", ignore_https_errors=True)
    try:
        page = context.new_page()
        page.goto(f"{https_url}/drill?asof={ASOF}", wait_until="domcontentloaded")
        wait_for_app(page)  # the script ran: the websocket works through the proxy
        page.screenshot(path=str(SCREENSHOTS / "security_behind_nginx.png"), full_page=True)
        page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
        assert page.locator(EXCEPTION).count() == 0
    finally:
        context.close()
