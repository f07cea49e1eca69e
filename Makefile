# The two commands: `make run` (the product, embedded) and `make test` (every suite); `make lint` (ruff, mypy).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
# The venv is what the lock file says: a changed lock (or pyproject) names a new stamp, so it is installed again.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
NODE_STAMP := node_modules/.package-lock.json
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv run test test-fast lint lock test-sqlite bench messages clean

# Exactly the versions CI tested (hashes checked, nothing resolved here), then the project itself,
# built with the locked setuptools (no isolated build env fetched unchecked).
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*; touch $@

venv: $(STAMP)

# The lock file from pyproject.toml (runtime + test + lint extras), hashes for every file of each pin.
# Pins already in it are kept; `make lock ARGS=--upgrade` (or ARGS="--upgrade-package django") moves them.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links --extra test --extra lint $(ARGS) -o $(LOCK) pyproject.toml

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
# no PostgreSQL/Redis, no fuzzing; two processes (pytest-xdist): about 6 minutes on 2 idle cores.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 -m "not integration and not browser and not live and not fuzz"

# Style and import order (ruff), types (mypy with django-stubs): configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py $(ARGS)

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l de --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var node_modules
