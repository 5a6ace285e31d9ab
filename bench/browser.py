"""Time every page in headless Chromium: cold (a fresh server process, nothing cached) and warm.

`python -m bench.browser --db URL [--asof YYYY-MM-DD] [--pages overview,trends]` starts `streamlit run
serve.py` (what production runs: it imports the app's modules before it serves) once per page, opens
the page at the top area in a new browser context, and reports the seconds from navigation until
the page is complete: the script is no longer running, no status widget shows, the page's title is
drawn, no element is still a loading skeleton and every chart, plotly or Vega-Lite, has drawn
(Streamlit loads widgets and charts lazily: the script can end seconds before a cold browser has
drawn them, and the bench had stopped its clock there). Then it opens the same page again in a new session
on the same server (warm: the query caches are filled). Runs niced; colleagues share the cores.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from components.page_registry import PAGES
from db.engine import configured_url, safe_url

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
COMPLETE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    const vega = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stStatusWidget"]')
        && document.querySelector('[data-testid="stMain"] h1') !== null
        && !document.querySelector('[data-testid="stSkeleton"]')
        && charts.every(chart => chart.querySelector('.main-svg') !== null)
        && vega.every(chart => chart.querySelector('svg.marks') !== null);
}"""
TIMEOUT_MS = 300_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def serving(db: str, port: int | None = None) -> Iterator[str]:
    """A fresh `streamlit run serve.py` on db (niced), stopped on exit; yields its base URL. The same
    port each time keeps one origin, so a browser's cached assets stay valid across servers."""
    port = port or _free_port()
    env = {**os.environ, "DASHBOARD_DB_URL": db, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    command = ["nice", "-n", "19", sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _healthy(base):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (exit code {server.poll()})")
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


class PageError(RuntimeError):
    """A page ended in Streamlit's error box."""


def time_page(open_tab: Callable[[], Any], url: str, shot: Path | None = None) -> float:
    """Seconds from navigation until the page is complete, in a new tab (a new session); a
    full-page screenshot to shot afterwards, when given (to see that the page is what was timed)."""
    page = open_tab()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS)
        page.wait_for_timeout(200)  # let the first script run begin before asking whether it ended
        page.wait_for_function(COMPLETE_JS, timeout=TIMEOUT_MS, polling=50)
        seconds = time.perf_counter() - started - 0.2
        if page.locator('[data-testid="stException"]').count():  # an error box is not a page to time
            raise PageError(f"{url} shows an error: {page.locator('[data-testid=stException]').first.inner_text()}")
        if shot is not None:
            page.screenshot(path=str(shot), full_page=True)
        return seconds
    finally:
        page.close()


def run(db: str, pages: list[str], asof: str | None, shots: Path | None = None,
        empty_browser: bool = False) -> list[tuple[str, float, float]]:
    """(page, cold seconds, warm seconds) for each page, each cold run on a fresh server. By default
    the browser is a returning visitor's: Streamlit's and plotly's scripts (hashed, cached) were
    loaded once before, on an earlier server at the same address, so cold means the server's caches
    only; with empty_browser every tab also downloads and compiles them (about 2 s on this machine)."""
    from playwright.sync_api import sync_playwright

    query = f"?asof={asof}" if asof else ""
    results = []
    viewport = {"width": 1600, "height": 1000}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        if empty_browser:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            contexts = []  # a context per tab: nothing cached between them; closed with the browser

            def open_tab():
                contexts.append(browser.new_context(viewport=viewport))
                return contexts[-1].new_page()
        else:
            browser = playwright.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, viewport=viewport)
            open_tab = browser.new_page
        port = _free_port()
        try:
            if not empty_browser:
                with serving(db, port) as base:  # the visits before: every page once, assets cached
                    for name in pages:
                        time_page(open_tab, f"{base}/{name}{query}")
            for name in pages:
                with serving(db, port) as base:
                    cold = time_page(open_tab, f"{base}/{name}{query}", shots / f"{name}.png" if shots else None)
                    warm = time_page(open_tab, f"{base}/{name}{query}")
                results.append((name, cold, warm))
                print(f"{name:10s} cold {cold:6.2f} s   warm {warm:6.2f} s", flush=True)
        finally:
            browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, time the pages, print a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: $DASHBOARD_DB_URL or data/monitoring.db)")
    parser.add_argument("--asof", default=None, help="as-of date YYYY-MM-DD (default: the app's)")
    parser.add_argument("--pages", default=",".join(spec.url_path for spec in PAGES),
                        help="comma-separated url paths (default: every page)")
    parser.add_argument("--shots", type=Path, default=None, help="folder for a screenshot of each page (cold)")
    parser.add_argument("--empty-browser", action="store_true",
                        help="a browser that never saw the dashboard: every tab loads Streamlit's and plotly's scripts")
    args = parser.parse_args(argv)
    db = args.db or configured_url()
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    try:
        results = run(db, [name for name in args.pages.split(",") if name], args.asof, args.shots, args.empty_browser)
    except PageError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"\n{safe_url(db)}\n\n| page | cold s | warm s |\n|---|---:|---:|")
    for name, cold, warm in results:
        print(f"| {name} | {cold:.2f} | {warm:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
