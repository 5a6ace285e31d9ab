"""The server: Streamlit's ASGI app (st.App) running app.py, plus the route that sets the session cookie.

`streamlit run serve.py` (what `make run` does) finds the App below and serves it with uvicorn, on
--server.address/--server.port as before; `uvicorn serve:app` works too. The one extra route,
GET /auth/session, is same-origin only (components/session_route.py). Before serving, it imports
the app's modules (components/preload.py), so the first page view after a start pays for its
queries only; once started, it registers the map component (components/component_registration.py).
"""

from __future__ import annotations

import gc

import streamlit as st
from starlette.routing import Route

from components.auth_sessions import CLAIM_PATH
from components.component_registration import register_components
from components.preload import preload_modules
from components.session_route import claim_session

preload_modules()  # before the first request: a page's run must not race a background import
# The modules' objects live as long as the process: Python's full collections need not walk them.
gc.freeze()
app = st.App("app.py", routes=[Route(CLAIM_PATH, claim_session, methods=["GET"])], lifespan=register_components)
