"""Browser harness: a sample database, the real app under `streamlit run`, and headless Chromium.

Chromium is Debian's (/usr/bin/chromium, `make system-deps`), never a Playwright download. Every
request to a host other than the app's own is recorded and aborted, so a leak fails fast offline.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
STARTUP_SECONDS = 60
SETTLE_SECONDS = 1.0
RUN_TIMEOUT_MS = 90_000
# Opened at /<page>, Streamlit's frontend first probes /<page>/_stcore/health and host-config as if
# <page> were a base path, logs the 404s, then uses /_stcore/ (streamlit/streamlit#7074, open).
STREAMLIT_BASE_PATH_PROBE = re.compile(r"^/[^?#]+/_stcore/(health|host-config|allowed-message-origins)$")


@dataclass
class OpenedPage:
    """A loaded app page and what went wrong while loading it."""

    page: object  # playwright.sync_api.Page
    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    received: list[bytes] = field(default_factory=list)  # websocket frames from the server

    def received_contains(self, text: str) -> bool:
        """True when any websocket message from the server carried text (UTF-8)."""
        needle = text.encode()
        return any(needle in frame for frame in self.received)

    @property
    def errors(self) -> list[str]:
        """Console errors and uncaught page errors together."""
        return self.console_errors + self.page_errors


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _health_ok(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except OSError:
        return False


SERVED_PIDS: dict[str, int] = {}  # base URL -> process id of each app running_app serves (for the soak's memory)


@contextmanager
def running_app(db_url: str, log_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve the app (serve.py: st.App running app.py) on db_url under `streamlit run` on a free local
    port; yields its base URL."""
    if not (REPO_ROOT / "serve.py").is_file():
        pytest.skip("serve.py does not exist yet")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = log_dir / "streamlit.log"
    env = {**os.environ, "DASHBOARD_DB_URL": db_url, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    command = [str(REPO_ROOT / ".venv" / "bin" / "streamlit"), "run", "serve.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]
    if not Path(command[0]).exists():  # a venv elsewhere: use the interpreter running the tests
        command[:1] = [sys.executable, "-m", "streamlit"]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        # Healthy, and this server is the one answering: another test process may have taken the same
        # free port a moment earlier, and then this one exits ("Port ... is already in use").
        while not (_health_ok(base_url) and server.poll() is None and base_url.encode() in log_path.read_bytes()):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not become healthy (exit code {server.poll()}); log:\n"
                            + log_path.read_text(errors="replace"))
            time.sleep(0.5)
        SERVED_PIDS[base_url] = server.pid
        yield base_url
    finally:
        SERVED_PIDS.pop(base_url, None)
        _stop(server)
        log_text = log_path.read_text(errors="replace")
        if re.search(r"Traceback|Uncaught app exception", log_text):
            print(f"\n--- streamlit server log ({log_path}) ---\n{log_text}")


@pytest.fixture(scope="session")
def app_server(sample_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the sample county; a test module may override this fixture to serve another database.

    DASHBOARD_TEST_APP_URL=http://127.0.0.1:8080 runs the pages against a running deployment instead
    (scripts/cluster.sh up: nginx, two processes, the replica), e.g. `tests/browser/test_pages.py`.
    """
    deployed = os.environ.get("DASHBOARD_TEST_APP_URL", "").rstrip("/")
    if deployed:
        if not _health_ok(deployed):
            pytest.fail(f"DASHBOARD_TEST_APP_URL={deployed} does not answer /_stcore/health")
        yield deployed
        return
    with running_app(sample_db_url, tmp_path_factory.mktemp("browser-server")) as base_url:
        yield base_url


def _stop(server: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if server.poll() is not None:
            return
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent: run `make system-deps` (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


SETTLE_ROUNDS = 3


def wait_for_app(page, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until Streamlit has finished running the script and nothing reruns during a settle;
    raise when it is still running after SETTLE_ROUNDS settles (a page that keeps rerunning)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    state = None
    for _ in range(SETTLE_ROUNDS):
        page.wait_for_function(
            """() => {
                const app = document.querySelector('[data-testid="stApp"]');
                return app && app.getAttribute('data-test-script-state') === 'notRunning'
                    && !document.querySelector('[data-testid="stStatusWidget"]');
            }""",
            timeout=timeout_ms,
        )
        page.wait_for_timeout(SETTLE_SECONDS * 1000)
        state = page.get_attribute('[data-testid="stApp"]', "data-test-script-state")
        if state == "notRunning":
            return
    raise AssertionError(f"the app never settled: its script was still '{state}' after {SETTLE_ROUNDS} waits "
                         f"of {SETTLE_SECONDS:g} s each (a page that reruns itself?)")


@pytest.fixture
def open_page(browser, app_server: str, request: pytest.FixtureRequest) -> Iterator[Callable[..., OpenedPage]]:
    """Open an app path in a fresh context, wait for the run, screenshot it, report what went wrong."""
    own_host = urlsplit(app_server).netloc
    contexts = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _open(path_and_query: str = "/", viewport: tuple[int, int] = (1600, 1000)) -> OpenedPage:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                      locale="zh-CN", timezone_id="Asia/Shanghai")
        contexts.append(context)
        url = app_server + "/" + path_and_query.lstrip("/")
        opened = OpenedPage(page=None, url=url)

        def _is_foreign(target: str) -> bool:
            parts = urlsplit(target)
            return parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != own_host

        def _route(route) -> None:
            if _is_foreign(route.request.url):
                opened.foreign_requests.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        context.route("**/*", _route)
        page = context.new_page()
        opened.page = page
        def _console(msg) -> None:
            source = msg.location.get("url", "")
            parts = urlsplit(source)
            if msg.type != "error" or (
                    "404" in msg.text and parts.netloc == own_host
                    and STREAMLIT_BASE_PATH_PROBE.match(parts.path)):
                return
            opened.console_errors.append(f"{msg.text} @ {source}")

        page.on("console", _console)
        page.on("pageerror", lambda error: opened.page_errors.append(str(error)))
        def _websocket(ws) -> None:
            if _is_foreign(ws.url):
                opened.foreign_requests.append(ws.url)
            ws.on("framereceived", lambda payload: opened.received.append(
                payload if isinstance(payload, bytes) else payload.encode()))

        page.on("websocket", _websocket)
        page.goto(url, wait_until="domcontentloaded")
        wait_for_app(page)
        name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
        suffix = f"-{len(contexts)}" if len(contexts) > 1 else ""
        page.screenshot(path=str(SCREENSHOTS / f"{name}{suffix}.png"), full_page=True)
        return opened

    yield _open
    for context in contexts:
        context.close()
