"""The paths built for scale, checked for correctness on small inputs (speed lives in benchmarks/):
the synthetic generator, the streamed RDF mapping and load, CREATE/upsert, neo4j-admin CSV and the
streamed N-Triples export."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ROOT, require, synth
from support import streamed as _streamed

from peninsula.loaders.formats import NAMED_GRAPHS, RDF_FORMATS
from peninsula.ontology import InputError
from peninsula.ontology.model import GRAPH_KEY

BASE = "https://peninsula.invalid/id/"
PEN = "https://peninsula.invalid/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A 3,000-triple synthetic file in N-Triples, shuffled N-Triples and Turtle."""
    generator = synth()
    d = tmp_path_factory.mktemp("synth")
    files = {"nt": d / "g.nt", "shuffled": d / "shuffled.nt", "ttl": d / "g.ttl"}
    generator.write(files["nt"], 3000, seed=3)
    generator.write(files["shuffled"], 3000, seed=3, shuffle=True)
    generator.write(files["ttl"], 3000, seed=3)
    return files


def _mapped(path):
    from peninsula.loaders import read_rdf, to_property_graph

    return to_property_graph(read_rdf(path))


# ---------------------------------------------------------------------------- generator
def test_generator_is_deterministic_from_its_seed(tmp_path):
    generator = synth()
    a, b, c = tmp_path / "a.nt", tmp_path / "b.nt", tmp_path / "c.nt"
    n = generator.write(a, 2000, seed=11)
    generator.write(b, 2000, seed=11)
    generator.write(c, 2000, seed=12)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert 2000 <= n < 2100


def test_generator_output_is_shaped_like_ours(small):
    import pyoxigraph

    triples = [q.triple for q in pyoxigraph.parse(path=str(small["nt"]), format=pyoxigraph.RdfFormat.N_TRIPLES)]
    langs = {t.object.language for t in triples if t.predicate.value == PEN + "name"}
    assert {"en", "ko"} <= langs
    statements = [t for t in triples if t.object.value == RDF + "Statement"]
    assert statements
    dated = {t.subject for t in triples if t.predicate.value == PEN + "validFrom"}
    sourced = {t.subject for t in triples if t.predicate.value == PEN + "source"}
    assert {t.subject for t in statements} <= dated & sourced
    ttl = [q.triple for q in pyoxigraph.parse(path=str(small["ttl"]), format=pyoxigraph.RdfFormat.TURTLE)]
    assert set(ttl) == set(triples)


def test_generator_cli_writes_the_file(tmp_path):
    out = tmp_path / "cli.nt"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "--triples", "500", "--seed", "2",
                           "--out", str(out)], capture_output=True, text=True, check=True)
    assert "wrote" in done.stdout and out.stat().st_size > 0


# ---------------------------------------------------------------------------- streamed mapping
@pytest.mark.parametrize("variant", ["nt", "shuffled", "ttl"])
def test_streamed_mapping_equals_the_normal_mapping(small, variant):
    nodes, edges = _mapped(small["nt"])
    s_nodes, s_edges = _streamed(small[variant])
    assert [n["key"] for n in s_nodes] == [n["key"] for n in nodes]
    assert s_nodes == [{**n, "labels": list(n["labels"])} for n in nodes]
    assert s_edges == edges
    tested = [e for e in edges if e["type"] == "TESTED"]
    assert len(tested) > len({(e["src"], e["dst"]) for e in tested}), "two statements of one triple stay two edges"


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _entity(key, cls="State", extra=()):
    s = f"<{BASE}{key}>"
    return [f"{s} <{RDF}type> <{PEN}{cls}> .", f'{s} <{PEN}name> "N {key}"@en .', *(f"{s} {x} ." for x in extra)]


def test_statement_without_its_triple_is_refused(tmp_path):
    st = f"<{BASE}stmt/x>"
    lines = _entity("state/AAA") + _entity("state/BBB") + [
        f"{st} <{RDF}type> <{RDF}Statement> .", f"{st} <{RDF}subject> <{BASE}state/AAA> .",
        f"{st} <{RDF}predicate> <{PEN}alliedWith> .", f"{st} <{RDF}object> <{BASE}state/BBB> ."]
    with pytest.raises(InputError, match="not asserted"):
        _streamed(_write(tmp_path / "bad.nt", lines))


def test_unknown_property_and_bad_literal_are_named(tmp_path):
    with pytest.raises(InputError, match="unknown property") as exc:
        _streamed(_write(tmp_path / "a.nt", _entity("state/AAA", extra=[f'<{PEN}colour> "red"'])))
    assert "state/AAA" in str(exc.value)
    with pytest.raises(InputError, match="xsd:date"):
        _streamed(_write(tmp_path / "b.nt", _entity("event/e", "Summit", extra=[f'<{PEN}date> "soon"'])))


def test_malformed_line_is_reported_with_its_line_number(tmp_path):
    path = _write(tmp_path / "m.nt", _entity("state/AAA") + ["<http://x> <http://y> oops ."])
    with pytest.raises(InputError) as exc:
        _streamed(path)
    assert "m.nt:3" in str(exc.value)


def test_escapes_comments_and_odd_spacing_are_read_like_rdflib(tmp_path):
    s = f"<{BASE}state/AAA>"
    lines = ["# a comment", f"{s}  <{RDF}type>\t<{PEN}State> .", f'{s} <{PEN}name> "Say \\"hi\\"\\n"@en .',
             f'{s} <{PEN}name> "\\uD55C"@ko .']
    path = _write(tmp_path / "e.nt", lines)
    assert _streamed(path) == (_mapped(path)[0], [])


# ---------------------------------------------------------------------------- streamed load
def test_streamed_load_equals_the_normal_load_and_reload_writes_nothing(small, tmp_path):
    from peninsula.graph.bulk import load_stream
    from peninsula.graph.store import open_store

    nodes, edges = _mapped(small["nt"])
    with open_store(f"embedded:{tmp_path / 'a.db'}") as normal, open_store(f"embedded:{tmp_path / 'b.db'}") as fast:
        normal.write(nodes, edges)
        report = load_stream(fast, small["shuffled"], batch=300)
        assert (report.nodes, report.edges) == (len(nodes), len(edges))
        assert report.counters.nodes_created == len(nodes)
        assert report.counters.relationships_created == len(edges)
        assert list(fast.nodes()) == list(normal.nodes())
        assert list(fast.edges()) == list(normal.edges())
        again = load_stream(fast, small["nt"], batch=300)
        assert not again.counters.changed
        assert list(fast.edges()) == list(normal.edges())


def test_upsert_creates_new_merges_changed_and_skips_unchanged(store):
    node = {"key": "state/AAA", "labels": ["Entity", "Actor", "State"],
            "props": {"key": "state/AAA", "class": "State", "name": "A"}}
    other = {"key": "state/BBB", "labels": ["Entity", "Actor", "State"],
             "props": {"key": "state/BBB", "class": "State", "name": "B"}}
    edge = {"type": "ALLIED_WITH", "key": "stmt/1", "src": "state/AAA", "dst": "state/BBB",
            "props": {"key": "stmt/1", "valid_from": "1961"}}
    store.create([node], [])
    counters, asked = store.upsert([node, other], [edge])
    assert (counters.nodes_created, counters.relationships_created, asked) == (1, 1, 1)
    counters, asked = store.upsert([node, other], [edge])
    assert not counters.changed and asked == 0
    changed = {**edge, "props": {"key": "stmt/1", "valid_from": "1962"}}
    counters, _ = store.upsert([node], [changed])
    assert counters.relationships_created == 0 and counters.properties_set >= 1
    assert store.query("MATCH ()-[r:ALLIED_WITH]->() RETURN r.valid_from AS v") == [{"v": "1962"}]


def test_dangling_reference_is_refused_by_the_streamed_load(tmp_path, store):
    from peninsula.graph.bulk import load_stream

    lines = _entity("state/AAA") + [f"<{BASE}state/AAA> <{PEN}alliedWith> <{BASE}state/ZZZ> ."]
    with pytest.raises(InputError, match="state/ZZZ"):
        load_stream(store, _write(tmp_path / "d.nt", lines))


# ---------------------------------------------------------------------------- exports
@pytest.fixture(scope="module")
def loaded(small, tmp_path_factory):
    from peninsula.graph.bulk import load_stream
    from peninsula.graph.store import open_store

    s = open_store(f"embedded:{tmp_path_factory.mktemp('loaded') / 'l.db'}")
    load_stream(s, small["nt"])
    yield s
    s.close()


def test_streamed_ntriples_export_is_the_same_graph(loaded, small, tmp_path):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from peninsula.graph.export import to_graph, write_ntriples

    out = tmp_path / "out.nt"
    n = write_ntriples(loaded, out)
    g = Graph().parse(out, format="nt")
    assert len(g) == len(set(out.read_text(encoding="utf-8").splitlines())) <= n
    assert isomorphic(g, to_graph(loaded))
    assert isomorphic(g, Graph().parse(small["nt"], format="nt"))


def test_neo4j_admin_csv_headers_rows_and_command(loaded, tmp_path):
    from peninsula.graph.neo4j_admin import ARRAY_DELIMITER, export_neo4j_admin

    files = export_neo4j_admin(loaded, tmp_path / "csv")
    node_rows = {}
    for path in files["nodes"]:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0][:2] == ["key:ID(Entity)", ":LABEL"]
        node_rows.update({r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]})
    assert len(node_rows) == len(list(loaded.nodes()))
    state = next(r for k, r in node_rows.items() if k.startswith("state/X"))
    assert state[":LABEL"].split(ARRAY_DELIMITER) == ["Actor", "Entity", "State"]
    assert state["iso3:string"] == state["key:ID(Entity)"][len("state/X"):]
    assert state["sources:string[]"].startswith("src/synth-")
    missile = next(r for k, r in node_rows.items() if k.startswith("missile/"))
    assert float(missile["range_max_km:double"]) > 0
    n_edges = 0
    for path in files["relationships"]:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0][:3] == [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE"]
        assert all(r[0] in node_rows and r[1] in node_rows for r in rows[1:])
        n_edges += len(rows) - 1
        if "TESTED" in path.name:
            header = rows[0]
            assert "distance_km:double" in header and "valid_from:string" in header
    assert n_edges == len(list(loaded.edges()))
    cmd = files["command"]
    assert cmd.startswith("neo4j-admin database import full neo4j ")
    assert all(f"--nodes={p}" in cmd for p in files["nodes"])
    assert all(f"--relationships={p}" in cmd for p in files["relationships"])


def test_cli_streamed_load_then_neo4j_admin_export(small, tmp_path):
    from click.testing import CliRunner

    from peninsula.graph.cli import main

    uri = f"embedded:{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(main, ["--store", uri, "load", "--stream", str(small["nt"])])
    assert result.exit_code == 0, result.output
    assert "nodes created" in result.output
    result = CliRunner().invoke(main, ["--store", uri, "export", "--format", "neo4j-admin", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert "neo4j-admin database import full neo4j" in result.output
    assert sorted(p.name for p in (tmp_path / "d").glob("relationships-*.csv"))


# ---------------------------------------------------------------------------- fast paths, exactly
def test_ntriples_export_escapes_what_ntriples_must_escape(store, tmp_path):
    """Quotes, backslashes, line breaks, tabs and other control characters written by string
    formatting still parse (strict, pyoxigraph) to the graph `to_graph` builds."""
    import pyoxigraph
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from peninsula.graph.export import to_graph, write_ntriples

    odd = 'say "hi"\\ back\\slash\nnew line\r\ttab \x01 end'
    store.write([{"key": "state/AAA", "labels": ["Entity", "Actor", "State"],
                  "props": {"key": "state/AAA", "class": "State", "name": odd, "name_ko": "조선 \"큰\"",
                            "iso3": "AAA", "sources": ["src/s1"]}},
                 {"key": "src/s1", "labels": ["Entity", "Source"],
                  "props": {"key": "src/s1", "class": "Source", "name": "S", "url": "https://x.invalid/?a=\"b\""}}],
                [])
    out = tmp_path / "odd.nt"
    n = write_ntriples(store, out)
    text = out.read_text(encoding="utf-8")
    assert n == len(text.splitlines()) and "\\n" in text and "\\\"" in text and "\\u0001" in text
    names = {q.object.value for q in pyoxigraph.parse(path=str(out), format=pyoxigraph.RdfFormat.N_TRIPLES)
             if q.predicate.value.endswith("#name")}
    assert odd in names and "조선 \"큰\"" in names
    assert isomorphic(Graph().parse(out, format="nt"), to_graph(store))


def test_scans_and_key_paging_give_every_element_once(loaded):
    """`scan_nodes`/`scan_edges` (id ranges) and `nodes`/`edges` with tiny pages (key ranges)
    return exactly what one big page returns."""
    key = lambda e: (e["type"], e["key"], e["src"], e["dst"])  # noqa: E731
    nodes, edges = list(loaded.nodes()), list(loaded.edges())
    assert len({n["key"] for n in nodes}) == len(nodes) > 100
    assert list(loaded.nodes(page=7)) == nodes
    assert list(loaded.edges(page=5)) == edges
    assert sorted(loaded.scan_nodes(page=50), key=lambda n: n["key"]) == sorted(nodes, key=lambda n: n["key"])
    assert sorted(loaded.scan_edges(page=40), key=key) == sorted(edges, key=key)
    # a reply cut at two pages goes on from its last source; a node with more is read page by page
    assert max(Counter(e["src"] for e in edges).values()) > 6
    for page in (1, 3):
        scanned = list(loaded.scan_edges(page=page))
        assert sorted(scanned, key=key) == sorted(edges, key=key)
        sources = [e["src"] for e in scanned]
        assert sources == sorted(sources, key=sources.index)  # each source's relationships together


def test_the_export_s_two_parts_share_the_relationships_evenly(loaded):
    """The forked N-Triples export splits the nodes into odd and even internal ids: the sources of
    most relationships (the states, made together) have neighbouring ids, which two halves of the id
    range gave to one process (3x the other's lines at 1M triples)."""
    counts = [sum(1 for _ in loaded.scan_edges(part=(k, 2))) for k in (0, 1)]
    assert sum(counts) == sum(1 for _ in loaded.edges())
    assert 0.4 < counts[0] / sum(counts) < 0.6, counts


def test_bulk_load_reports_counts_and_keeps_indexes(small, tmp_path):
    """Into an empty embedded store the load goes through GRAPH.BULK: counters, key lookups by
    label (the per-label indexes) and a second load (compared in the engine) that writes nothing."""
    from peninsula.graph.bulk import load_stream
    from peninsula.graph.store import open_store

    with open_store(f"embedded:{tmp_path / 'b.db'}") as s:
        report = load_stream(s, small["nt"])
        assert report.counters.nodes_created == report.nodes > 0
        assert report.counters.relationships_created == report.edges > 0
        indexes = s.query("CALL db.indexes() YIELD label, status RETURN label, status", write=True)
        assert {"Entity", "State", "MissileSystem", "WeaponSystem", "TESTED"} <= {r["label"] for r in indexes}
        assert all("OPERATIONAL" in str(r["status"]) for r in indexes)
        missile = s.query("MATCH (m:MissileSystem) RETURN m.key AS k LIMIT 1")[0]["k"]
        plan = "\n".join(s.db.client.execute_command(
            "GRAPH.EXPLAIN", "peninsula", f"MATCH (m:WeaponSystem {{key: '{missile}'}}) RETURN m"))
        assert "Index Scan" in plan
        tested = s.query("MATCH (:MissileTest)-[r:TESTED]->(m:WeaponSystem {key: $k}) RETURN count(r) AS n",
                         {"k": missile})[0]["n"]
        _, edges = _mapped(small["nt"])
        assert tested == sum(1 for e in edges if e["type"] == "TESTED" and e["dst"] == missile) > 0
        again = load_stream(s, small["nt"])
        assert not again.counters.changed


def test_bulk_load_indexes_each_relationship_once(small, tmp_path, monkeypatch):
    """Every relationship index is built, empty, before the first relationship arrives: one still
    under construction then indexed the relationships a second time as it was built (at 1M triples,
    in every load measured; at 3,000 the build wins the race), copies the engine's fork GC collected
    for a minute after a 10M-triple load, in the middle of the next one."""
    from peninsula.graph import falkor_bulk
    from peninsula.graph.bulk import load_stream
    from peninsula.graph.store import open_store

    events = []
    send = falkor_bulk.FalkorBulk._send

    def spy_send(self, n_nodes, n_edges, node_tokens, edge_tokens):
        if n_edges and "edges" not in events:
            events.append("edges")
            rows = self.store.query("CALL db.indexes() YIELD entitytype, status RETURN entitytype, status", write=True)
            events.append(sorted({str(r["status"]) for r in rows if r["entitytype"] == "RELATIONSHIP"}))
        send(self, n_nodes, n_edges, node_tokens, edge_tokens)

    def spy_wait(store, *args, **kwargs):
        wait(store, *args, **kwargs)
        rows = store.query("CALL db.indexes() YIELD entitytype RETURN entitytype", write=True)
        events.append(("built", sorted({r["entitytype"] for r in rows})))

    with open_store(f"embedded:{tmp_path / 'once.db'}") as s:
        wait = type(s).wait_for_indexes
        monkeypatch.setattr(falkor_bulk.FalkorBulk, "_send", spy_send)
        monkeypatch.setattr(type(s), "wait_for_indexes", spy_wait)
        load_stream(s, small["nt"])
        first = events.index("edges")
        assert ("built", ["RELATIONSHIP"]) in events[:first], events  # waited for them, and only them
        assert events[first + 1] == ["OPERATIONAL"], events
        rows = s.query("CALL db.indexes() YIELD label, info RETURN label, info", write=True)
        twice = {r["label"]: (r["info"]["numDocuments"], r["info"]["maxDocId"]) for r in rows
                 if r["info"]["maxDocId"] != r["info"]["numDocuments"]}
        assert not twice, f"documents indexed twice (live, ever made): {twice}"


def test_an_index_added_to_a_store_with_data_is_built_before_ensure_schema_returns(tmp_path):
    """A store opened with an index missing (an ontology that gained one) builds it over the graph it
    holds before anything is written: written meanwhile, a node would be indexed twice."""
    from peninsula.graph.store import open_store

    with open_store(f"embedded:{tmp_path / 'grow.db'}") as s:
        keys = [f"state/S{i:05d}" for i in range(30000)]
        s.create([{"key": k, "labels": ["Entity", "Actor", "State"], "props": {"key": k, "class": "State"}}
                  for k in keys], [])
        s.query("DROP INDEX FOR (x:State) ON (x.key)", write=True)  # the label is indexed again, without it
        s.wait_for_indexes()
        assert "key" not in s._indexed()[("NODE", "State")]
        s.ensure_schema()
        rows = s.query("CALL db.indexes() YIELD label, properties, status RETURN label, properties, status", write=True)
        assert [r["status"] for r in rows if r["label"] == "State" and "key" in r["properties"]] == ["OPERATIONAL"]
        assert all(r["status"] == "OPERATIONAL" for r in rows), rows


def test_a_new_store_creates_its_indexes_without_asking_the_engine_whether_they_are_built(tmp_path, monkeypatch):
    """Over an empty graph an index has nothing to build: opening a new store creates every index and
    does not poll the engine's index list while the engine creates them (it polls when the graph holds
    something, as in the test above)."""
    from peninsula.graph import falkor
    from peninsula.graph.store import open_store

    polls = []
    monkeypatch.setattr(falkor._FalkorStore, "wait_for_indexes", lambda store, *a, **k: polls.append(store))
    with open_store(f"embedded:{tmp_path / 'new.db'}") as s:
        assert polls == []
        have = s._indexed()
        assert ("NODE", "State") in have and "key" in have[("NODE", "State")]
        s.drop()
        assert s.is_empty()  # a graph not created yet: the engine refuses to read it, and it holds nothing
        s.ensure_schema()
        assert polls == [] and s.is_empty()
        s.create([{"key": "state/AAA", "labels": ["Entity", "Actor", "State"], "props": {"key": "state/AAA"}}], [])
        s.query("DROP INDEX FOR (x:State) ON (x.key)", write=True)
        s.ensure_schema()  # the graph holds a node now: it waits
        assert polls == [s]


@pytest.mark.parametrize("text", ["A\\u0000A", "A\\u001BA", "A\x1bA"])  # escaped, and a raw ESC
def test_streamed_load_refuses_control_characters_like_every_reader(tmp_path, store, text):
    from peninsula.graph.bulk import load_stream

    path = _write(tmp_path / "ctl.nt", _entity("state/AAA", extra=[f'<{PEN}iso3> "{text}"']))
    with pytest.raises(InputError, match="control character U\\+00") as exc:
        load_stream(store, path)
    assert "ctl.nt:3" in str(exc.value) and "iso3" in str(exc.value)
    assert store.query("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


def test_upsert_sees_changed_properties_and_new_labels_in_the_engine(store):
    node = {"key": "org/x", "labels": ["Entity", "Actor", "Organization"],
            "props": {"key": "org/x", "class": "Organization", "name": "X"}}
    store.create([node], [])
    counters, _ = store.upsert([node], [])
    assert not counters.changed
    renamed = {**node, "props": {**node["props"], "name": "Y"}}
    counters, _ = store.upsert([renamed], [])
    assert counters.properties_set >= 1
    more = {**renamed, "labels": [*renamed["labels"], "Forum"]}
    counters, _ = store.upsert([more], [])
    assert counters.labels_added >= 1
    assert store.query("MATCH (n:Forum {key: 'org/x'}) RETURN n.name AS name") == [{"name": "Y"}]


def test_mapping_in_worker_processes_equals_mapping_here(small, monkeypatch, tmp_path):
    """Chunks cut at subject boundaries and mapped in two processes give the same elements, in
    the same order, as mapping here; a bad line is still reported with its line number."""
    from peninsula.loaders import stream

    monkeypatch.setattr(stream, "CHUNK", 4096)  # many chunks, many cuts
    monkeypatch.setenv("PENINSULA_MAP_WORKERS", "1")
    here = list(stream.stream_graph(small["shuffled"]))
    monkeypatch.setenv("PENINSULA_MAP_WORKERS", "2")
    assert stream._workers(small["shuffled"]) == 2
    assert list(stream.stream_graph(small["shuffled"])) == here
    assert sum(1 for kind, _ in here if kind == "node") == len(_mapped(small["nt"])[0])
    bad = _write(tmp_path / "m.nt", _entity("state/AAA") + _entity("state/BBB") + ["<http://x> <http://y> oops ."])
    with pytest.raises(InputError) as exc:
        list(stream.stream_graph(bad))
    assert "m.nt:5" in str(exc.value)


def test_ntriples_export_split_with_a_forked_process_is_the_same_file(loaded, tmp_path, monkeypatch):
    from peninsula.graph import export

    one, two = tmp_path / "one.nt", tmp_path / "two.nt"
    monkeypatch.setattr(export, "FORK_ABOVE", 10**9)
    n1 = export.write_ntriples(loaded, one)
    monkeypatch.setattr(export, "FORK_ABOVE", 10)
    assert export._can_fork(loaded)
    n2 = export.write_ntriples(loaded, two)
    lines = one.read_text(encoding="utf-8").splitlines()
    assert n1 == n2 == len(lines) > 1000
    assert two.read_bytes() == one.read_bytes()  # the forked half's lines sorted in with the rest
    assert not list(tmp_path.glob(".*.part")) and not list(tmp_path.glob(".*.tmp"))
    assert loaded.query("MATCH (n) RETURN count(n) AS n")[0]["n"] > 0  # the store still answers


@pytest.mark.parametrize("fork_above", [10**9, 10])
def test_ntriples_export_sorted_in_ranges_of_subjects_is_the_same_file_wherever_they_are_cut(
        loaded, tmp_path, monkeypatch, fork_above):
    """A large export is sorted by one `sort` per range of subjects at once, the ranges' files put one
    after the other: the bounds sampled from the store cut it near its middle, and bounds anywhere
    (before every subject, at a node with many lines, after every subject, several) give the file one
    `sort` gives; the store's id range, a pass over every node, is read once for all of it."""
    from peninsula.graph import export

    monkeypatch.setattr(export, "FORK_ABOVE", 10**9)
    one = tmp_path / "one.nt"
    n = export.write_ntriples(loaded, one)
    expected = one.read_bytes()
    lines = expected.decode("utf-8").splitlines()
    subjects = [line.split(" ", 1)[0] for line in lines]
    monkeypatch.setattr(export, "FORK_ABOVE", 10)
    (pivot,) = export._pivots(loaded, loaded.id_range())
    assert pivot in subjects and 0.2 < subjects.index(pivot) / len(subjects) < 0.8
    monkeypatch.setattr(export, "FORK_ABOVE", fork_above)
    state = next(s for s in subjects if "/state/" in s)
    cuts = [(pivot,), ("!",), ("~",), (state,), (subjects[len(subjects) // 3], subjects[2 * len(subjects) // 3]),
            ("!", state, "~")]
    read, id_range = [], loaded.id_range
    monkeypatch.setattr(loaded, "id_range", lambda: read.append(1) or id_range())
    for i, pivots in enumerate(cuts):
        monkeypatch.setattr(export, "_pivots", lambda store, ids, pivots=pivots: pivots)
        out = tmp_path / f"cut-{i}.nt"
        assert export.write_ntriples(loaded, out) == n
        assert out.read_bytes() == expected, pivots
        assert len(read) == i + 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["one.nt", *(f"cut-{i}.nt" for i in range(len(cuts)))])


@pytest.mark.parametrize("fork_above", [10**9, 10])
def test_ntriples_export_whose_sort_fails_says_so_and_keeps_the_old_file(loaded, tmp_path, monkeypatch, fork_above):
    """The lines go to `sort` through a pipe as they are made: a sort that ends early breaks the
    pipe, and its own message is what the user reads; the file there before stays as it was."""
    from peninsula.graph import export
    from peninsula.loaders import ntlines
    from peninsula.ontology import StoreError

    out = tmp_path / "out.nt"
    out.write_text("before\n", encoding="utf-8")
    monkeypatch.setattr(export, "FORK_ABOVE", fork_above)
    monkeypatch.setattr(ntlines, "sort_cmd", lambda tmp: ["sort", "--no-such-option", "-T", tmp])
    with pytest.raises(StoreError, match="`sort` failed: .*no-such-option"):
        export.write_ntriples(loaded, out)
    assert out.read_text(encoding="utf-8") == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nt"]
    assert loaded.query("MATCH (n) RETURN count(n) AS n")[0]["n"] > 0


# ---------------------------------------------------------------------------- named graphs, streamed
NAMED_TRIG = """\
@base <https://peninsula.invalid/id/> .
@prefix pen: <https://peninsula.invalid/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<src/sg-a> a pen:Source ;
    pen:publisher "Stream Publisher" ; pen:title "Stream title" ; pen:date "2017-09-11"^^xsd:date .

<stmt/sg-tested-2> a rdf:Statement ;
    rdf:subject <event/sg-test> ; rdf:predicate pen:tested ; rdf:object <missile/sg-x> ;
    pen:validFrom "2017-07-04"^^xsd:date ; pen:source <src/sg-a> .

<graph/stream-a> {
    <state/XSA> a pen:State ; pen:name "Stream State A"@en, "견본 가"@ko ; pen:iso3 "XSA" ; pen:source <src/sg-a> .
    <state/XSB> a pen:State ; pen:name "Stream State B"@en ; pen:iso3 "XSB" ; pen:source <src/sg-a> .
    <unscr/9990> a pen:SecurityCouncilResolution ;
        pen:name "Stream resolution 9990"@en ; pen:symbol "S/RES/9990 (2017)" ; pen:date "2017-09-11"^^xsd:date ;
        pen:source <src/sg-a> ; pen:targets <state/XSA>, <state/XSB> .
    <stmt/sg-targets> a rdf:Statement ;
        rdf:subject <unscr/9990> ; rdf:predicate pen:targets ; rdf:object <state/XSA> ;
        pen:validFrom "2017-09-11"^^xsd:date ; pen:note "a \\"quoted\\" note" ; pen:source <src/sg-a> .
}

<graph/stream-b> {
    <missile/sg-x> a pen:MissileSystem ;
        pen:name "Stream missile X"@en ; pen:stages 2 ; pen:rangeMaxKm 1250.5 ; pen:source <src/sg-a> .
    <event/sg-test> a pen:MissileTest ;
        pen:name "Stream test"@en ; pen:date "2017-05-14"^^xsd:date ; pen:tested <missile/sg-x> ;
        pen:source <src/sg-a> .
    <stmt/sg-tested-1> a rdf:Statement ;
        rdf:subject <event/sg-test> ; rdf:predicate pen:tested ; rdf:object <missile/sg-x> ;
        pen:validFrom "2017-05-14"^^xsd:date ; pen:source <src/sg-a> .
}
"""


def _named_file(tmp_path, fmt: str, text: str = NAMED_TRIG):
    """The TriG text as a .trig file, or converted by pyoxigraph to another format with named graphs."""
    import pyoxigraph

    trig = tmp_path / "named.trig"
    trig.write_text(text, encoding="utf-8")
    if fmt == "trig":
        return trig
    out = tmp_path / f"named{RDF_FORMATS[fmt].suffix}"
    pyoxigraph.serialize(pyoxigraph.parse(path=str(trig), format=pyoxigraph.RdfFormat.TRIG), str(out),
                         format=RDF_FORMATS[fmt].ox_format)
    return out


@pytest.mark.parametrize("fmt", NAMED_GRAPHS)
def test_streamed_load_keeps_named_graphs_like_the_normal_load(tmp_path, fmt):
    """`load --stream` of TriG / N-Quads gives the store `load --no-stream` gives: each node and
    relationship remembers its named graph (a plain relationship its subject's, a statement's its own)."""
    from click.testing import CliRunner

    from peninsula.graph.cli import main
    from peninsula.graph.store import open_store
    from peninsula.ontology.model import GRAPH_KEY

    path = _named_file(tmp_path, fmt)
    stores = {}
    for mode in ("--stream", "--no-stream"):
        uri = f"embedded:{tmp_path / f'{mode[2:]}.db'}"
        result = CliRunner().invoke(main, ["--store", uri, "load", mode, str(path)])
        assert result.exit_code == 0, result.output
        with open_store(uri) as s:
            stores[mode] = (list(s.nodes()), list(s.edges()))
    assert stores["--stream"] == stores["--no-stream"]
    nodes, edges = stores["--stream"]
    base = "https://peninsula.invalid/id/"
    graph = {n["key"]: n["props"].get(GRAPH_KEY) for n in nodes}
    assert graph == {"src/sg-a": None, "state/XSA": base + "graph/stream-a", "state/XSB": base + "graph/stream-a",
                     "unscr/9990": base + "graph/stream-a", "missile/sg-x": base + "graph/stream-b",
                     "event/sg-test": base + "graph/stream-b"}
    by_key = {e["key"]: e["props"].get(GRAPH_KEY) for e in edges}
    plain = [k for k in by_key if k.startswith("triple/")]
    assert len(plain) == 1 and by_key[plain[0]] == base + "graph/stream-a"  # targets XSB: its subject's graph
    assert by_key["stmt/sg-targets"] == base + "graph/stream-a"
    assert by_key["stmt/sg-tested-1"] == base + "graph/stream-b"
    assert by_key["stmt/sg-tested-2"] is None  # the statement sits in the default graph


@pytest.mark.parametrize("fmt", NAMED_GRAPHS)
def test_streamed_load_refuses_a_subject_in_two_graphs(tmp_path, fmt):
    from peninsula.loaders.stream import stream_graph
    from peninsula.ontology.model import GRAPH_KEY

    spread = NAMED_TRIG + '<graph/stream-a> { <missile/sg-x> pen:stages 3 . }\n'
    with pytest.raises(InputError, match="missile/sg-x has triples in 2 graphs") as exc:
        list(stream_graph(_named_file(tmp_path, fmt, spread)))
    assert exc.value.field == GRAPH_KEY
    with pytest.raises(InputError, match="missile/sg-x has triples in 2 graphs"):  # as the normal load says
        _mapped(_named_file(tmp_path, fmt, spread))


# ---------------------------------------------------------------------------- each triple once, no link followed
def test_ntriples_export_of_the_curated_build_writes_each_triple_once(built, tmp_path, monkeypatch):
    """Parallel annotated relationships (two statements of one triple) share their asserted triple:
    it is written once, so the count reported is the number of triples, as rapper counts them."""
    from peninsula.graph import export

    rapper = require("rapper", "counts the triples of the N-Triples export")
    parallel = built.query("MATCH (a)-[r]->(b) WITH a, type(r) AS t, b, count(r) AS n WHERE n > 1 "
                           "RETURN count(*) AS pairs")[0]["pairs"]
    assert parallel > 0, "the curated data has parallel annotated relationships; this test needs them"
    counts = {}
    for name, fork_above in (("one.nt", 10**9), ("split.nt", 10)):
        monkeypatch.setattr(export, "FORK_ABOVE", fork_above)
        out = tmp_path / name
        n = export.write_ntriples(built, out)
        lines = out.read_text(encoding="utf-8").splitlines()
        proc = subprocess.run([rapper, "-i", "ntriples", "-c", str(out)], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        theirs = int(proc.stderr.rsplit("returned", 1)[1].split()[0])
        assert n == len(lines) == len(set(lines)) == theirs
        counts[name] = (n, sorted(lines))
    assert counts["one.nt"] == counts["split.nt"]
    assert counts["one.nt"][0] == len(export.to_graph(built))


def test_ntriples_writer_dedupes_parallel_relationships_read_in_any_order():
    """Stores that do not give a node's relationships together (Neo4j's scan is by key): the
    asserted triple is still written once, however far apart its relationships come."""
    from peninsula.graph.export import _NTriples
    from peninsula.ontology import load

    def edge(key, src, dst):
        return {"type": "TESTED", "key": key, "src": src, "dst": dst, "props": {"key": key, "valid_from": "2017"}}

    edges = [edge("stmt/1", "event/a", "missile/x"), edge("stmt/2", "event/b", "missile/x"),
             edge("stmt/3", "event/a", "missile/x"), edge("stmt/4", "event/b", "missile/y")]
    lines: list[str] = []
    writer = _NTriples(load(), recent=None)
    for e in edges:
        writer.edge(e, lines)
    lines = "".join(lines).splitlines(keepends=True)  # a statement's four lines come as one string
    asserted = [x for x in lines if x.split(" ")[1].endswith("#tested>")]
    assert len(asserted) == 3 == len(set(asserted))
    assert len(lines) == len(set(lines)) == 3 + 4 * 5  # each statement: type, subject, predicate, object, date


def test_streamed_exports_do_not_write_through_planted_links(loaded, tmp_path, monkeypatch):
    """write_ntriples (one process or split with a forked one) and the neo4j-admin CSV files
    replace a symlink planted at their output name, never write through it, and leave no temporary file."""
    from peninsula.graph import export
    from peninsula.graph.neo4j_admin import export_neo4j_admin

    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "shared"
    out.mkdir()
    for fork_above in (10**9, 10):
        monkeypatch.setattr(export, "FORK_ABOVE", fork_above)
        (out / "graph.nt").unlink(missing_ok=True)
        (out / "graph.nt").symlink_to(victim)
        n = export.write_ntriples(loaded, out / "graph.nt")
        assert victim.read_text() == "precious\n", "the N-Triples export followed a symlink"
        assert not (out / "graph.nt").is_symlink() and len((out / "graph.nt").read_text().splitlines()) == n
    csv_dir = tmp_path / "csv"
    first = export_neo4j_admin(loaded, csv_dir)  # learn the names, then plant links at them
    planted = [*first["nodes"], *first["relationships"]]
    for path in planted:
        path.unlink()
        path.symlink_to(victim)
    again = export_neo4j_admin(loaded, csv_dir)
    assert victim.read_text() == "precious\n", "the neo4j-admin export followed a symlink"
    assert [*again["nodes"], *again["relationships"]] == planted
    assert all(not p.is_symlink() and p.read_text(encoding="utf-8").startswith(("key:ID", ":START_ID"))
               for p in planted)
    assert sorted(p.name for p in out.iterdir()) == ["graph.nt"]
    assert sorted(csv_dir.iterdir()) == sorted(planted)
    with pytest.raises(InputError, match="is a folder"):
        export.write_ntriples(loaded, csv_dir)


# ---------------------------------------------------------------------------- all or nothing, streamed
# Each file is valid until an error at its end, with subjects sorting last (`zzz/`), so the
# streamed load has mapped and (before issue 9) written most of the file when it meets it.
Z = f"<{BASE}zzz/"
BROKEN = {  # name -> (extra lines, what the message says, file:line named?, field named)
    "malformed-line": ([f"{Z}a> <{PEN}name> oops ."], "malformed N-Triples", True, None),
    "control-character": (_entity("zzz/ctl", extra=[f'<{PEN}iso3> "A\\u001BA"']), "control character U+001B",
                          True, "iso3"),
    "dangling-reference": (_entity("zzz/a", extra=[f"<{PEN}alliedWith> {Z}missing>"]), "dangling reference",
                           False, "ALLIED_WITH"),
    "statement-without-its-triple": (_entity("zzz/a") + _entity("zzz/b") + [
        f"{Z}stmt> <{RDF}type> <{RDF}Statement> .", f"{Z}stmt> <{RDF}subject> {Z}a> .",
        f"{Z}stmt> <{RDF}predicate> <{PEN}alliedWith> .", f"{Z}stmt> <{RDF}object> {Z}b> ."], "not asserted",
        False, None),
    "subject-in-two-graphs": ([f"{Z}g> <{RDF}type> <{PEN}State> <{BASE}graph/one> .",
                               f'{Z}g> <{PEN}name> "G"@en <{BASE}graph/two> .'], "graphs", False, GRAPH_KEY),
}


def _broken(valid, tmp_path, name):
    """The valid synthetic file with the broken lines appended (as N-Quads for two graphs)."""
    extra, *_ = BROKEN[name]
    path = tmp_path / (f"{name}.nq" if name == "subject-in-two-graphs" else f"{name}.nt")
    path.write_text(valid.read_text(encoding="utf-8") + "\n".join(extra) + "\n", encoding="utf-8")
    return path, valid.read_text(encoding="utf-8").count("\n") + len(extra)


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    """A second synthetic file (another seed): mostly elements the `small` one does not have."""
    path = tmp_path_factory.mktemp("other") / "other.nt"
    synth().write(path, 2000, seed=11)
    return path


@pytest.mark.parametrize("name", sorted(BROKEN))
@pytest.mark.parametrize("into", ["empty", "populated"])
def test_streamed_load_with_an_error_at_the_end_leaves_the_store_as_it_was(small, other, tmp_path, monkeypatch,
                                                                          name, into):
    """Small chunks and batches: the old path had written thousands of elements by the error."""
    from support import checksum

    from peninsula.graph.bulk import load_stream
    from peninsula.graph.store import open_store
    from peninsula.loaders import stream

    monkeypatch.setattr(stream, "CHUNK", 4096)
    path, last = _broken(other if into == "populated" else small["nt"], tmp_path, name)
    _, says, at_line, field = BROKEN[name]
    with open_store(f"embedded:{tmp_path / 's.db'}") as s:
        if into == "populated":
            load_stream(s, small["nt"])
        before = checksum(s)
        indexes = s.query("CALL db.indexes() YIELD label, properties RETURN label, properties ORDER BY label",
                          write=True)
        with pytest.raises(InputError, match=re.escape(says)) as exc:
            load_stream(s, path, batch=50)
        assert checksum(s) == before
        assert s.query("CALL db.indexes() YIELD label, properties RETURN label, properties ORDER BY label",
                       write=True) == indexes
        where = str(exc.value)
        assert str(path) in where
        if at_line:
            assert f"{path}:{last}" in where, where
        if field:
            assert f"field {field!r}" in where, where
        # the store then takes the valid files as a clean store does (`other` tagged rdf:other, when
        # a second later perhaps)
        load_stream(s, small["nt"])
        load_stream(s, other)
        after = checksum(s, times=False)
    with open_store(f"embedded:{tmp_path / 'clean.db'}") as clean:
        load_stream(clean, small["nt"])
        load_stream(clean, other)
        assert checksum(clean, times=False) == after


def test_streamed_load_into_a_store_with_data_equals_the_normal_load(small, other, tmp_path, monkeypatch):
    """Two passes (check, then write what differs) give what one normal write of both files gives,
    their additions tagged as the normal load tags them (what the second adds is rdf:other)."""
    from support import checksum

    from peninsula.graph.bulk import load_stream
    from peninsula.graph.store import open_store
    from peninsula.loaders import stream
    from peninsula.loaders.datasets import rdf_dataset, tag_additions

    monkeypatch.setattr(stream, "CHUNK", 4096)
    with open_store(f"embedded:{tmp_path / 'a.db'}") as normal, open_store(f"embedded:{tmp_path / 'b.db'}") as fast:
        for path in (small["nt"], other):
            normal.write(*tag_additions(normal, rdf_dataset(path), *_mapped(path)))
            report = load_stream(fast, path, batch=70)
            assert (report.nodes, report.edges) == tuple(map(len, _mapped(path)))
        assert report.counters.relationships_created > 0 and report.counters.properties_set > 0
        assert checksum(fast, times=False) == checksum(normal, times=False)
        entries = [e for r in fast.query("MATCH (n:Entity) WHERE n.loaded IS NOT NULL RETURN n.loaded AS l")
                   for e in r["l"]]  # `other` re-describes the entities of `small` (same keys), adding to them
        assert any(e.startswith("rdf:other sources ") for e in entries)
        assert len([e for e in entries if e.startswith("rdf:other at ")]) == 1
        assert not load_stream(fast, other, batch=70).counters.changed


@pytest.mark.parametrize("into", ["empty", "populated"])
def test_cli_streamed_load_with_an_error_at_the_end_exits_2_and_changes_nothing(small, other, tmp_path, into):
    from click.testing import CliRunner
    from support import store_checksum

    from peninsula.graph.cli import main

    uri = f"embedded:{tmp_path / 'c.db'}"
    path, last = _broken(small["nt"] if into == "empty" else other, tmp_path, "control-character")
    if into == "populated":
        assert CliRunner().invoke(main, ["--store", uri, "load", "--stream", str(small["nt"])]).exit_code == 0
    before = store_checksum(uri)
    result = CliRunner().invoke(main, ["--store", uri, "load", "--stream", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:{last}" in result.output and "iso3" in result.output, result.output
    assert store_checksum(uri) == before


def test_generator_keeps_alliances_within_a_region():
    """Chains between states stay regional, so the pack query's work between two states of a region
    is the same at every size (the benchmark's p50 at 10M against 1M compares like with like)."""
    import random

    generator = synth()
    states = [f"state/X{i:04d}" for i in range(2 * generator.REGION + 50)]
    rnd = random.Random(5)
    pairs = [generator._neighbours(rnd, states) for _ in range(2000)]
    assert all(states.index(a) // generator.REGION == states.index(b) // generator.REGION and a != b for a, b in pairs)
    assert {states.index(a) // generator.REGION for a, _ in pairs} == {0, 1, 2}


def test_replicated_copies_share_no_key_and_no_iso_code(tmp_path):
    generator = synth()
    source = tmp_path / "curated.nt"
    source.write_text(
        f'<{generator.BASE}state/PRK> <{PEN}iso3> "PRK" .\n'
        f'<{generator.BASE}state/PRK> <{PEN}name> "North Korea"@en .\n'
        f'_:b1 <{PEN}source> <{generator.BASE}src/un> .\n', encoding="utf-8")
    out = tmp_path / "copies.nt"
    assert generator.replicate(source, out, 9) == 7
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if "iso3" in line] == [f'<{generator.BASE}state/PRK-c0> <{PEN}iso3> "PRK" .']
    assert f'<{generator.BASE}state/PRK-c1> <{PEN}name> "North Korea"@en .' in lines
    assert f'_:c2xb1 <{PEN}source> <{generator.BASE}src/un-c2> .' in lines
    assert len(lines) == len(set(lines)) == 7


_ANNOTATION = st.recursive(st.none() | st.booleans() | st.integers(-(2 ** 63), 2 ** 63 - 1)
                           | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=3), max_leaves=6)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(min_size=1), _ANNOTATION, max_size=6))
def test_join_records_carry_annotations_as_the_json_encoder_writes_them(annotations):
    """A statement's annotations go into the join's records as `json.JSONEncoder(ensure_ascii=False)`
    writes them (by the C encoder made once, loaders/stream._DUMPS), and come back equal."""
    import json

    from peninsula.loaders import stream

    text = stream._DUMPS(annotations)
    assert text == json.JSONEncoder(ensure_ascii=False).encode(annotations)
    assert stream._loads(text) == annotations


def test_comparisons_of_a_reload_overlap_and_spill_in_the_order_the_batches_came():
    """Two batches are compared at once (the second must start while the first still waits), and what
    differs is spilled in the batches' order although the later comparison ends first: nodes go
    before the relationships that need them. Sequential comparisons fail it (the first waits in
    vain for the second to start); spilling as comparisons end fails the order."""
    import io
    import pickle
    import threading

    from peninsula.graph.bulk import _Comparisons

    started = {i: threading.Event() for i in range(4)}

    def differing(store, kind, rows, ledger):
        n = rows[0]["key"]
        started[n].set()
        if n % 2 == 0:  # waits until the next batch's comparison has started (and ended)
            assert started[n + 1].wait(10), "the next comparison did not start beside this one"
            threading.Event().wait(0.05)
        return [(row, False) for row in rows]

    spill = io.BytesIO()
    with _Comparisons(None, spill, differing=differing) as comparisons:
        for n, kind in enumerate(["node", "node", "edge", "edge"]):
            comparisons.submit(kind, [{"key": n}])
        comparisons.finish()
    spill.seek(0)
    spilled = []
    while spill.tell() < len(spill.getvalue()):
        spilled.append(pickle.load(spill))
    assert spilled == [("node", [{"key": 0}]), ("node", [{"key": 1}]), ("edge", [{"key": 2}]), ("edge", [{"key": 3}])]
