"""Point folium at Leaflet files served by the app itself, so maps work on an offline intranet.

folium links Leaflet, jQuery, Bootstrap, Font Awesome and its plugins from CDNs, and
streamlit-folium hands those links to the browser. `scripts/fetch_assets.sh` puts the few files we
use under static/vendor/, which Streamlit serves at /app/static/vendor/ when
`server.enableStaticServing` is on. The CDN links live in class attributes (`default_js` /
`default_css`, lists of (name, url)): `folium.Map` (the module-level `folium.folium._default_js`
/ `_default_css`), `folium.plugins.MarkerCluster`, `FastMarkerCluster` (inherits MarkerCluster's)
and `folium.plugins.HeatMap`. Other classes with CDN links (`folium.Icon` via awesome-markers on
Map, `TopoJson`, `RegularPolygonMarker`, `Vega`, every other plugin) and branca colormaps
(streamlit-folium then injects d3 from d3js.org) must not be used. FastMarkerCluster's default
callback calls `L.AwesomeMarkers.icon()`, which is not loaded: build it with
`fast_marker_cluster()` (or pass `callback=PLAIN_MARKER_CALLBACK`). With `tiles=None` no layer sets
the map's maxZoom, and markercluster then throws "Map has no maxZoom specified": build the map with
`base_map()`, which sets it on the map itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import folium
import folium.plugins

STATIC_URL: Final = "/app/static/vendor"
VENDOR_DIR: Final = Path(__file__).resolve().parent.parent / "static" / "vendor"

LOCAL_ASSETS: Final[dict[str, str]] = {
    "leaflet_js": f"{STATIC_URL}/leaflet/leaflet.js",
    "leaflet_css": f"{STATIC_URL}/leaflet/leaflet.css",
    "markercluster_js": f"{STATIC_URL}/markercluster/leaflet.markercluster.js",
    "markercluster_css": f"{STATIC_URL}/markercluster/MarkerCluster.css",
    "markercluster_default_css": f"{STATIC_URL}/markercluster/MarkerCluster.Default.css",
    "heat_js": f"{STATIC_URL}/heat/leaflet-heat.js",
}

# Resource names are folium's own, so anything that later calls add_js_link(name, ...) replaces
# the local link instead of adding a second copy.
_MAP_JS: Final = [("leaflet", LOCAL_ASSETS["leaflet_js"])]
_MAP_CSS: Final = [("leaflet_css", LOCAL_ASSETS["leaflet_css"])]
_CLUSTER_JS: Final = [("markerclusterjs", LOCAL_ASSETS["markercluster_js"])]
_CLUSTER_CSS: Final = [
    ("markerclustercss", LOCAL_ASSETS["markercluster_css"]),
    ("markerclusterdefaultcss", LOCAL_ASSETS["markercluster_default_css"]),
]
_HEAT_JS: Final = [("leaflet-heat.js", LOCAL_ASSETS["heat_js"])]

# FastMarkerCluster's default callback needs awesome-markers; a canvas circle needs nothing.
PLAIN_MARKER_CALLBACK: Final = """function (row) {
    return L.circleMarker(new L.LatLng(row[0], row[1]),
                          {radius: 5, weight: 1, color: "#b3261e", fillOpacity: 0.7});
}"""

# Absolute URLs, plus protocol-relative ones where the browser would fetch them (src/href/url()).
_ABSOLUTE_URL = re.compile(r"""https?://[^\s"'<>()\\]+""", re.IGNORECASE)
_PROTOCOL_RELATIVE_URL = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*["']?|url\(\s*["']?)(//[^\s"'<>()\\]+)""", re.IGNORECASE
)
# XML namespace identifiers look like URLs but are never fetched.
_NAMESPACE_PREFIXES: Final = ("http://www.w3.org/", "https://www.w3.org/")


def use_local_assets() -> None:
    """Make folium's Map, MarkerCluster, FastMarkerCluster and HeatMap link the local files."""
    # Assign fresh lists (never mutate folium's): JSCSSMixin.add_js_link mutates in place, and a
    # shared list would leak one map's extra links into every other map.
    folium.Map.default_js = list(_MAP_JS)
    folium.Map.default_css = list(_MAP_CSS)
    for cluster in (folium.plugins.MarkerCluster, folium.plugins.FastMarkerCluster):
        cluster.default_js = list(_CLUSTER_JS)
        cluster.default_css = list(_CLUSTER_CSS)
    folium.plugins.HeatMap.default_js = list(_HEAT_JS)
    folium.plugins.HeatMap.default_css = []


def base_map(location: list[float] | None = None, zoom_start: int = 10, min_zoom: int = 5,
             max_zoom: int = 18, **kwargs: object) -> folium.Map:
    """A folium Map without basemap tiles, drawn on canvas, with zoom limits Leaflet plugins need."""
    use_local_assets()
    kwargs.setdefault("tiles", None)
    kwargs.setdefault("prefer_canvas", True)
    m = folium.Map(location=location, zoom_start=zoom_start, **kwargs)
    # Map(max_zoom=...) only reaches a tile layer; with no tiles it must go on the map options.
    m.options.update(min_zoom=min_zoom, max_zoom=max_zoom)
    return m


def fast_marker_cluster(points: list[list[float]], **kwargs: object) -> folium.plugins.FastMarkerCluster:
    """A FastMarkerCluster of [lat, lon] rows that draws plain circles (no awesome-markers plugin)."""
    kwargs.setdefault("callback", PLAIN_MARKER_CALLBACK)
    return folium.plugins.FastMarkerCluster(points, **kwargs)


def external_urls(html: str, own_origins: tuple[str, ...] = ()) -> list[str]:
    """Every URL in rendered map HTML that would be fetched from a host other than the app's own."""
    found = [m.group(0) for m in _ABSOLUTE_URL.finditer(html)]
    found += [m.group(1) for m in _PROTOCOL_RELATIVE_URL.finditer(html)]
    own = tuple(origin.rstrip("/") + "/" for origin in own_origins)
    urls = (u for u in found if not u.startswith(_NAMESPACE_PREFIXES) and not u.startswith(own))
    return list(dict.fromkeys(urls))


def missing_local_assets() -> list[Path]:
    """Local asset files that are absent or empty (run `make assets` to fetch them)."""
    paths = (VENDOR_DIR / url.removeprefix(STATIC_URL + "/") for url in LOCAL_ASSETS.values())
    return [p for p in paths if not p.is_file() or p.stat().st_size == 0]
