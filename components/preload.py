"""Import the app's modules when the server starts, not on the first visitor's page.

Streamlit runs a page's imports on its first run, so the first leader to open a page after a
restart waited for pandas, plotly, folium and the app's own modules to load (seconds on a busy
2-core server) before any query ran. The map module comes too: its custom component is registered
by serve.py's lifespan hook (components/component_registration.py). serve.py calls this before it
serves (not on a thread: a first visitor's run importing the same modules at the same moment could
meet the import locks).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil

LOG = logging.getLogger("dashboard.preload")
PACKAGES = ("labels", "rules", "db", "queries", "geo", "components", "brief")


def preload_modules(packages: tuple[str, ...] = PACKAGES) -> list[str]:
    """Import every module of the packages (never a __main__); returns the names imported. A module
    that fails is logged and left for the page that needs it to report."""
    imported = []
    for package_name in packages:
        package = importlib.import_module(package_name)
        imported.append(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if info.name.rsplit(".", 1)[-1] == "__main__":
                continue
            try:
                importlib.import_module(info.name)
            except Exception as error:  # noqa: BLE001 - a start-up convenience must not stop the server
                LOG.error("preloading %s failed: %s", info.name, error)
                continue
            imported.append(info.name)
    return imported
