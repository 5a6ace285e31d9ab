"""Short versions of the long runs (README "Load and soak"): the bench scripts work end to end.

The figures of the real runs (50 sessions × 5 min, a one-hour soak) come from the scripts run by hand
against scripts/cluster.sh; here a few sessions for half a minute and the big screen for a minute
against one app process with sign-in, checking the scripts' own verdicts: no errors, no crossovers,
a clock that moves.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench import load
from tests.browser.conftest import REPO_ROOT, SERVED_PIDS, running_app
from tests.conftest import copy_sample

pytestmark = pytest.mark.browser


def _bench(module: str, *args: str) -> int:
    """Run a bench script as from the shell: its own process (its own event loop and Playwright)."""
    done = subprocess.run([sys.executable, "-m", f"bench.{module}", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=240)
    print(done.stdout[-2000:], done.stderr[-2000:])
    return done.returncode


@pytest.fixture(scope="module")
def signed_in_app(sample_db_url, tmp_path_factory):
    """The app with sign-in on: three township leaders of different townships (bench.load users)."""
    folder = tmp_path_factory.mktemp("bench")
    copy_sample(sample_db_url, folder / "bench.db")
    db = f"sqlite:///{folder / 'bench.db'}"
    users_file = load.write_users(db, folder, 3)
    with running_app(db, folder, {"DASHBOARD_AUTH_FILE": str(folder / "auth.toml")}) as base_url:
        yield base_url, users_file


def test_a_short_load_run_signs_every_session_in_and_sees_only_its_township(signed_in_app, tmp_path):
    base_url, users_file = signed_in_app
    report_file = tmp_path / "load.json"
    status = _bench("load", "--url", base_url, "--users", str(users_file), "--sessions", "3", "--minutes", "0.5",
                    "--think", "1-2", "--json", str(report_file))
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert status == 0, report
    assert report["errors"] == [] and report["crossovers"] == []
    assert report["sign_ins"] >= 3 and report["runs"] >= 3
    assert all(row["p95"] > 0 for row in report["pages"].values())


def test_a_short_soak_sees_the_wall_rotate_and_measures_the_process(signed_in_app, tmp_path):
    base_url, users_file = signed_in_app
    user = json.loads(users_file.read_text(encoding="utf-8"))["users"][0]
    report_file = tmp_path / "soak.json"
    status = _bench("soak", "--url", base_url, "--minutes", "1", "--dwell", "5", "--every", "10",
                    "--pid", str(SERVED_PIDS[base_url]), "--user", user["name"], "--password", user["password"],
                    "--json", str(report_file))
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert status == 0, {k: v for k, v in report.items() if k != "trace"}
    assert report["errors"] == [] and report["clock_stalls"] == 0
    assert len(report["trace"]) >= 4 and report["rss_mb_start"] > 50  # the app process's memory was read
    assert len({sample["page"] for sample in report["trace"]}) >= 2  # the wall moved on


DRAWN_WHEN_COMPLETE = """
import json, sys
from playwright.sync_api import sync_playwright
from bench.browser import CHROMIUM, CHROMIUM_ARGS, COMPLETE_JS, serving
with serving(sys.argv[1]) as base, sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    page = browser.new_page()
    page.goto(base + "/risk")
    page.wait_for_function(COMPLETE_JS, timeout=120_000, polling=50)
    print(json.dumps(page.evaluate('''() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                                         .map(chart => chart.querySelector('svg.marks') !== null)''')))
    browser.close()
"""


def test_the_browser_bench_times_pages_until_their_charts_have_drawn(sample_db_url, tmp_path):
    """bench.browser end to end on two pages: a figure per page, cold and warm; and when its rule says
    the risk page is complete, the page's charts have drawn, not their loading skeletons."""
    shots = tmp_path / "shots"
    assert _bench("browser", "--db", sample_db_url, "--pages", "risk,audit", "--shots", str(shots)) == 0
    assert (shots / "risk.png").stat().st_size > 0 and (shots / "audit.png").stat().st_size > 0
    # Its own process, as _bench: the Sync API refuses to run inside this session's asyncio loop.
    done = subprocess.run([sys.executable, "-c", DRAWN_WHEN_COMPLETE, sample_db_url], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    drawn = json.loads(done.stdout.strip().splitlines()[-1])
    assert drawn and all(drawn)  # the matrix and the months: both drawn when the bench says complete
