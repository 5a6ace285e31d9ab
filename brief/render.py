"""Charts to PNG without internet: kaleido driving the system Chromium.

The page kaleido renders in loads plotly.js from the installed plotly package (a file: URL) and
MathJax is switched off (its default is a CDN). Chromium is also given a proxy that leads nowhere,
so even a request nobody foresaw cannot leave the machine (under strace, Chromium's background
requests go to that proxy and fail; the only other socket is its IPv6-reachability probe, a UDP
connect() that sends nothing). One browser is started per process and
kept: the first chart pays its start (a few seconds), later ones take a fraction of a second.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import warnings
from pathlib import Path

from brief.figures import HEIGHT, WIDTH
from brief.model import Pack
from components.labels import t

BROWSER_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens, every web request fails fast
SCALE = 2  # sharp on a projector and in print
_lock = threading.Lock()  # one browser, one chart at a time (Streamlit serves sessions on threads)


class ChartError(RuntimeError):
    """Charts cannot be drawn here (no Chromium, or it failed); the pack is built without them."""


def browser_path() -> str | None:
    """Chromium to use: $BROWSER_PATH when it exists, else the first system browser found."""
    for candidate in (os.environ.get("BROWSER_PATH"), *BROWSER_CANDIDATES, shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def kaleido_options() -> dict:
    """What the kaleido browser is started with (offline: no MathJax, local plotly.js, dead proxy)."""
    return {"mathjax": False, "path": browser_path(), "proxy_server": DEAD_PROXY, "enable_extensions": False,
            "timeout": 60}


class _Renderer:
    """One kaleido browser on its own event-loop thread; every call has a deadline, so a browser
    that dies or hangs fails the chart (and is restarted next time) instead of hanging the page."""

    START_SECONDS, RENDER_SECONDS = 60, 60

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True, name="brief-charts").start()
        self.browser = None

    def _call(self, coroutine, seconds: float):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=seconds)

    def _start(self) -> None:
        import kaleido

        options = kaleido_options()
        if options["path"] is None:
            raise ChartError(t("brief.no_browser"))

        async def start():
            browser = kaleido.Kaleido(**options)
            await browser.open()
            return browser

        self.browser = self._call(start(), self.START_SECONDS)

    def stop(self) -> None:
        """Close the browser (best effort) so the next chart starts a fresh one."""
        browser, self.browser = self.browser, None
        if browser is not None:
            try:
                self._call(browser.close(), 10)
            except Exception:  # already gone: nothing left to close
                pass

    def render(self, figure: object, opts: dict) -> bytes:
        if self.browser is None:
            self._start()
        try:
            return self._call(self.browser.calc_fig(figure, opts=opts), self.RENDER_SECONDS)
        except Exception:
            self.stop()
            raise


_renderer: _Renderer | None = None


def render_png(figure: object, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """One plotly figure as PNG bytes (ChartError, or the browser's own error, when it cannot)."""
    global _renderer
    with _lock:
        if _renderer is None:
            _renderer = _Renderer()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _renderer.render(figure, {"format": "png", "width": width, "height": height, "scale": SCALE})


def render_pack_charts(pack: Pack) -> None:
    """Draw every chart of the pack into pack.images; on failure note why and carry on without them."""
    try:
        for section in pack.sections:
            for chart in section.charts:
                pack.images[id(chart)] = render_png(chart.figure)
    except Exception as error:  # a missing or broken browser must not stop the tables and text
        pack.images.clear()
        pack.chart_problem = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
