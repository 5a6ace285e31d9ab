"""Charts drawn by Vega-Lite (st.altair_chart), for the views a leader opens first and waits for.

A fresh browser tab spends about 1.1 s evaluating Streamlit's plotly.js bundle before it draws the
first plotly chart (traced on this GPU-less 2-core machine; a page of two small charts took 2.3-2.6 s
with plotly, 1.2-1.4 s with Vega-Lite). A view whose charts are all Vega-Lite never loads plotly.
Builders stay pure and return alt.Chart; render_vega draws one. Every text in a chart is drawn
as SVG or canvas text by Vega, never parsed as HTML.
"""

from __future__ import annotations

import altair as alt
import streamlit as st

COUNT_FORMAT = ",d"  # whole numbers with thousands separators, never 1.2k
FONT_SIZE = 13


def render_vega(chart: alt.Chart, key: str) -> None:
    """Draw a Vega-Lite chart across the column, without Vega's action menu (export, open in editor)."""
    st.altair_chart(chart.configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
                    .configure_legend(labelFontSize=FONT_SIZE, orient="top", title=None, gradientLength=360,
                                      labelOverlap="greedy"),
                    width="stretch", key=key)
