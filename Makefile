# The two commands: `make demo` (the main job) and `make test` (the tests). Both install what
# they need: a .venv with python3.12, the npm linter for the Neo4j dialect, Debian's chromium
# and raptor2-utils for the browser and independent-parser tests.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
PYTHON312 ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: demo test test-fast venv lint-deps system-deps lint clean bench readme neo4j neo4j-launcher

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON312)" || { echo "Python 3.12+ not found: install python3.12 (apt-get install python3.12 or pyenv install 3.12)"; exit 1; }
	test -x $(PY) || $(PYTHON312) -m venv $(VENV)
	@bash .ci/system-deps build  # libicu-dev, pkg-config: PyICU (for followthemoney) builds from source
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]' --config-settings editable_mode=strict
	touch $@

venv: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint-deps: node_modules/.installed

system-deps:
	@bash .ci/system-deps

demo: venv
	$(VENV)/bin/peninsula demo --out out
	# a source loader at work on a sample, into a store of its own (a second run changes nothing)
	$(VENV)/bin/peninsula --store embedded:out/sources-demo.db load --format cns tests/samples/cns/missile_tests.csv

# Neo4j Community 5.26 in-process (graph/neo4j-launcher, built once by Maven; artifacts cached in
# ~/.m2): `make test` runs the suite against it and stops it afterwards.
neo4j-launcher: venv system-deps
	$(PY) -m peninsula.graph.neo4j_local build

test: venv lint-deps system-deps neo4j-launcher
	$(VENV)/bin/ruff check .
	PYTHONSAFEPATH=1 $(PY) -m peninsula.graph.neo4j_local with -- $(PY) -m pytest

# Day-to-day, about 3 minutes on two cores: the tests that need no curated build, no live Neo4j and
# no browser (markers follow from a test's fixtures, engine parameters and module, tests/conftest.py),
# on one worker per core (pytest-xdist); `make test` still runs everything, in one process.
test-fast: venv
	$(VENV)/bin/ruff check .
	PYTHONSAFEPATH=1 $(PY) -m pytest -q -n auto -m "not slow and not neo4j and not browser"

# A Neo4j for analysts without a container engine: Bolt on 127.0.0.1:7687, Neo4j Browser on
# http://127.0.0.1:7474/browser/ (offline), data in out/neo4j. Prints the PENINSULA_STORE and
# credential lines to export and the Browser's address; Ctrl-C stops it cleanly.
neo4j: neo4j-launcher
	$(PY) -m peninsula.graph.neo4j_local run --data out/neo4j --port 7687 --http-port 7474

bench: venv
	$(PY) benchmarks/bench_views.py
	$(PY) benchmarks/bench_scale.py

# Rewrite the README's table of what is in the knowledge base from a fresh build (tests check it).
readme: venv
	$(PY) -c 'import tempfile, pathlib; from peninsula.graph.store import open_store; from peninsula.graph.build import build; \
	from peninsula.graph.summary import update_readme; d = tempfile.mkdtemp(); s = open_store(f"embedded:{d}/kb.db"); build(s); \
	p = pathlib.Path("README.md"); p.write_text(update_readme(p.read_text("utf-8"), s.counts()), "utf-8"); s.close()'

clean:
	rm -rf out .pytest_cache tests/screenshots
