"""Soak: the big screen rotating in headless Chromium for a while, watching memory, the clock and errors.

    python -m bench.soak --url http://127.0.0.1:8080 --minutes 60 [--dwell 5] [--pid-file .cluster/app-8601.pid …]

Opens `?screen=1&dwell=N` (sample mode: no sign-in; or --user/--password through the sign-in form)
and samples every --every seconds: the app processes' resident memory (the pids in --pid-file(s) and
their children), the page's JS heap (Chromium's performance.memory after a forced GC is not
available to pages, so the used heap as is), whether the clock moved since the last sample, which
page is on the wall, exceptions and console errors. Reports start/end and the growth per hour (a
least-squares slope over the second half of the run, after caches have filled).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--enable-precise-memory-info"]


def tree_rss_kb(pid: int) -> int:
    """Resident kB of a process and its descendants (0 when it is gone)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        todo.extend(children.get(current, []))
    return total


def slope_per_hour(samples: list[tuple[float, float]]) -> float:
    """Least-squares growth per hour of (seconds, value) samples."""
    if len(samples) < 3:
        return 0.0
    xs, ys = [s[0] for s in samples], [s[1] for s in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return 0.0 if var == 0 else sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var * 3600


def run(url: str, minutes: float, dwell: int, every: float, pids: list[int], user: str | None,
        password: str | None) -> dict:
    """Drive the wall and sample; the report as a dict."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    samples = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN",
                                timezone_id="Asia/Shanghai")
        page.on("console", lambda msg: errors.append(f"console: {msg.text[:200]}") if msg.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(f"page: {str(error)[:200]}"))
        page.goto(f"{url.rstrip('/')}/?screen=1&dwell={dwell}", wait_until="domcontentloaded")
        if user:
            page.locator("input[type=text]").first.fill(user)
            page.locator("input[type=password]").first.fill(password or "")
            page.keyboard.press("Enter")
        page.wait_for_selector("#screen-clock", timeout=180_000)
        started = time.monotonic()
        last_clock, stalls, pages_seen = None, 0, []
        while time.monotonic() - started < minutes * 60:
            time.sleep(every)
            elapsed = time.monotonic() - started
            clock = page.evaluate("() => document.getElementById('screen-clock')?.textContent || ''")
            heading = page.evaluate("() => location.pathname")
            heap = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : 0")
            exceptions = page.locator('[data-testid="stException"]').count()
            if exceptions:
                errors.append(f"exception on {heading} at {elapsed:.0f} s")
            if clock == last_clock:
                stalls += 1
            last_clock = clock
            pages_seen.append(heading)
            samples.append({"t": round(elapsed), "rss_mb": round(sum(tree_rss_kb(p) for p in pids) / 1024, 1),
                            "heap_mb": round(heap / 2**20, 1), "clock": clock, "page": heading})
        browser.close()
    half = [s for s in samples if s["t"] >= samples[-1]["t"] / 2] if samples else []
    return {
        "minutes": minutes, "dwell": dwell, "samples": len(samples),
        "pages_seen": sorted(set(pages_seen)),
        "rss_mb_start": samples[0]["rss_mb"] if samples else None,
        "rss_mb_end": samples[-1]["rss_mb"] if samples else None,
        "rss_mb_per_hour": round(slope_per_hour([(s["t"], s["rss_mb"]) for s in half]), 1),
        "heap_mb_start": samples[0]["heap_mb"] if samples else None,
        "heap_mb_end": samples[-1]["heap_mb"] if samples else None,
        "heap_mb_per_hour": round(slope_per_hour([(s["t"], s["heap_mb"]) for s in half]), 1),
        "clock_stalls": stalls, "errors": errors, "trace": samples,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print its report (exit 1 on an error or a clock that stopped)."""
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--url", required=True)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--dwell", type=int, default=5)
    parser.add_argument("--every", type=float, default=15.0, help="seconds between samples (default 15)")
    parser.add_argument("--pid-file", action="append", default=[], type=Path,
                        help="an app process's pid file (repeat; e.g. .cluster/app-8601.pid)")
    parser.add_argument("--pid", action="append", default=[], type=int)
    parser.add_argument("--user", default=None)
    parser.add_argument("--password", default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    pids = args.pid + [int(path.read_text().strip()) for path in args.pid_file]
    report = run(args.url, args.minutes, args.dwell, args.every, pids, args.user, args.password)
    text = json.dumps({k: v for k, v in report.items() if k != "trace"}, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)  # bench/results/ is git-ignored: absent in a clone
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if report["errors"] or report["clock_stalls"] else 0


if __name__ == "__main__":
    sys.exit(main())
