"""folium maps built the offline way (geo.offline_map): coloured areas, labels, points, assets, heat.

Pure builders, no Streamlit. Every text from the database is HTML-escaped here, because Leaflet
tooltips, GeoJsonTooltip and DivIcon all insert their text as HTML.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass

import folium
import folium.map
import folium.plugins
import pandas as pd
from jinja2 import Template

from geo.boundaries import centroid_of
from geo.offline_map import base_map, fast_marker_cluster

LABELS_SHOWN_UP_TO = 60
TILE_URL_ENV = "DASHBOARD_TILE_URL"
TILE_ATTRIBUTION_ENV = "DASHBOARD_TILE_ATTRIBUTION"
LABEL_STYLE = ("transform:translate(-50%,-50%);white-space:nowrap;font-size:{size}px;color:#222;"
               "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;pointer-events:none;text-align:center")
# Household status -> point colour (open cases by type first; then exited / other households).
STATUS_COLOURS = {"unstable": "#d7301f", "marginal": "#fc8d59", "sudden": "#7a0177",
                  "exited": "#2b8cbe", "general": "#969696"}
ASSET_COLOURS = {"public_welfare": "#238b45", "operating": "#6a51a3", "household": "#d94801"}
# How bad a household's status is, for colouring a cluster by its worst member (higher is worse).
STATUS_SEVERITY = {"sudden": 4, "unstable": 3, "marginal": 2, "exited": 1, "general": 0}

# FastMarkerCluster draws each row [lat, lon, colour, tooltip, severity] in the browser: one small
# JSON array instead of a folium object per household. The tooltip text is escaped on the server.
STATUS_MARKER_CALLBACK = """function (row) {
    var marker = L.circleMarker(new L.LatLng(row[0], row[1]),
                                {radius: 6, weight: 1, color: "#333", fillColor: row[2], fillOpacity: 0.9,
                                 severity: row[4]});
    marker.bindTooltip(row[3]);
    return marker;
}"""
# A cluster takes the colour of its worst member, so households at risk show before zooming in
# (markercluster's own bubbles are green/yellow/orange by size only). Inline, nothing fetched.
WORST_MEMBER_CLUSTER_ICON = """function (cluster) {
    var worst = -1, colour = "#969696", at_risk = 0;
    cluster.getAllChildMarkers().forEach(function (m) {
        if (m.options.severity > worst) { worst = m.options.severity; colour = m.options.fillColor; }
        if (m.options.severity >= 2) { at_risk += 1; }
    });
    var n = cluster.getChildCount(), size = n < 10 ? 30 : (n < 100 ? 36 : 44);
    return L.divIcon({
        html: '<div data-worst="' + worst + '" data-at-risk="' + at_risk + '" style="width:' + size + 'px;height:'
            + size + 'px;line-height:' + size + 'px;border-radius:50%;background:' + colour + ';color:#fff;'
            + 'font-weight:700;font-size:13px;text-align:center;border:2px solid #fff;box-shadow:0 0 0 1px #333;'
            + 'text-shadow:0 0 2px #000">' + n + '</div>',
        className: "household-cluster", iconSize: L.point(size, size)});
}"""


class AreaLabels(folium.map.Layer):
    """Area names as one layer of non-interactive DivIcon markers, created in the browser from one list.

    One folium Marker + DivIcon per area compiles two Jinja templates each: 0.5 s for 200 villages.
    """

    # tojson escapes <, > and & inside the script; the label HTML itself is escaped by the caller.
    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.layerGroup({{ this.rows|tojson }}.map(function (row) {
                return L.marker([row[0], row[1]], {interactive: false, keyboard: false,
                    icon: L.divIcon({className: "area-label", iconSize: [0, 0], html: row[2]})});
            }));
        {% endmacro %}
    """)

    def __init__(self, rows: list[list], name: str, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "AreaLabels"
        self.rows = rows


@dataclass(frozen=True)
class LayerNames:
    """Names shown in the layer switcher (from the label catalogue)."""

    areas: str
    labels: str
    households: str = ""
    assets: str = ""
    heat: str = ""
    basemap: str = ""
    warnings: str = ""


def configured_tiles() -> tuple[str, str] | None:
    """The basemap tile URL and attribution from the environment; None (no basemap) by default."""
    url = os.environ.get(TILE_URL_ENV, "").strip()
    if not url:
        return None
    attribution = os.environ.get(TILE_ATTRIBUTION_ENV, "").strip()
    return url, attribution or url  # Leaflet wants some attribution; the tile server's URL will do


def _bounds(geometries: dict[str, dict]) -> list[list[float]] | None:
    lons, lats = [], []
    for geometry in geometries.values():
        rings = geometry["coordinates"] if geometry["type"] == "Polygon" else \
            [ring for polygon in geometry["coordinates"] for ring in polygon]
        for ring in rings:
            lons += [point[0] for point in ring]
            lats += [point[1] for point in ring]
    return [[min(lats), min(lons)], [max(lats), max(lons)]] if lats else None


def _feature_collection(geometries: dict[str, dict], styles: pd.DataFrame) -> dict:
    features = []
    for code, geometry in geometries.items():
        if code not in styles.index:
            continue
        row = styles.loc[code]
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"code": code, "name": html.escape(str(row["name"])),
                                        "value": html.escape(str(row["value"])), "colour": row["colour"]}})
    return {"type": "FeatureCollection", "features": features}


def _style(feature: dict) -> dict:
    return {"fillColor": feature["properties"]["colour"], "color": "#555", "weight": 1, "fillOpacity": 0.75}


def _highlight(_feature: dict) -> dict:
    return {"weight": 3, "color": "#000", "fillOpacity": 0.9}


def build_area_map(geometries: dict[str, dict], styles: pd.DataFrame, value_label: str, names: LayerNames,
                   area_label: str, clickable: bool = True, centre: tuple[float, float] | None = None) -> folium.Map:
    """A tile-free map of areas filled with their colour, a hover tooltip, and a layer of name labels."""
    # Without boundaries (a village that has none) the map opens on the area's centre instead.
    m = base_map(location=list(centre) if centre else None, zoom_start=14 if centre else 10)
    m.options.update(zoom_snap=0.25, zoom_delta=0.5)  # fractional zoom: fit_bounds fills the frame
    tiles = configured_tiles()
    if tiles:
        folium.TileLayer(tiles=tiles[0], attr=html.escape(tiles[1]), name=names.basemap, overlay=False).add_to(m)
    collection = _feature_collection(geometries, styles)
    if collection["features"]:  # GeoJsonTooltip refuses an empty collection
        tooltip = folium.GeoJsonTooltip(fields=["name", "value"],
                                        aliases=[html.escape(area_label), html.escape(value_label)], sticky=True)
        folium.GeoJson(collection, name=names.areas, style_function=_style, tooltip=tooltip,
                       highlight_function=_highlight if clickable else None, embed=True).add_to(m)
    # Two hundred names over a county are a blur: there the labels start switched off (layer switcher).
    size = 12 if len(collection["features"]) <= 40 else 10
    rows = []
    for feature in collection["features"]:
        lat, lon = centroid_of(feature["geometry"])
        text = feature["properties"]["name"]  # already escaped
        rows.append([round(lat, 5), round(lon, 5), f'<div style="{LABEL_STYLE.format(size=size)}">{text}</div>'])
    AreaLabels(rows, name=names.labels, show=len(rows) <= LABELS_SHOWN_UP_TO).add_to(m)
    bounds = _bounds(geometries)
    if bounds:
        m.fit_bounds(bounds)
    return m


def add_household_points(m: folium.Map, points: pd.DataFrame, status_labels: dict[str, str], name: str) -> None:
    """Clustered household points coloured by status; the tooltip holds the masked name and status only."""
    rows = []
    for record in points.itertuples(index=False):
        status = record.open_case_type if isinstance(record.open_case_type, str) else record.poverty_status
        text = f"{record.head_name} · {status_labels.get(status, status)}"
        rows.append([round(float(record.lat), 6), round(float(record.lon), 6),
                     STATUS_COLOURS.get(status, "#969696"), html.escape(text), STATUS_SEVERITY.get(status, 0)])
    fast_marker_cluster(rows, name=name, callback=STATUS_MARKER_CALLBACK,
                        icon_create_function=WORST_MEMBER_CLUSTER_ICON).add_to(m)


def add_assets(m: folium.Map, assets: pd.DataFrame, kind_labels: dict[str, str], value_text, name: str) -> None:
    """Project assets as circles coloured by kind with their name, kind and value in the tooltip (escaped)."""
    group = folium.FeatureGroup(name=name, show=True)
    for record in assets.itertuples(index=False):
        text = f"{record.name} · {kind_labels.get(record.kind, record.kind)} · {value_text(record.value)}"
        folium.CircleMarker([float(record.lat), float(record.lon)], radius=7, weight=2, color="#222",
                            fill_color=ASSET_COLOURS.get(record.kind, "#555"), fill_opacity=0.95,
                            tooltip=folium.Tooltip(html.escape(text))).add_to(group)
    group.add_to(m)


def add_heat(m: folium.Map, weights: pd.Series, areas: pd.DataFrame, name: str) -> None:
    """A heat layer of per-village weights placed at each village's centre (areas: lat/lon by code)."""
    known = areas.reindex(weights.index)[["lat", "lon"]].assign(weight=weights).dropna()
    known = known[known["weight"] > 0]
    if known.empty:
        return
    data = [[round(float(r.lat), 5), round(float(r.lon), 5), round(float(r.weight), 3)]
            for r in known.itertuples(index=False)]
    folium.plugins.HeatMap(data, name=name, min_opacity=0.3, max_zoom=13, radius=25, blur=20).add_to(m)


WARNING_COLOUR = "#5f3dc4"  # violet: apart from the red end of the fill palette


def add_warning_bubbles(m: folium.Map, counts: pd.Series, areas: pd.DataFrame, text_for, name: str) -> None:
    """A layer of circles at each area's centre, sized by its active early warnings."""
    known = areas.reindex(counts.index)[["lat", "lon", "name"]].assign(count=counts).dropna()
    known = known[known["count"] > 0]
    if known.empty:
        return
    group = folium.FeatureGroup(name=name, show=True)
    largest = float(known["count"].max())
    for record in known.itertuples(index=False):
        radius = 5 + 15 * (float(record.count) / largest) ** 0.5  # area, not radius, grows with the count
        folium.CircleMarker([float(record.lat), float(record.lon)], radius=radius, weight=1, color=WARNING_COLOUR,
                            fill_color=WARNING_COLOUR, fill_opacity=0.45,
                            tooltip=folium.Tooltip(html.escape(text_for(record.name, int(record.count))))).add_to(group)
    group.add_to(m)


def add_layer_switcher(m: folium.Map) -> None:
    """The layer switcher (Leaflet's own control, no plugin needed)."""
    folium.LayerControl(collapsed=False).add_to(m)


def payload_size(m: folium.Map) -> int:
    """Bytes of the map's HTML as Streamlit would send it (the benchmark's light-map figure)."""
    return len(m.get_root().render().encode())
