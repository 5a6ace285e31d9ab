"""The production nginx configuration (deploy/nginx/) is one nginx accepts, with the parts the deployment relies on."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import server_unreachable

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_nginx_accepts_the_production_config(tmp_path: Path) -> None:
    if not Path("/usr/sbin/nginx").exists() or shutil.which("openssl") is None:
        server_unreachable("nginx or openssl not installed (make system-deps)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", str(tmp_path / "dashboard.key"), "-out", str(tmp_path / "dashboard.crt")],
                   check=True, capture_output=True)
    snippet = (DEPLOY / "nginx" / "dashboard-proxy.conf").read_text()
    (tmp_path / "dashboard-proxy.conf").write_text(snippet)
    site = (DEPLOY / "nginx" / "dashboard.conf").read_text()
    site = site.replace("/etc/nginx/tls/", f"{tmp_path}/").replace("/etc/nginx/snippets/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; include {tmp_path}/site.conf; }}\n")
    done = subprocess.run(["/usr/sbin/nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_config_has_what_the_deployment_relies_on() -> None:
    site = (DEPLOY / "nginx" / "dashboard.conf").read_text()
    snippet = (DEPLOY / "nginx" / "dashboard-proxy.conf").read_text()
    assert re.search(r"hash \$dashboard_route consistent;", site)  # sticky: a tab's websocket keeps its process
    assert len(re.findall(r"server 127\.0\.0\.1:\d+ max_fails=2 fail_timeout=10s;", site)) >= 2
    assert "HttpOnly; Secure; SameSite=Strict" in site
    # A browser's process cookie may name an app process and nothing else.
    assert re.search(r'map \$cookie_dashboard_node \$dashboard_target \{\n(    "127\.0\.0\.1:\d+" 127\.0\.0\.1:\d+;\n)+'
                     r'    default +dashboard_app;', site)
    assert "proxy_pass http://$dashboard_target;" in snippet and "error_page 502 504 = @dashboard_any;" in snippet
    assert "proxy_set_header Upgrade $http_upgrade;" in snippet
    assert "location ^~ /_stcore/metrics {\n    return 403;" in snippet
    assert "alias /opt/dashboard/static/vendor/;" in snippet and "gzip on;" in snippet
    assert "client_max_body_size 200m;" in snippet
    unit = (DEPLOY / "systemd" / "dashboard@.service").read_text()
    assert "--server.address 127.0.0.1 --server.port %i" in unit


def test_the_nightly_timer_rebuilds_the_rollups() -> None:
    """Today's warning counts exist only after a rebuild that day (README "Rollup tables")."""
    service = (DEPLOY / "systemd" / "dashboard-rollups.service").read_text()
    timer = (DEPLOY / "systemd" / "dashboard-rollups.timer").read_text()
    assert "ExecStart=/opt/dashboard/.venv/bin/python -m db refresh-rollups\n" in service
    assert "EnvironmentFile=/etc/dashboard/dashboard.env" in service  # the primary's URL
    assert re.search(r"OnCalendar=\*-\*-\* 00:\d\d:00\nPersistent=true", timer)
    if shutil.which("systemd-analyze") is None:
        return
    checked = subprocess.run(["systemd-analyze", "verify", str(DEPLOY / "systemd" / "dashboard-rollups.timer"),
                              str(DEPLOY / "systemd" / "dashboard-rollups.service")],
                             capture_output=True, text=True, timeout=60)
    complaints = [line for line in checked.stderr.splitlines() if line and "is not executable" not in line]
    assert complaints == []
