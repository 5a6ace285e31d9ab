# Two commands for users: `make run` and `make test`. Everything else is their plumbing.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8501
# A specific address, never a wildcard: with 0.0.0.0 Streamlit asks an internet service for the
# machine's external IP. Serve an intranet with `make run ADDRESS=<this server's intranet IP>`.
ADDRESS ?= 127.0.0.1
STAMP   := $(VENV)/.installed
# Test processes: 1 runs pytest as one process (the default, what CI runs); N > 1 uses pytest-xdist,
# each test file whole in one process (tests/conftest.py). See README "Tests" before raising it.
TEST_WORKERS ?= 1

.PHONY: run test setup assets sample-db system-deps services bench clean

# The Debian packages are optional for serving: without root the app still runs, and the briefing
# page says what it lacks (chart images need chromium, PDF packs a CJK TrueType font).
run: setup sample-db
	-@bash scripts/install_system_deps.sh
	$(BIN)/streamlit run serve.py --server.address $(ADDRESS) --server.port $(PORT)

test: setup system-deps services
	$(BIN)/python -m pytest $(if $(filter-out 1,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadgroup)

setup: $(STAMP) assets

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Leaflet and its plugins are served from Streamlit's static folder: the intranet has no CDN.
assets:
	bash scripts/fetch_assets.sh

# The embedded sample database is built once; an existing file is never overwritten.
sample-db: $(STAMP)
	@test -f data/monitoring.db || test -n "$$DASHBOARD_DB_URL" || $(BIN)/python -m sample_data --db sqlite:///data/monitoring.db

# Debian packages the browser tests and exports need (chromium, CJK fonts).
system-deps:
	bash scripts/install_system_deps.sh

# PostgreSQL and MariaDB for the cross-engine query tests.
services:
	bash scripts/start_services.sh

bench: setup sample-db
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) static/vendor test-artifacts
