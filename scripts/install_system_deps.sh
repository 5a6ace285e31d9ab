#!/usr/bin/env bash
# Debian packages the browser tests and exports need: chromium (driven by Playwright through
# executable_path, never `playwright install`) and fonts-noto-cjk (Chinese text in screenshots
# and exports). A fast no-op when both are present.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; } \
   && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
    missing+=(fonts-noto-cjk)
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "system-deps: chromium and CJK fonts present"
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
