"""Time every page in headless Chromium: cold (a fresh server process, nothing cached) and warm.

`python -m bench.browser --db URL [--asof YYYY-MM-DD] [--pages overview,trends]` starts `streamlit run
serve.py` (what production runs: it imports the app's modules before it serves) once per page, opens
the page at the top area in a new browser context, and reports the seconds from navigation until
the page is complete: the script is no longer running, no status widget shows, and the page's title
is drawn. Then it opens the same page again in a new session
on the same server (warm: the query caches are filled). Runs niced; colleagues share the cores.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from components.page_registry import PAGES
from db.engine import configured_url, safe_url

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
COMPLETE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stStatusWidget"]')
        && document.querySelector('[data-testid="stMain"] h1') !== null;
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
def serving(db: str) -> Iterator[str]:
    """A fresh `streamlit run serve.py` on db (niced), stopped on exit; yields its base URL."""
    port = _free_port()
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


def time_page(browser, url: str, shot: Path | None = None) -> float:
    """Seconds from navigation until the page is complete, in a new context (a new session);
    a full-page screenshot to shot afterwards, when given (to see that the page is what was timed)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS)
        page.wait_for_timeout(200)  # let the first script run begin before asking whether it ended
        page.wait_for_function(COMPLETE_JS, timeout=TIMEOUT_MS, polling=50)
        seconds = time.perf_counter() - started - 0.2
        if shot is not None:
            page.screenshot(path=str(shot), full_page=True)
        return seconds
    finally:
        context.close()


def run(db: str, pages: list[str], asof: str | None, shots: Path | None = None) -> list[tuple[str, float, float]]:
    """(page, cold seconds, warm seconds) for each page, each cold run on a fresh server."""
    from playwright.sync_api import sync_playwright

    query = f"?asof={asof}" if asof else ""
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for name in pages:
                with serving(db) as base:
                    cold = time_page(browser, f"{base}/{name}{query}", shots / f"{name}.png" if shots else None)
                    warm = time_page(browser, f"{base}/{name}{query}")
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
    args = parser.parse_args(argv)
    db = args.db or configured_url()
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    results = run(db, [name for name in args.pages.split(",") if name], args.asof, args.shots)
    print(f"\n{safe_url(db)}\n\n| page | cold s | warm s |\n|---|---:|---:|")
    for name, cold, warm in results:
        print(f"| {name} | {cold:.2f} | {warm:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
