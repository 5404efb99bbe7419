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
