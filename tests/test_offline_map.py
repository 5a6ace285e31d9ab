"""folium maps built the project's way reference no host but the app's own (DESIGN §5 Offline)."""

from __future__ import annotations

import re

import folium
import folium.plugins
import pytest

from geo.offline_map import (LOCAL_ASSETS, STATIC_URL, VENDOR_DIR, base_map, external_urls,
                             fast_marker_cluster, use_local_assets)

VILLAGE = {
    "type": "FeatureCollection",
    "features": [{
        "type": "Feature",
        "properties": {"name": "<b>石门村</b>"},
        "geometry": {"type": "Polygon",
                     "coordinates": [[[110.0, 30.0], [110.1, 30.0], [110.1, 30.1], [110.0, 30.0]]]},
    }],
}
POINTS = [[30.02, 110.02], [30.05, 110.04], [30.08, 110.07]]


def _render_project_map() -> str:
    use_local_assets()
    use_local_assets()  # idempotent: a second call changes nothing
    m = base_map([30.05, 110.05], zoom_start=11)  # folium.Map(tiles=None, prefer_canvas=True, ...)
    folium.GeoJson(VILLAGE, tooltip=folium.GeoJsonTooltip(["name"])).add_to(m)
    fast_marker_cluster(POINTS).add_to(m)
    folium.plugins.HeatMap([[lat, lon, 1.0] for lat, lon in POINTS]).add_to(m)
    return m.get_root().render()


def test_map_with_layers_references_no_external_host() -> None:
    """A map with boundaries, clustered points and a heat layer loads nothing from a CDN."""
    html = _render_project_map()
    assert external_urls(html) == []
    assert "AwesomeMarkers" not in html  # that plugin is not served: the map script would throw
    assert '"maxZoom": 18' in html  # markercluster throws on a map without maxZoom (no tile layer)
    assert "tileLayer" not in html
    for url in LOCAL_ASSETS.values():
        assert url in html


def test_external_urls_catches_cdn_links() -> None:
    """The checker itself would notice a CDN link, including a protocol-relative one."""
    html = ('<script src="https://cdn.jsdelivr.net/npm/leaflet.js"></script>'
            '<link href="//cdnjs.cloudflare.com/x.css"/><svg xmlns="http://www.w3.org/2000/svg"/>'
            '<script src="/app/static/vendor/leaflet/leaflet.js"></script>')
    assert external_urls(html) == ["https://cdn.jsdelivr.net/npm/leaflet.js", "//cdnjs.cloudflare.com/x.css"]


def test_every_referenced_local_asset_exists() -> None:
    """Each local file the map links to has been fetched into static/vendor."""
    html = _render_project_map()
    referenced = sorted(set(re.findall(re.escape(STATIC_URL) + r'/[^"\']+', html)))
    assert referenced, "the map references no local assets"
    missing = [url for url in referenced if not (VENDOR_DIR / url.removeprefix(STATIC_URL + "/")).is_file()]
    if len(missing) == len(referenced):
        pytest.skip("static/vendor is empty: run `make assets` (scripts/fetch_assets.sh)")
    assert missing == []
