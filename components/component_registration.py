"""Register the map's custom component when the server starts, not when a page first draws a map.

Streamlit registers a custom component only when `declare_component` runs during a script run, i.e.
when the first page with a map imports streamlit_folium in this process. Until then the component's
frame (`/component/streamlit_folium.st_folium/index.html`) answers 404: a tab that reconnected to a
restarted process after a failover asked for it before any run there had drawn a map (issue 18), and
the start-up preload (components/preload.py) imports the module outside any run. serve.py's lifespan
hook calls this once the runtime has started.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

LOG = logging.getLogger("dashboard.components")


def register_map_component() -> bool:
    """Register streamlit_folium's component with the running runtime; False (and a log line) when the
    library no longer exposes it as before."""
    import streamlit_folium
    from streamlit.runtime import get_instance

    component = getattr(streamlit_folium, "_component_func", None)
    registry = getattr(get_instance(), "component_registry", None)
    if component is None or registry is None:
        LOG.warning("map component not registered at start-up: the first page with a map will register it")
        return False
    registry.register_component(component)
    return True


@asynccontextmanager
async def register_components(_app: Any) -> AsyncIterator[None]:
    """st.App lifespan hook: the runtime has started when it runs."""
    register_map_component()
    yield
