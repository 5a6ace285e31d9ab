"""scripts/healthcheck.sh fails, and says why, when the app does not answer or the Leaflet files are
missing (issue 18: "missing pieces are said, not hidden")."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "healthcheck.sh"


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        ok = self.path == "/_stcore/health"
        self.send_response(200 if ok else 404)
        self.end_headers()
        self.wfile.write(b"ok" if ok else b"")

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture(scope="module")
def answering_port():
    """A stand-in for an app process: answers /_stcore/health with "ok"."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def _python(tmp_path: Path, vendor: Path | None) -> Path:
    """The interpreter the script runs `-m db check` with; with vendor, Leaflet is looked for there."""
    wrapper = tmp_path / "python"
    patch = "" if vendor is None else f"import geo.offline_map as m; m.VENDOR_DIR = pathlib.Path({str(vendor)!r}); "
    wrapper.write_text("#!/bin/sh\nshift 2\nexec " + sys.executable + " -c '"
                       "import sys, pathlib, runpy; " + patch.replace("'", '"') +
                       "sys.argv = [\"db\"] + sys.argv[1:]; runpy.run_module(\"db\", run_name=\"__main__\")' \"$@\"\n")
    wrapper.chmod(0o755)
    return wrapper


def _run(port: int, python: Path, db: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VENV_PYTHON": str(python), "DASHBOARD_DB_URL": db}
    return subprocess.run(["bash", str(SCRIPT), str(port)], capture_output=True, text=True, env=env, timeout=120)


def test_healthy_when_the_app_answers_and_the_files_are_there(answering_port, tmp_path, sample_db_url):
    vendor = tmp_path / "vendor"
    from geo.offline_map import LOCAL_ASSETS, STATIC_URL

    for url in LOCAL_ASSETS.values():  # a complete copy of the files, wherever `make assets` put them
        path = vendor / url.removeprefix(STATIC_URL + "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("/* file */", encoding="utf-8")
    done = _run(answering_port, _python(tmp_path, vendor), sample_db_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_missing_leaflet_files_fail_the_check_with_the_fix(answering_port, tmp_path, sample_db_url):
    done = _run(answering_port, _python(tmp_path, tmp_path / "no-vendor"), sample_db_url)
    assert done.returncode == 1
    assert "Leaflet file(s) missing" in done.stderr and "make assets" in done.stderr
    assert "not ok" in done.stdout


def test_an_app_that_does_not_answer_fails_the_check(tmp_path, sample_db_url):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nobody listens here once the socket is closed
    done = _run(port, _python(tmp_path, None), sample_db_url)
    assert done.returncode == 1 and f"port {port} does not answer" in done.stderr
