"""Pure SVG builders for the wall: a choropleth map, line and bar charts, a heatmap.

Each returns an <svg> string with a viewBox and no fixed size, so CSS gives it the size of its
panel; text sizes are in viewBox units chosen for the panel's shape. Everything from the database
is escaped.
"""

from __future__ import annotations

import base64
import math
from html import escape
from typing import Iterable, Mapping, Sequence

from labels import t

TEXT = "#e6edf3"
MUTED = "#a9b8c9"
GRID = "#2a3a55"
HALO = "#0b1220"
SERIES_COLOURS = ("#5ab0ff", "#ff7b72", "#3fd18b", "#f2c14e", "#c39bff")
FONT = "Noto Sans CJK SC, Droid Sans Fallback, sans-serif"
SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" font-family="' + FONT + '" '


def as_image(svg: str, css_class: str, alt: str = "") -> str:
    """An SVG as an <img> (st.html keeps only HTML tags, and an image scales with its box)."""
    if not svg:
        return ""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="{css_class}" alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}">'


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _rings(geometry: Mapping) -> Iterable[Sequence[Sequence[float]]]:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        yield from coordinates
    elif kind == "MultiPolygon":
        for polygon in coordinates:
            yield from polygon


def _bounds(geometries: Mapping[str, Mapping]) -> tuple[float, float, float, float] | None:
    xs, ys = [], []
    for geometry in geometries.values():
        for ring in _rings(geometry):
            xs.extend(point[0] for point in ring)
            ys.extend(point[1] for point in ring)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def build_map_svg(geometries: Mapping[str, Mapping], fills: Mapping[str, str], labels: Mapping[str, str],
                  width: float = 1000.0) -> str:
    """Areas (code -> GeoJSON geometry, WGS84) filled by code, each labelled at its centre.

    Longitudes are scaled by cos(latitude) so the county keeps its shape; the drawing keeps its
    aspect ratio inside whatever box CSS gives it.
    """
    bounds = _bounds(geometries)
    if bounds is None:
        return ""
    west, south, east, north = bounds
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x, span_y = max((east - west) * squeeze, 1e-9), max(north - south, 1e-9)
    scale = width / span_x
    height = span_y * scale

    def point(lon: float, lat: float) -> str:
        return f"{(lon - west) * squeeze * scale:.1f},{(north - lat) * scale:.1f}"

    shapes, names = [], []
    # Label size from the typical area: small villages get small labels, townships larger ones.
    size = max(10.0, min(28.0, 0.55 * math.sqrt(width * height / max(len(geometries), 1)) / 3))
    for code, geometry in geometries.items():
        path = " ".join("M" + " L".join(point(x, y) for x, y, *_ in ring) + " Z" for ring in _rings(geometry))
        fill = fills.get(code, "#3a4a63")
        shapes.append(f'<path d="{path}" fill="{escape(fill)}" stroke="{HALO}" stroke-width="1.2"/>')
        label = labels.get(code)
        xs = [x for ring in _rings(geometry) for x, *_ in ring]
        ys = [y for ring in _rings(geometry) for _, y, *_ in ring]
        if label and xs:
            cx, cy = point(sum(xs) / len(xs), sum(ys) / len(ys)).split(",")
            names.append(f'<text x="{cx}" y="{cy}" font-size="{_number(size)}" fill="#ffffff" stroke="{HALO}" '
                         f'stroke-width="{size / 6:.1f}" paint-order="stroke" font-weight="600" '
                         f'text-anchor="middle" dominant-baseline="middle">{escape(label)}</text>')
    return (SVG_OPEN + f'viewBox="0 0 {width:.0f} {height:.0f}" '
            f'preserveAspectRatio="xMidYMid meet" role="img">{"".join(shapes)}{"".join(names)}</svg>')


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values from low up to the first one at or above high (so no bar passes the top)."""
    if high <= low:
        return [low, low + 1]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [math.floor(low / step) * step]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def _tick_text(value: float) -> str:
    if abs(value) >= 10_000:
        return t("wall.ten_thousand", value=_number(value / 10_000))  # Chinese units, never "20k"
    return f"{value:,.0f}" if float(value).is_integer() else _number(value)


def build_line_svg(x_labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
                   width: float = 800.0, height: float = 360.0, font: float = 22.0,
                   label_every: int = 1, bars: bool = False) -> str:
    """Lines (or grouped bars) of named series over labelled x positions, with a legend on top."""
    values = [v for _, points in series for v in points if v is not None and not math.isnan(v)]
    if not x_labels or not values:
        return ""
    low = min(0.0, min(values))
    ticks = _ticks(low, max(values) or 1.0)
    top_value = ticks[-1] if ticks[-1] > low else low + 1
    left, right, top, bottom = font * 3.2, font * 1.6, font * 2.8, font * 1.8
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(x_labels) - (0 if bars else 1), 1)

    def x_at(i: int) -> float:
        return left + (i + 0.5) * step if bars else left + i * step

    def y_at(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (top_value - low))

    parts = []
    for tick in ticks:
        parts.append(f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{y_at(tick):.1f}" y2="{y_at(tick):.1f}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{left - font * 0.3:.1f}" y="{y_at(tick):.1f}" font-size="{_number(font)}" '
                     f'fill="{MUTED}" text-anchor="end" dominant-baseline="middle">{_tick_text(tick)}</text>')
    for i, label in enumerate(x_labels):
        if label and i % label_every == 0:
            parts.append(f'<text x="{x_at(i):.1f}" y="{height - font * 0.4:.1f}" font-size="{_number(font)}" '
                         f'fill="{MUTED}" text-anchor="middle">{escape(label)}</text>')
    legend_x = left
    for number, (name, points) in enumerate(series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        if bars:
            bar_w = step * 0.8 / len(series)
            for i, v in enumerate(points):
                if v is None or math.isnan(v):
                    continue
                x = left + i * step + step * 0.1 + number * bar_w
                parts.append(f'<rect x="{x:.1f}" y="{min(y_at(v), y_at(0)):.1f}" width="{bar_w:.1f}" '
                             f'height="{abs(y_at(0) - y_at(v)):.1f}" fill="{colour}"/>')
        else:
            coords = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in enumerate(points)
                              if v is not None and not math.isnan(v))
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{font / 6:.1f}" '
                         f'stroke-linejoin="round"/>')
        parts.append(f'<rect x="{legend_x:.1f}" y="{font * 0.5:.1f}" width="{font * 0.9:.1f}" height="{font * 0.9:.1f}" '
                     f'fill="{colour}"/>')
        parts.append(f'<text x="{legend_x + font * 1.2:.1f}" y="{font * 0.95:.1f}" font-size="{_number(font)}" '
                     f'fill="{TEXT}" dominant-baseline="middle">{escape(name)}</text>')
        legend_x += font * (2.2 + 1.05 * len(name))
    return (SVG_OPEN + f'viewBox="0 0 {width:.0f} {height:.0f}" preserveAspectRatio="xMidYMid meet" '
            f'role="img">{"".join(parts)}</svg>')


def build_sparkline_svg(values: Sequence[float], colour: str = SERIES_COLOURS[0]) -> str:
    """A small trend line without axes (the tiles' last 12 weeks)."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    coords = " ".join(f"{i * 100 / (len(values) - 1):.1f},{28 - (v - low) / span * 24:.1f}" for i, v in enumerate(values))
    return (SVG_OPEN + f'viewBox="0 0 100 30" preserveAspectRatio="none" role="img">'
            f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2" '
            f'vector-effect="non-scaling-stroke"/></svg>')


def heat_colour(share: float) -> str:
    """Navy to red for 0..1 (the heatmap's cells), readable under light text at every step."""
    share = min(max(share, 0.0), 1.0)
    start, end = (0x1b, 0x2b, 0x45), (0xb4, 0x1e, 0x2b)
    return "#" + "".join(f"{round(a + (b - a) * share):02x}" for a, b in zip(start, end))
