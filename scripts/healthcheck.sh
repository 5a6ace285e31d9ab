#!/usr/bin/env bash
# Health of one app process, for systemd (ExecStartPost / a timer) and monitoring:
#   scripts/healthcheck.sh [PORT]   (default 8501)
# Fails when the process does not answer /_stcore/health, or when `python -m db check` finds the
# database unusable or the Leaflet files missing (Streamlit's own health endpoint cannot say so).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${1:-8501}
PYTHON=${VENV_PYTHON:-.venv/bin/python}
curl -fsS --max-time 5 "http://127.0.0.1:${PORT}/_stcore/health" >/dev/null \
    || { echo "app on port ${PORT} does not answer /_stcore/health" >&2; exit 1; }
exec "$PYTHON" -m db check
