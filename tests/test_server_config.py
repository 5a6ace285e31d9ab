"""The server's settings that keep it offline, quiet about errors and cheap per rerun."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_no_full_collection_after_every_rerun():
    # Streamlit's default gc.collect(2) after each run held the GIL for 0.15-0.5 s: under 50 sessions
    # it cost as much CPU as the pages (README "Load and soak").
    assert config()["runner"]["postScriptGC"] is False


def test_nothing_calls_out_and_no_traceback_reaches_a_screen():
    settings = config()
    assert settings["browser"]["gatherUsageStats"] is False
    assert settings["client"]["showErrorDetails"] == "none"
    assert settings["client"]["showErrorLinks"] is False
    assert settings["server"]["fileWatcherType"] == "none"


def test_the_server_freezes_its_preloaded_modules():
    script = "import gc, serve; print(gc.get_freeze_count())"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip().splitlines()[-1]) > 100_000  # the modules' objects, out of every full pass
