"""Neo4j dialect gate: every Cypher text Peninsula can send to Neo4j passes Neo4j's own linter."""

from __future__ import annotations

import json
import subprocess

import pytest
from support import ROOT, require

from peninsula import queries
from peninsula.graph.bulk import _differing
from peninsula.graph.neo4j_store import schema_statements
from peninsula.graph.store import Store
from peninsula.ontology import load

NEO4J_TYPES = {"date": "String", "string": "String", "iso3": "String", "key": "String", "int": "Integer",
               "float": "Float", "bool": "Boolean"}


def lint(items: list[dict]) -> list[dict]:
    node = require("node", "runs Neo4j's Cypher linter")
    if not (ROOT / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        message = "npm package @neo4j-cypher/language-support missing; `make test` runs npm ci"
        pytest.fail(message) if __import__("os").environ.get("CI") else pytest.skip(message)
    schema = load().linter_schema()
    schema["propertyKeys"] += ["src", "dst", "props"]  # fields of the batch rows the store sends
    payload = json.dumps({"schema": schema, "queries": items})
    proc = subprocess.run([node, str(ROOT / "tests" / "neo4j_lint.cjs")], input=payload, capture_output=True,
                          text=True, cwd=ROOT, check=True)
    return json.loads(proc.stdout)


def _write_statements() -> list[dict]:
    """The write statements the store sends, captured from a real write() call."""
    sent = []

    class Capture(Store):
        dialect = "neo4j"

        def _run(self, cypher, params, *, write):
            from peninsula.graph.store import Counters

            sent.append(cypher)
            return [], Counters()

        def close(self):
            pass

        def ensure_schema(self):
            pass

    ont = load()
    nodes = [{"key": "x", "labels": ont.labels([c]), "props": {"key": "x"}} for c in ont.node_classes()]
    edges = [{"type": t, "key": "k", "src": "a", "dst": "b", "props": {}} for t in ont.rel_types]
    s = Capture()
    s.write(nodes, edges)
    list(s.nodes())
    list(s.edges())
    s.counts()
    written = len(sent)
    for ledger in (None, "only"):  # a streamed load's comparisons with a store that has data (graph/bulk.py)
        _differing(s, "node", nodes, ledger)
        _differing(s, "edge", edges, ledger)
    assert len(sent) == written + 2 * (1 + len(ont.rel_types))
    return [{"id": f"write-{i}", "text": t, "parameters": {"rows": {"type": "List<Map>" if i < written else "List<List>"},
                                                         "last": {"type": "String"}, "page": {"type": "Integer"},
                                                         "skip": {"type": "Integer"}}}
            for i, t in enumerate(sent)]


def _pack_queries() -> list[dict]:
    items = []
    for pack in queries.packs().values():
        for q in pack.values():
            params = {p.name: {"type": NEO4J_TYPES[p.type]} for p in q.params.values()}
            items.append({"id": q.id, "text": q.text_for("neo4j"), "parameters": params})
    return items


@pytest.mark.slow
def test_linter_catches_errors():
    """The gate itself can fail: an undefined variable and an unknown label are reported."""
    result = lint([{"id": "bad", "text": "MATCH (n:NoSuchLabel) RETURN m", "parameters": {}}])
    messages = [d["message"] for d in result[0]["diagnostics"]]
    assert any("not defined" in m for m in messages)
    assert any("NoSuchLabel" in m for m in messages)


@pytest.mark.slow
def test_every_cypher_text_lints_clean():
    items = ([{"id": f"ddl-{i}", "text": t, "parameters": {}} for i, t in enumerate(schema_statements())]
             + _write_statements() + _pack_queries())
    assert len(items) > 40
    problems = [f"{r['id']}: line {d['line']}: {d['message']}" for r in lint(items) for d in r["diagnostics"]]
    assert problems == []
