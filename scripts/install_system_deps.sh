#!/usr/bin/env bash
# Debian packages the browser tests and exports need: chromium (driven by Playwright through
# executable_path, never `playwright install`; kaleido draws the briefing-pack charts with it),
# fonts-noto-cjk (Chinese text in screenshots and slides), fonts-droid-fallback and
# fonts-dejavu-core (TrueType fonts the PDF packs embed), and for the tests that look at the
# packs as images: poppler-utils (pdftoppm) and libreoffice-impress (PPTX -> PDF); for the
# deployment and its tests (scripts/cluster.sh, tests/cluster/): nginx (in front of the app
# processes) and postgresql (initdb, pg_ctl, pg_basebackup for a primary and its streaming replica).
# A fast no-op when everything is present.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; } \
   && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
    missing+=(fonts-noto-cjk)
fi
test -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf || missing+=(fonts-droid-fallback)
test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || missing+=(fonts-dejavu-core)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-impress)
test -x /usr/sbin/nginx || missing+=(nginx)
ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1 || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
    echo "system-deps: chromium, fonts, poppler, libreoffice, nginx and postgresql present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: missing ${missing[*]}; as root run:" >&2
    echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

echo "system-deps: installing ${missing[*]}"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
command -v chromium >/dev/null 2>&1 || { echo "system-deps: chromium still missing" >&2; exit 1; }
echo "system-deps: installed ${missing[*]}"
