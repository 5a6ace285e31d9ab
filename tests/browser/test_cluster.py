"""The deployment under test: nginx in front of two app processes, a primary and its replica (scripts/cluster.sh up).

A browser keeps its process (routing cookie), keeps working when that process dies (its websocket
reconnects through nginx to the other), and pages keep loading with the replica stopped.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

import pytest

from tests.browser.conftest import wait_for_app
from tests.cluster.conftest import Cluster, cluster_spec, full_cluster, replicated  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.engines]

EXCEPTION = '[data-testid="stException"]'


@pytest.fixture(scope="module")
def app_server(full_cluster: Cluster) -> str:  # noqa: F811 (the pages open through nginx)
    return full_cluster.http_url


def _get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def _served(cluster: Cluster, route: str, skip: int = 0) -> list[int]:
    """The app ports that answered this routing cookie's requests, oldest first (nginx's access log).

    A request nginx had to pass on lists every process it tried: the last one answered.
    """
    lines = (cluster.folder / "nginx" / "access.log").read_text().splitlines()[skip:]
    ports = []
    for line in lines:
        found = re.search(r"upstream=(\S.*?) route=(\w+)", line)
        if found and found.group(2) == route and found.group(1) != "-":
            last = re.split(r"\s*[,:]\s+", found.group(1))[-1]  # "a, b" tried in turn; "a : b" after error_page
            ports.append(int(last.rsplit(":", 1)[1]))
    return ports


def _set_cookies(headers) -> str:
    return " | ".join(headers.get_all("Set-Cookie") or [])


def _process_of(cluster: Cluster, route: str) -> int:
    """The app port nginx sent this routing cookie's latest request to."""
    ports = _served(cluster, route)
    assert ports, f"no request with route {route} in the access log"
    return ports[-1]


def test_nginx_hands_out_a_routing_cookie_and_guards_metrics(full_cluster: Cluster) -> None:
    status, headers, _ = _get(full_cluster.http_url + "/")
    assert status == 200
    cookies = _set_cookies(headers)
    found = re.search(r"dashboard_route=\w{32}; Path=/; HttpOnly; SameSite=Strict", cookies)
    assert found, cookies
    # A browser that has its routing key is not given another one.
    route = found.group(0).split(";")[0]
    assert "dashboard_route" not in _set_cookies(_get(full_cluster.http_url + "/", {"Cookie": route})[1])
    assert _get(full_cluster.http_url + "/_stcore/metrics")[0] == 403
    # The process cookie pins a browser to an app process, never to another address on the machine.
    status, headers, _ = _get(full_cluster.http_url + "/_stcore/health",
                              {"Cookie": f"dashboard_node=127.0.0.1:{full_cluster.app_ports[1]}"})
    assert status == 200 and f"dashboard_node=127.0.0.1:{full_cluster.app_ports[1]};" in _set_cookies(headers)
    primary_port = full_cluster.primary_url.rsplit(":", 1)[1].split("/")[0]
    status, headers, _ = _get(full_cluster.http_url + "/_stcore/health",
                              {"Cookie": f"{route}; dashboard_node=127.0.0.1:{primary_port}"})
    assert status == 200
    assert any(f"dashboard_node=127.0.0.1:{port};" in _set_cookies(headers) for port in full_cluster.app_ports)


def test_leaflet_comes_from_nginx_compressed(full_cluster: Cluster) -> None:
    status, headers, body = _get(full_cluster.http_url + "/app/static/vendor/leaflet/leaflet.js",
                                 {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert "max-age=604800" in headers.get("Cache-Control", "")
    served = _logged(full_cluster, "leaflet.js")
    assert served and all("upstream=- " in line for line in served)  # no app process was asked


def _logged(cluster: Cluster, needle: str, wait_s: float = 10) -> list[str]:
    """The access-log lines holding needle, waiting for the first: nginx writes a request's line after
    it has sent the response, so a client that has read the body can be ahead of the log."""
    deadline = time.monotonic() + wait_s
    while True:
        lines = [line for line in (cluster.folder / "nginx" / "access.log").read_text().splitlines()
                 if needle in line]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_a_session_survives_the_death_of_its_process(full_cluster: Cluster, open_page) -> None:
    opened = open_page("/overview")
    page = opened.page
    route = next(c["value"] for c in page.context.cookies() if c["name"] == "dashboard_route")
    first = _process_of(full_cluster, route)
    requests_before = len((full_cluster.folder / "nginx" / "access.log").read_text().splitlines())
    full_cluster.run("kill-app", str(first))
    try:
        # Streamlit's frontend reconnects its websocket by itself; nginx sends it to the other process.
        deadline = time.monotonic() + 90
        while True:
            if any(port != first for port in _served(full_cluster, route, skip=requests_before)):
                break
            assert time.monotonic() < deadline, "the browser never reached the other process"
            page.wait_for_timeout(1000)  # not time.sleep: the fixture's request routing runs in Playwright calls
        wait_for_app(page)
        assert page.locator(EXCEPTION).count() == 0
        assert page.locator("h1").first.is_visible()
        # And it keeps working there: a page change is a rerun on the new process.
        page.goto(full_cluster.http_url + "/risk", wait_until="domcontentloaded")
        wait_for_app(page)
        assert page.locator(EXCEPTION).count() == 0 and page.locator("h1").first.is_visible()
        second = _process_of(full_cluster, route)
        assert second != first
    finally:
        full_cluster.run("start-app", str(first))
    # The dead process is back (and nginx's 10 s of leaving it out are over): the browser stays where
    # its websocket is; the map's component frame, which lives in that process, loads.
    page.wait_for_timeout(11_000)
    before = len((full_cluster.folder / "nginx" / "access.log").read_text().splitlines())
    page.goto(full_cluster.http_url + "/map", wait_until="domcontentloaded")
    wait_for_app(page)
    page.wait_for_timeout(2000)
    assert set(_served(full_cluster, route, skip=before)) == {second}
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path="test-artifacts/screenshots/cluster_after_failover.png", full_page=True)
    # The reconnected tab asks the map component's frame of a process that has drawn no map yet: it is
    # registered at start-up (components/component_registration.py), so no 404 and no console error.
    assert opened.page_errors == [] and opened.console_errors == []


def test_pages_work_with_the_replica_stopped(full_cluster: Cluster, open_page) -> None:
    full_cluster.run("stop-replica")
    try:
        for path in ("/overview", "/drill", "/map"):
            opened = open_page(path)
            assert opened.page.locator(EXCEPTION).count() == 0, path
            assert opened.page.locator("h1").first.is_visible(), path
            assert opened.errors == [], (path, opened.errors)
    finally:
        full_cluster.run("start-replica")
    logs = "".join((full_cluster.folder / f"app-{port}.log").read_text() for port in full_cluster.app_ports)
    assert "reads go to the primary" in logs
