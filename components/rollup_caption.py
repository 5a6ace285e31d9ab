"""A small caption saying which source a page's figures come from: a fresh rollup, or the rows."""

from __future__ import annotations

import streamlit as st

from labels import t
from queries.rollups import Freshness


def rollup_caption_text(freshness: Freshness, area_level: str) -> str:
    """The caption: village level reads rows; above it, a fresh rollup, a stale one, or none."""
    if area_level == "village":
        return t("rollups.village")
    if freshness.refreshed_at is None:
        return t("rollups.missing")
    at = f"{freshness.refreshed_at:%Y-%m-%d %H:%M}"
    return t("rollups.fresh" if freshness.fresh else "rollups.stale", at=at)


def render_rollup_caption(freshness: Freshness, area_level: str) -> None:
    """Show the caption under a page's heading."""
    st.caption(rollup_caption_text(freshness, area_level))


def signal_caption_text(freshness: Freshness) -> str:
    """The signals page's caption: every level reads the per-signal rollup while it is current."""
    if freshness.refreshed_at is None:
        return t("rollups.signals_missing")
    at = f"{freshness.refreshed_at:%Y-%m-%d %H:%M}"
    return t("rollups.signals_fresh" if freshness.fresh else "rollups.signals_stale", at=at)
