#!/usr/bin/env bash
# Fetch Leaflet and its plugins into static/vendor/ (git-ignored), served at /app/static/vendor/.
# The intranet has no CDN, so folium is pointed at these files (geo/offline_map.py).
# Sources are package registries only: npm (leaflet, leaflet.markercluster), PyPI (django-leaflet
# as a fallback for Leaflet when Node is absent) and the installed folium (leaflet-heat).
# Idempotent: an asset group whose files are all present and non-empty is skipped.
set -euo pipefail

cd "$(dirname "$0")/.."
VENDOR=static/vendor
PYTHON=${VENV_PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
LEAFLET_VERSION=1.9.4
MARKERCLUSTER_VERSION=1.5.3

LEAFLET_FILES=(leaflet/leaflet.js leaflet/leaflet.css leaflet/images/marker-icon.png
               leaflet/images/marker-icon-2x.png leaflet/images/marker-shadow.png
               leaflet/images/layers.png leaflet/images/layers-2x.png)
MARKERCLUSTER_FILES=(markercluster/leaflet.markercluster.js markercluster/MarkerCluster.css
                     markercluster/MarkerCluster.Default.css)
HEAT_FILES=(heat/leaflet-heat.js)

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# The helpers below also run in `||` context, where `set -e` is off: every step checks itself.

all_present() {  # all_present FILE... : true when every file exists and is non-empty
    local f
    for f in "$@"; do [ -s "$VENDOR/$f" ] || return 1; done
}

verify() {  # verify LABEL SOURCE FILE... : fail unless every file is non-empty, else report
    local label=$1 source=$2 f
    shift 2
    for f in "$@"; do
        if [ ! -s "$VENDOR/$f" ]; then
            echo "assets: $label: $VENDOR/$f is missing or empty after fetching" >&2
            return 1
        fi
    done
    echo "assets: $label fetched from $source -> $VENDOR/${1%%/*}/"
}

npm_dist() {  # npm_dist PACKAGE@VERSION : unpack the registry tarball, print its dist/ folder
    local spec=$1 name=${1%@*} tarball
    command -v npm >/dev/null 2>&1 || return 1
    mkdir -p "$TMP/$name" || return 1
    tarball=$(cd "$TMP" && npm pack "$spec" --silent 2>/dev/null | tail -n 1) || return 1
    [ -n "$tarball" ] && [ -s "$TMP/$tarball" ] || return 1
    tar -xzf "$TMP/$tarball" -C "$TMP/$name" || return 1
    echo "$TMP/$name/package/dist"
}

leaflet_from_npm() {
    local dist
    dist=$(npm_dist "leaflet@$LEAFLET_VERSION") || return 1
    cp "$dist/leaflet.js" "$dist/leaflet.css" "$VENDOR/leaflet/" || return 1
    cp "$dist"/images/*.png "$VENDOR/leaflet/images/" || return 1
    verify "leaflet $LEAFLET_VERSION" "npm" "${LEAFLET_FILES[@]}"
}

leaflet_from_pypi() {  # django-leaflet ships leaflet.js/.css/images as package data (Leaflet 1.9.x)
    local wheel
    "$PYTHON" -m pip download --quiet --no-deps --only-binary :all: -d "$TMP/pypi" django-leaflet \
        >/dev/null 2>&1 || return 1
    wheel=$(ls "$TMP"/pypi/django_leaflet-*.whl 2>/dev/null | head -n 1)
    [ -n "$wheel" ] || return 1
    "$PYTHON" -c '
import sys, zipfile
from pathlib import Path

wheel, target = sys.argv[1], Path(sys.argv[2])
prefix = "leaflet/static/leaflet/"
with zipfile.ZipFile(wheel) as zf:
    for name in zf.namelist():
        rel = name[len(prefix):]
        wanted = rel in ("leaflet.js", "leaflet.css") or (rel.startswith("images/") and rel.endswith(".png"))
        if name.startswith(prefix) and wanted:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            (target / rel).write_bytes(zf.read(name))
' "$wheel" "$VENDOR/leaflet" || return 1
    verify "leaflet (django-leaflet wheel)" "PyPI" "${LEAFLET_FILES[@]}"
}

fetch_leaflet() {
    mkdir -p "$VENDOR/leaflet/images"
    if command -v npm >/dev/null 2>&1; then
        leaflet_from_npm && return 0
        echo "assets: 'npm pack leaflet@$LEAFLET_VERSION' failed; trying PyPI (django-leaflet)" >&2
    fi
    leaflet_from_pypi && return 0
    echo "assets: ERROR: could not fetch Leaflet from npm or PyPI; maps would be blank offline." >&2
    return 1
}

fetch_markercluster() {  # only published on npm: without it, warn but do not fail the setup
    local dist
    if ! dist=$(npm_dist "leaflet.markercluster@$MARKERCLUSTER_VERSION"); then
        echo "assets: WARNING: leaflet.markercluster is only on the npm registry and 'npm pack' is" \
             "missing or failed; install nodejs/npm and run 'make assets' again." \
             "Clustered point layers will not load until then." >&2
        return 0
    fi
    mkdir -p "$VENDOR/markercluster"
    cp "$dist/leaflet.markercluster.js" "$dist/MarkerCluster.css" "$dist/MarkerCluster.Default.css" \
        "$VENDOR/markercluster/"
    verify "leaflet.markercluster $MARKERCLUSTER_VERSION" "npm" "${MARKERCLUSTER_FILES[@]}"
}

fetch_heat() {  # folium carries leaflet-heat in its templates: copy, no download
    local src
    src=$("$PYTHON" -c 'import pathlib, folium; print(pathlib.Path(folium.__file__).parent / "templates" / "leaflet_heat.min.js")')
    mkdir -p "$VENDOR/heat"
    cp "$src" "$VENDOR/heat/leaflet-heat.js"
    verify "leaflet-heat" "the installed folium package" "${HEAT_FILES[@]}"
}

if all_present "${LEAFLET_FILES[@]}"; then echo "assets: leaflet already present"; else fetch_leaflet; fi
if all_present "${MARKERCLUSTER_FILES[@]}"; then echo "assets: leaflet.markercluster already present"
else fetch_markercluster; fi
if all_present "${HEAT_FILES[@]}"; then echo "assets: leaflet-heat already present"; else fetch_heat; fi
