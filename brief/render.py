"""Charts to PNG without internet: kaleido driving the system Chromium.

The page kaleido renders in loads plotly.js from the installed plotly package (a file: URL) and
MathJax is switched off (its default is a CDN). Chromium is also given a proxy that leads nowhere,
so even a request nobody foresaw cannot leave the machine. One browser is started per process and
kept: the first chart pays its start (a few seconds), later ones take a fraction of a second.
"""

from __future__ import annotations

import os
import shutil
import threading
import warnings
from pathlib import Path

from brief.figures import HEIGHT, WIDTH
from brief.model import Pack

BROWSER_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens, every web request fails fast
SCALE = 2  # sharp on a projector and in print
_lock = threading.Lock()  # kaleido's sync server answers through one queue: one caller at a time


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


def _ensure_server() -> None:
    import kaleido

    options = kaleido_options()
    if options["path"] is None:
        raise ChartError("chromium")
    kaleido.start_sync_server(**options, silence_warnings=True)


def render_png(figure: object, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """One plotly figure as PNG bytes."""
    import kaleido

    with _lock:
        _ensure_server()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = kaleido.calc_fig_sync(figure, opts={"format": "png", "width": width, "height": height,
                                                         "scale": SCALE})
    if isinstance(result, BaseException):
        raise ChartError(str(result)) from result
    return result


def render_pack_charts(pack: Pack) -> None:
    """Draw every chart of the pack into pack.images; on failure note why and carry on without them."""
    try:
        for section in pack.sections:
            for chart in section.charts:
                pack.images[id(chart)] = render_png(chart.figure)
    except Exception as error:  # a missing or broken browser must not stop the tables and text
        pack.images.clear()
        pack.chart_problem = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
