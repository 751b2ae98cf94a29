# courtroom: the two commands of the README, and the checks behind them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint typecheck contracts pytest bench clean setup

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

## make run: set up, migrate the SQLite database under ./data, print demo links, serve :8080
run: $(STAMP)
	$(BIN)/courtroom serve

## make test: set up, run the static checks, then every test (browser tests included)
test: check pytest

check: lint typecheck contracts

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

# WebRTC in the browser tests must stay on loopback: run pytest in a private network
# namespace that has only `lo` when the machine allows it (see CONTRIBUTING.md).
PYTEST := $(BIN)/python -m pytest $(PYTEST_ARGS)
pytest: $(STAMP)
	@if unshare -n true 2>/dev/null; then \
		unshare -n sh -c 'ip link set lo up && E2E_NETNS=1 exec $(PYTEST)'; \
	elif unshare -rn true 2>/dev/null; then \
		unshare -rn sh -c 'ip link set lo up && E2E_NETNS=1 exec $(PYTEST)'; \
	else \
		echo "note: no network namespace available; browser tests use the normal network" >&2; \
		$(PYTEST); \
	fi

## make bench: relay and recording benchmarks, with ratios against baselines run alongside
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .import_linter_cache
