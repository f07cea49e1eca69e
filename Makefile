# The two commands: `make run` (the product, embedded) and `make test` (every suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
NODE_STAMP := node_modules/.package-lock.json
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast test-sqlite bench messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	rm -f $(VENV)/.installed-*; touch $@

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_demo --url http://$(HOST):$(PORT)/
	$(BIN)/python manage.py run_embedded --host $(HOST) --port $(PORT)

# Every suite: SQLite (unit, consumers, live daphne, browser), then PostgreSQL + Redis
# (integration). tests/run_suites.py starts what it needs and says what it could not.
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python tests/run_suites.py

# axe-core for the browser suite's accessibility test (package-lock.json pins it). Without npm
# that test says NOT RUN (and fails in CI, which installs npm).
$(NODE_STAMP): package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm is missing: the accessibility test (axe-core) will not run"; fi

# The unit suites while working: no server started (tests/conftest.py marks those "live"), no browser,
# no PostgreSQL/Redis, no fuzzing.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not integration and not browser and not live and not fuzz"

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py $(ARGS)

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l de --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var node_modules
