# courtroom: the two commands of the README (make run, make test), and the checks behind them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when the declared dependencies change.
STAMP := $(VENV)/.installed
# The browser client's dev-only checks (tsc, ESLint) come from npm into node_modules, pinned
# by package-lock.json; serving web/ needs none of it (no build step).
NODE_BIN := node_modules/.bin
NODE_STAMP := node_modules/.installed

.PHONY: run test check lint typecheck contracts js pytest bench clean setup lock audit

setup: $(STAMP) $(NODE_STAMP)

# What is installed is what requirements.lock pins, each file checked against its hash
# (`make lock` writes it from pyproject.toml); the project itself goes in on top, editable.
LOCK := requirements.lock
PIP := $(BIN)/python -m pip --disable-pip-version-check
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "courtroom needs Python 3.11 or newer ($(PYTHON) is older)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-hashes -r $(LOCK)
	$(PIP) install --quiet --no-deps -e .
	touch $(STAMP)

## make lock: re-pin requirements.lock after pyproject.toml changed (keeps the pins that
## still fit; `make lock LOCK_ARGS=--upgrade` takes the newest releases). Then `make setup`.
## requirements-run.lock is the server's share of it, at the same versions, for a court's
## installation (docs/install.md): no test or check tools on a production host.
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" --quiet
lock: $(STAMP)
	$(UV_COMPILE) --extra dev $(LOCK_ARGS) -o $(LOCK)
	$(UV_COMPILE) -c $(LOCK) -o requirements-run.lock

## make audit: the pinned packages against the advisory databases (pip-audit, online: it asks
## PyPI's per-release JSON API, which some registry mirrors do not serve).
audit: $(STAMP)
	$(PIP) install --quiet 'pip-audit>=2.7'
	$(BIN)/pip-audit --require-hashes --disable-pip -r $(LOCK)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || \
		{ echo "the browser client's checks need Node.js 18 or newer and npm" \
			"(apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

## make run: set up, migrate the SQLite database under ./data, serve http://127.0.0.1:8080
## with the demo hearing on; its join links are in data/demo-links.txt (cat it). The demo
## runs on a loopback address only: courtroom refuses it for any other public URL or host.
## `make run COURTROOM_DEMO=0` serves without it.
COURTROOM_DEMO ?= 1
run: $(STAMP)
	COURTROOM_DEMO=$(COURTROOM_DEMO) $(BIN)/courtroom serve

## make test: set up, run the static checks, then every test (browser tests included)
test: check
	@$(MAKE) --no-print-directory pytest

check: lint typecheck contracts js

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

# The browser client (web/js), checked like the Python: types (tsc over JSDoc, tsconfig.json),
# lint (eslint.config.js) and unit tests of the pure modules (web/test). web/vendor is not ours.
js: $(NODE_STAMP)
	$(NODE_BIN)/tsc -p tsconfig.json
	$(NODE_BIN)/tsc -p tsconfig.strict.json
	$(NODE_BIN)/eslint --max-warnings=0 .
	node --test web/test/*.test.js

# WebRTC in the browser tests must stay on loopback: pytest runs in a private network
# namespace that has only `lo` when the machine allows it (as root: unshare -n; otherwise
# in a user namespace: unshare -rn). The probe brings lo up too, so a missing `ip`
# (iproute2) falls back instead of failing. tests/run's exit status is make's: it runs the
# suite over TEST_WORKERS workers, then the tests that must run alone (tests/conftest.py).
TEST_WORKERS ?= 3
PYTEST := TEST_WORKERS=$(TEST_WORKERS) tests/run $(PYTEST_ARGS)
NETNS_RUN := ip link set lo up && E2E_NETNS=1 exec env $(PYTEST)
pytest: $(STAMP)
	@if unshare -n sh -c 'ip link set lo up' 2>/dev/null; then \
		exec unshare -n sh -c '$(NETNS_RUN)'; \
	elif unshare -rn sh -c 'ip link set lo up' 2>/dev/null; then \
		exec unshare -rn sh -c '$(NETNS_RUN)'; \
	else \
		echo "note: no private network namespace here (needs unshare and iproute2);" \
			"tests run on the normal network" >&2; \
		exec env $(PYTEST); \
	fi

## make bench: relay benchmark (ours against stock aiortc) and recording benchmark (tracks,
## mix and viewing copy against transcoding, a naive mixer and real time), same run each
bench: $(STAMP)
	$(BIN)/python -m bench

# Keeps ./data: it holds the database and the recordings.
clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .import_linter_cache *.egg-info
	find . -name __pycache__ -type d -prune -not -path './data/*' -exec rm -rf {} +
