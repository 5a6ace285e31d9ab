"""A PostgreSQL primary and its streaming replica (scripts/cluster.sh db-up), and the whole cluster (up).

Each session makes its own in a fresh folder on free ports, so it never meets a developer's cluster
on 8080/5433/5434. Needs the Debian packages of `make system-deps` (nginx, postgresql): skipped on a
machine without them, failed in CI, which installs them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import server_unreachable

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "cluster.sh"
HOUSEHOLDS = 1000


@dataclass
class Cluster:
    """Where a test cluster runs and how to drive it."""

    folder: Path
    env: dict[str, str]
    primary_url: str
    replica_url: str
    http_url: str
    app_ports: tuple[int, ...]

    def run(self, *args: str) -> str:
        """Run `scripts/cluster.sh ARGS` on this cluster; its output."""
        done = subprocess.run(["bash", str(SCRIPT), *args], env=self.env, capture_output=True, text=True,
                              timeout=600)
        if done.returncode != 0:
            raise AssertionError(f"cluster.sh {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _tools_present() -> bool:
    return Path("/usr/sbin/nginx").exists() and any(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))


@pytest.fixture(scope="session")
def cluster_spec() -> Iterator[Cluster]:
    """Folder, ports and URLs of this session's cluster; everything is stopped and deleted at the end."""
    if not _tools_present():
        server_unreachable("nginx or postgresql not installed (make system-deps)")
    # Not under the test's basetemp (mode 0700): as root the database runs as user postgres, who
    # must be able to reach its data folder.
    folder = Path(tempfile.mkdtemp(prefix="dashboard-cluster-"))
    folder.chmod(0o755)
    http, primary, replica, app_a, app_b = _free_ports(5)
    env = {**os.environ, "CLUSTER_DIR": str(folder), "CLUSTER_HTTP_PORT": str(http),
           "CLUSTER_PRIMARY_PORT": str(primary), "CLUSTER_REPLICA_PORT": str(replica),
           "CLUSTER_APP_PORTS": f"{app_a} {app_b}", "CLUSTER_HOUSEHOLDS": str(HOUSEHOLDS)}
    spec = Cluster(folder, env, f"postgresql+psycopg://postgres@127.0.0.1:{primary}/dashboard",
                   f"postgresql+psycopg://postgres@127.0.0.1:{replica}/dashboard", f"http://127.0.0.1:{http}",
                   (app_a, app_b))
    try:
        yield spec
    finally:
        subprocess.run(["bash", str(SCRIPT), "down", "--purge"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def replicated(cluster_spec: Cluster) -> Cluster:
    """The primary with the sample county and a streaming replica of it."""
    cluster_spec.run("db-up")
    return cluster_spec


@pytest.fixture(scope="session")
def full_cluster(replicated: Cluster) -> Cluster:
    """Everything: the databases, two app processes and nginx in front of them."""
    replicated.run("up")
    return replicated
