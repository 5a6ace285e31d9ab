"""Charts to PNG without internet: kaleido's own sync server driving the system Chromium.

The page kaleido renders in loads plotly.js from the installed plotly package (a file: URL) and
MathJax is switched off (its default is a CDN). Chromium is also given a proxy that leads nowhere,
so even a request nobody foresaw cannot leave the machine (under strace, Chromium's background
requests go to that proxy and fail; the only other socket is its IPv6-reachability probe, a UDP
connect() that sends nothing). kaleido.start_sync_server keeps one browser per process: the first
chart pays its start (a few seconds), later ones take a fraction of a second.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
import warnings
from pathlib import Path

import kaleido

from brief.figures import HEIGHT, WIDTH
from brief.model import Pack
from labels import t

BROWSER_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens, every web request fails fast
SCALE = 2  # sharp on a projector and in print
RENDER_SECONDS = 60  # kaleido's own per-chart timeout
START_SECONDS = 60  # what the first chart may add: Chromium's start
STOP_SECONDS = 10
_fresh = True  # the next call starts the browser, so it may take START_SECONDS longer
_lock = threading.Lock()  # kaleido's sync server answers one call at a time (sessions run on threads)


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
            "timeout": RENDER_SECONDS}


def _with_deadline(seconds: float, call, *args, **kwargs):
    """Run a blocking call on a daemon thread and give up after `seconds`.

    kaleido's sync server waits on its queue without a limit: if Chromium dies while starting, the
    server thread ends and a call would wait for ever. A daemon thread left waiting does not keep
    the process alive, and the page gets its answer in time.
    """
    answer: queue.Queue = queue.Queue(maxsize=1)

    def run() -> None:
        try:
            answer.put((True, call(*args, **kwargs)))
        except BaseException as error:  # handed to the caller below
            answer.put((False, error))

    threading.Thread(target=run, daemon=True, name="brief-chart-call").start()
    try:
        ok, value = answer.get(timeout=seconds)
    except queue.Empty:
        raise ChartError(t("brief.chart_timeout", seconds=int(seconds))) from None
    if not ok:
        raise value
    return value


def _stop_server() -> None:
    """Close kaleido's browser so the next chart starts a fresh one (closing a hung browser is
    given a few seconds, then left to itself)."""
    global _fresh
    _fresh = True
    try:
        _with_deadline(STOP_SECONDS, kaleido.stop_sync_server, silence_warnings=True)
    except Exception:  # already gone, or hung: nothing more to do here
        pass


def render_png(figure: object, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """One plotly figure as PNG bytes (ChartError, or the browser's own error, when it cannot)."""
    options = kaleido_options()
    if options["path"] is None:
        raise ChartError(t("brief.no_browser"))
    opts = {"format": "png", "width": width, "height": height, "scale": SCALE}
    global _fresh
    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kaleido.start_sync_server(**options, silence_warnings=True)  # once per process; later calls are no-ops
        seconds = RENDER_SECONDS + (START_SECONDS if _fresh else STOP_SECONDS)
        try:
            png = _with_deadline(seconds, kaleido.calc_fig_sync, figure, opts=opts)
        except Exception:
            _stop_server()
            raise
        _fresh = False
        return png


def render_pack_charts(pack: Pack) -> None:
    """Draw every chart of the pack into pack.images; on failure note why and carry on without them."""
    try:
        for section in pack.sections:
            for chart in section.charts:
                pack.images[id(chart)] = render_png(chart.figure)
    except Exception as error:  # a missing or broken browser must not stop the tables and text
        pack.images.clear()
        pack.chart_problem = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
