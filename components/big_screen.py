"""Big-screen mode for the weekly dispatch meeting (?screen=1): dark and large, no sidebar,
a clock, and a playlist of pages that rotates until paused (space bar; the button that carries
the shortcut is moved off the wall, whose bottom line says what plays next). Each page draws its
own composed layout for the wall (components/wall/).

The rotation runs on the server: a fragment that reruns every `dwell` seconds switches to the
next page, so a page changes in place without a full reload; the browser reloads itself every few
hours so a screen left on for days does not creep in memory.
"""

from __future__ import annotations

import html
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import streamlit as st

from labels import t
from components.page_params import NEVER_ON_SCREEN, big_screen as big_screen_params
from components.page_registry import PAGES
from components.state import Keys
from components.url_params import parse_declared
from components.url_state import open_page
from components.wall.frame import stylesheet as wall_stylesheet

DEFAULT_DWELL_SECONDS = 60
RELOAD_HOURS = 4


@dataclass(frozen=True)
class ScreenSettings:
    """How the big screen rotates: seconds per page and an explicit playlist (None: by change)."""

    dwell: int = DEFAULT_DWELL_SECONDS
    playlist: tuple[str, ...] | None = None
    problems: tuple[tuple[str, str], ...] = ()


def screen_settings(raw: Mapping[str, str], env: Mapping[str, str] = os.environ) -> ScreenSettings:
    """Dwell and playlist from the URL (`dwell`, `playlist`), else DASHBOARD_SCREEN_DWELL/_PLAYLIST."""
    given = {"dwell": raw.get("dwell") or env.get("DASHBOARD_SCREEN_DWELL"),
             "playlist": raw.get("playlist") or env.get("DASHBOARD_SCREEN_PLAYLIST")}
    values, problems = parse_declared(big_screen_params(), given)
    return ScreenSettings(values["dwell"] or DEFAULT_DWELL_SECONDS, values["playlist"] or None, problems)


def build_playlist(change_scores: Mapping[str, int], configured: tuple[str, ...] | None,
                   allowed: frozenset[str] | None = None) -> list[str]:
    """The pages in rotation (of those the viewer may open): as configured, else the cockpit first,
    then the most changed pages."""
    available = [spec.url_path for spec in PAGES if spec.url_path not in NEVER_ON_SCREEN
                 and (allowed is None or spec.url_path in allowed)]
    if configured:
        return [name for name in configured if name in available]
    rest = sorted((name for name in available if name != "overview"),
                  key=lambda name: (-change_scores.get(name, 0), available.index(name)))
    return (["overview"] if "overview" in available else []) + rest


def next_page(playlist: list[str], current: str) -> str:
    """The page after current in the playlist (the first one when current is not in it)."""
    if current not in playlist:
        return playlist[0]
    return playlist[(playlist.index(current) + 1) % len(playlist)]


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    return (Path(__file__).with_name("big_screen.css")).read_text(encoding="utf-8")


def _clock_script(asof_text: str) -> str:
    # Runs in the page: the clock ticks in the browser (no rerun per second), and a full reload
    # every few hours releases whatever the page has accumulated.
    return f"""
<script>
(() => {{
  const tick = () => {{
    const el = document.getElementById('screen-clock');
    if (el) el.textContent = new Date().toLocaleString('zh-CN', {{hour12: false}});
  }};
  if (!window.__screenClock) {{ window.__screenClock = setInterval(tick, 1000); }}
  tick();
  if (!window.__screenReload) {{
    window.__screenReload = setTimeout(() => location.reload(), {RELOAD_HOURS * 3600 * 1000});
  }}
}})();
</script>
<div class="screen-bar"><span><b>{html.escape(t('app.title'))}</b>　{html.escape(asof_text)}</span>
<span>{html.escape(t('screen.clock_label'))} <span id="screen-clock" class="screen-clock"></span></span></div>
"""


def render_screen_frame(area_name: str, asof_text: str) -> None:
    """The dark theme, the bar with area, data date and clock (call before the page runs)."""
    st.html(f"<style>{_stylesheet()}{wall_stylesheet()}</style>")
    st.html(_clock_script(f"{area_name}　{t('screen.asof_label')} {asof_text}"), unsafe_allow_javascript=True)


def _toggle_pause() -> None:
    paused = not st.session_state.get(Keys.SCREEN_PAUSED, False)
    st.session_state[Keys.SCREEN_PAUSED] = paused
    st.session_state[Keys.SCREEN_SHOWN_AT] = time.monotonic()  # resuming gives the page its full dwell


def page_title(url_path: str) -> str:
    """The catalogue title of a page (each page names its own label key)."""
    spec = next((spec for spec in PAGES if spec.url_path == url_path), None)
    return t(spec.label_key) if spec else url_path


def rotation_html(paused: bool, dwell: int, upcoming: str) -> str:
    """The line at the wall's bottom edge: playing or paused, the next page, how to pause."""
    state = t("wall.rotation_paused") if paused else t("wall.rotation_playing", seconds=dwell)
    return (f'<div class="wall-rotation"><b>{html.escape(state)}</b>'
            f'<span>{html.escape(t("wall.rotation_next", page=upcoming))}</span>'
            f'<span>{html.escape(t("wall.rotation_hint"))}</span></div>')


def render_rotation(current: str, playlist: list[str], dwell: int, query: dict[str, str]) -> None:
    """The pause button (also the space bar) and the timer that moves to the next page."""
    if not playlist:
        return
    if st.session_state.get(Keys.SCREEN_PAGE) != current:
        st.session_state[Keys.SCREEN_PAGE] = current
        st.session_state[Keys.SCREEN_SHOWN_AT] = time.monotonic()
    paused = st.session_state.get(Keys.SCREEN_PAUSED, False)
    upcoming = next_page(playlist, current)
    st.html(rotation_html(paused, dwell, page_title(upcoming)))
    # The space bar pauses; the button itself is moved off the wall (no control on screen).
    st.button(t("screen.paused") if paused else t("screen.playing", seconds=dwell), key=Keys.SCREEN_PAUSE_BUTTON,
              on_click=_toggle_pause, type="tertiary", shortcut="Space")

    @st.fragment(run_every=dwell)
    def advance() -> None:
        if st.session_state.get(Keys.SCREEN_PAUSED, False) or len(playlist) < 2:
            return
        if time.monotonic() - st.session_state.get(Keys.SCREEN_SHOWN_AT, 0.0) >= dwell - 0.5:
            spec = next(spec for spec in PAGES if spec.url_path == upcoming)
            open_page(str(spec.path), query)

    advance()
