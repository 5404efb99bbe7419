"""Shared fixtures: real embedded FalkorDB stores, a real Neo4j and the curated build on each.

Neo4j is the one of NEO4J_URI (with NEO4J_USER / NEO4J_PASSWORD) when set, otherwise Neo4j
Community 5.26 started here from graph/neo4j-launcher (Java 17 + Maven; `make test` installs them).
It is never mocked and, under CI, never skipped: a Neo4j that does not start fails the run.
Community Neo4j has one user database, so the Neo4j fixtures share it: `neo4j_store` clears it
around each test, `built_neo4j` builds the curated graph into it once per module that asks.
"""

from __future__ import annotations

import os

import pytest

# No query in these tests takes minutes: an engine that stops answering fails the test that waited for
# it, with the error the setting names, instead of holding the whole run until CI's limit (a test
# that sets the variable itself, or deletes it, still does).
os.environ.setdefault("PENINSULA_QUERY_TIMEOUT", "300")


@pytest.fixture
def store(tmp_path):
    from peninsula.graph.store import open_store

    s = open_store(f"embedded:{tmp_path / 'test.db'}")
    yield s
    s.close()


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One embedded store with the curated knowledge base built into it (read-only use)."""
    from peninsula.graph.build import build
    from peninsula.graph.store import open_store

    s = open_store(f"embedded:{tmp_path_factory.mktemp('built') / 'kb.db'}")
    report = build(s)
    s.report = report
    yield s
    s.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless and offline, driven by Playwright (one per test module)."""
    from support import CHROMIUM_ARGS, need, require

    chromium = require("chromium", "Debian's headless browser for the browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "Playwright for Python is not installed (pip install playwright)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=os.path.realpath(chromium), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory):
    """The URI of a live Neo4j, its credentials in the environment (for CLI runs in subprocesses)."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        yield uri
        return
    from peninsula.graph.neo4j_local import LocalNeo4j
    from peninsula.ontology import StoreError

    try:
        server = LocalNeo4j(tmp_path_factory.mktemp("neo4j") / "data", 0).start()
    except StoreError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Neo4j did not start, and CI never skips it: {exc}")
        pytest.skip(f"no live Neo4j (never mocked): {exc}")
    os.environ.update(server.env())
    yield server.uri
    server.stop()


@pytest.fixture
def neo4j_store(neo4j_uri):
    """The live Neo4j, empty before and after the test."""
    from peninsula.graph.store import open_store

    s = open_store(neo4j_uri)
    s.clear()
    yield s
    s.clear()
    s.close()


@pytest.fixture(scope="module")
def built_neo4j(neo4j_uri):
    """The curated knowledge base built into the live Neo4j (read-only use within one module)."""
    from peninsula.graph.build import build
    from peninsula.graph.store import open_store

    s = open_store(neo4j_uri)
    s.clear()
    s.report = build(s)
    yield s
    s.close()


@pytest.fixture(params=["falkordb", "neo4j"])
def engine_built(request):
    """The curated build on each engine, for tests that must give the same answers on both."""
    return request.getfixturevalue("built" if request.param == "falkordb" else "built_neo4j")


# ---------------------------------------------------------------------------- every text sent to Neo4j
# Every Cypher text the package sends to the live Neo4j during the run (store, bulk, analytics,
# views, chart, build, packs) is recorded with its parameters' types; at the end of the session
# Neo4j's own linter checks each one, and any diagnostic fails the run. So each text is both
# executed on Neo4j (it was sent) and linted, with no hand-kept list to drift.
SENT_TO_NEO4J: dict[str, dict] = {}


def _linter_type(value) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, list):
        return "List<Map>" if value and isinstance(value[0], dict) else "List<Any>"
    if isinstance(value, dict):
        return "Map"
    return "String"


# Markers follow from the fixtures a test uses, so none is forgotten: `make test-fast` deselects
# them (`-m "not slow and not neo4j and not browser"`), `make test` runs everything.
MARK_BY_FIXTURE = {"neo4j_uri": "neo4j", "neo4j_store": "neo4j", "built_neo4j": "neo4j", "browser": "browser",
                   "built": "slow", "kb": "slow"}
# Modules whose every test runs whole CLI builds in subprocesses, a reasoner or many generated cases.
SLOW_MODULES = {"test_kill", "test_owl", "test_base_iri", "test_hostile", "test_roundtrip", "test_load_rdf",
                "test_query_plans"}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    """Markers follow from what a test needs: a fixture in MARK_BY_FIXTURE, a parameter whose value is
    the engine "neo4j" (fixtures that pick their store at run time), or a module in SLOW_MODULES."""
    for item in items:
        needs = set(getattr(item, "fixturenames", ()))
        for fixture, marker in MARK_BY_FIXTURE.items():
            if fixture in needs:
                item.add_marker(marker)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and any("neo4j" in str(v) for v in callspec.params.values()):
            item.add_marker("neo4j")
        if item.module is not None and item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
            item.add_marker("slow")


def pytest_configure(config):
    from peninsula.graph import neo4j_store

    run, auto = neo4j_store.Neo4jStore._run, neo4j_store.Neo4jStore._auto

    def recording_run(self, cypher, params, *, write):
        SENT_TO_NEO4J.setdefault(cypher, {k: {"type": _linter_type(v)} for k, v in (params or {}).items()})
        return run(self, cypher, params, write=write)

    def recording_auto(self, cypher, params=None):
        SENT_TO_NEO4J.setdefault(cypher, {k: {"type": _linter_type(v)} for k, v in (params or {}).items()})
        return auto(self, cypher, params)

    neo4j_store.Neo4jStore._run, neo4j_store.Neo4jStore._auto = recording_run, recording_auto


def pytest_sessionfinish(session, exitstatus):
    if not SENT_TO_NEO4J or exitstatus not in (0, 1):
        return
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("_lint", Path(__file__).with_name("test_neo4j_lint.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    items = [{"id": f"sent-{i}", "text": text, "parameters": params}
             for i, (text, params) in enumerate(sorted(SENT_TO_NEO4J.items()))]
    results = module.lint(items)
    # errors fail the run; warnings are listed (the subset both engines run has one: FalkorDB needs
    # `CALL { WITH x ... }`, which Neo4j 5.26 calls deprecated in favour of `CALL (x) { ... }`)
    problems = [f"{d['message']} (line {d['line']}) in: {items[int(r['id'][5:])]['text'][:200]}"
                for r in results for d in r["diagnostics"] if d["severity"] == 1]
    warnings = [d["message"] for r in results for d in r["diagnostics"] if d["severity"] != 1]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.write_line(f"Neo4j's linter checked the {len(items)} distinct Cypher texts sent to Neo4j: "
                            f"{len(problems)} error(s), {len(warnings)} warning(s)")
        for p in problems:
            reporter.write_line(f"  lint error: {p}")
        for w in sorted(set(warnings)):
            reporter.write_line(f"  lint warning ({warnings.count(w)}x): {w}")
    if problems:
        session.exitstatus = 1
