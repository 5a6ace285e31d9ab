"""The shipped reverse proxy: TLS, websockets, and no /_stcore/metrics for anyone (issue 21, findings 5 and 9)."""

from __future__ import annotations

import subprocess

import pytest

from tests.security.nginx_conf import inherited, local_copy, nginx_binary, parse, shipped_text


def _servers():
    # The file is included inside nginx's http block: its servers are at its top level.
    return parse(shipped_text()).find("server")


def _tls_server():
    tls = [server for server in _servers() if any("ssl" in args for args in server.values("listen"))]
    assert len(tls) == 1, "one TLS server block"
    return tls[0]


def test_metrics_are_refused_before_anything_reaches_streamlit():
    server = _tls_server()
    metrics = [block for block in server.find("location")
               if block.args in (["=", "/_stcore/metrics"], ["^~", "/_stcore/metrics"])]
    assert metrics and metrics[0].values("return")[0][0] in ("403", "404")
    assert not metrics[0].find("proxy_pass")


def test_the_app_is_proxied_with_websocket_upgrade_and_the_client_address():
    server = _tls_server()
    root = [block for block in server.find("location") if block.args == ["/"]][0]
    assert root.values("proxy_pass")[0][0].startswith("http://")
    assert inherited("proxy_http_version", root, server) == [["1.1"]]
    headers = {args[0].lower(): args[1] for args in inherited("proxy_set_header", root, server)}
    assert headers["upgrade"] == "$http_upgrade" and headers["connection"].startswith("$")
    assert headers["x-real-ip"] == "$remote_addr"  # what the sign-in throttle counts by


def test_tls_is_the_only_way_in():
    server = _tls_server()
    assert server.values("ssl_certificate") and server.values("ssl_certificate_key")
    assert all(protocol in ("TLSv1.2", "TLSv1.3") for protocol in server.values("ssl_protocols")[0])
    plain = [block for block in _servers() if not any("ssl" in args for args in block.values("listen"))]
    assert plain, "a port-80 server that sends browsers to https"
    for block in plain:  # port 80 only redirects: no password crosses the network in clear
        assert not [location for location in block.find("location") if location.find("proxy_pass")]
        assert block.values("return")[0][0] in ("301", "308")


def test_nginx_accepts_the_file(tmp_path):
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx)")
    config = local_copy(tmp_path, http_port=18080, https_port=18443)
    checked = subprocess.run([binary, "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
