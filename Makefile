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

.PHONY: run test check lint typecheck contracts js pytest bench clean setup

setup: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "courtroom needs Python 3.11 or newer ($(PYTHON) is older)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

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
# (iproute2) falls back instead of failing. pytest's exit status is make's.
PYTEST := $(BIN)/python -m pytest $(PYTEST_ARGS)
NETNS_RUN := ip link set lo up && E2E_NETNS=1 exec $(PYTEST)
pytest: $(STAMP)
	@if unshare -n sh -c 'ip link set lo up' 2>/dev/null; then \
		exec unshare -n sh -c '$(NETNS_RUN)'; \
	elif unshare -rn sh -c 'ip link set lo up' 2>/dev/null; then \
		exec unshare -rn sh -c '$(NETNS_RUN)'; \
	else \
		echo "note: no private network namespace here (needs unshare and iproute2);" \
			"tests run on the normal network" >&2; \
		exec $(PYTEST); \
	fi

## make bench: relay benchmark (ours against stock aiortc) and recording benchmark (tracks,
## mix and viewing copy against transcoding, a naive mixer and real time), same run each
bench: $(STAMP)
	$(BIN)/python -m bench

# Keeps ./data: it holds the database and the recordings.
clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .import_linter_cache *.egg-info
	find . -name __pycache__ -type d -prune -not -path './data/*' -exec rm -rf {} +
