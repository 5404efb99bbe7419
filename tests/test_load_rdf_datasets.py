"""What an RDF file adds to a store is its dataset, `rdf:STEM`, on both load paths: the normal load
(SHACL, one write) and the streamed one (`load --stream`, the default above 20 MB). One rule
(loaders/datasets.py `tag_additions`), so each test expects exactly the same of both.

Each test loads into its own copy of one curated build (copying the closed store file is fast)."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from rdflib import Graph
from support import RDF_ADDITIONS, SAMPLES, checksum, store_checksum

from peninsula import api
from peninsula.graph.export import export
from peninsula.graph.store import open_store
from peninsula.loaders.datasets import is_stamp, unload
from peninsula.ontology import PEN, base_iri

BASE = base_iri()
PATHS = ["normal", "streamed"]
# a new source and state (with a relationship to a curated one), a source added to a curated state
# and an alias to a curated organization that has none; in N-Triples, after the whole curated export (which the
# streamed load needs: every subject it reads is typed in the file)
ADDITIONS = RDF_ADDITIONS + f'<org/council-of-the-eu> <{PEN}alias> "test-only alias"@en .\n'


@pytest.fixture(scope="module")
def curated_db(tmp_path_factory):
    """A closed store file holding the curated graph (no derivation), and its N-Triples export."""
    folder = tmp_path_factory.mktemp("curated")
    with open_store(f"embedded:{folder / 'kb.db'}") as s:
        api.build(s, derive=False)
        text = export(s, "ntriples")
    return folder, text


@pytest.fixture
def kb(curated_db, tmp_path):
    """A fresh copy of the curated build, open."""
    folder, _ = curated_db
    for f in folder.iterdir():
        shutil.copy(f, tmp_path / f.name)
    s = open_store(f"embedded:{tmp_path / 'kb.db'}")
    yield s
    s.close()


def load(store, path, how: str):
    return api.load(store, path, stream=how == "streamed")


def ledger(store) -> dict:
    """key -> (its `dataset`, its `loaded` entries with each time of load as TIME), for every entity
    and relationship that has either."""
    rows = store.query("MATCH (n:Entity) WHERE n.dataset IS NOT NULL OR n.loaded IS NOT NULL "
                       "RETURN n.key AS key, n.dataset AS d, n.loaded AS l")
    rows += store.query("MATCH ()-[r]->() WHERE r.dataset IS NOT NULL OR r.loaded IS NOT NULL "
                        "RETURN r.key AS key, r.dataset AS d, r.loaded AS l")
    return {r["key"]: (r["d"], [e.rsplit(" ", 1)[0] + " TIME" if is_stamp(e) else e for e in r["l"] or []])
            for r in rows}


def additions_file(curated_db, tmp_path):
    graph = Graph()
    graph.parse(data=ADDITIONS, format="turtle")
    path = tmp_path / "additions.nt"
    path.write_text(curated_db[1] + graph.serialize(format="nt"), encoding="utf-8")
    return path


@pytest.mark.parametrize("how", PATHS)
def test_what_a_file_adds_is_its_dataset_on_both_paths_and_unload_removes_it(curated_db, kb, tmp_path, how):
    """Created entities and relationships get `dataset`; a source and a property added to curated
    entities go in their `loaded` entries; one entry says when; a reload changes nothing; `unload`
    gives the curated graph back exactly."""
    before = checksum(kb)
    path = additions_file(curated_db, tmp_path)
    report = load(kb, path, how)
    assert report.counters.nodes_created == 2 and report.counters.relationships_created == 1
    assert ledger(kb) == added(kb)
    after = checksum(kb)
    again = load(kb, path, how)
    assert not again.counters.changed and checksum(kb) == after
    report = unload(kb, "rdf:additions")
    assert (report.nodes_deleted, report.relationships_deleted, report.nodes_changed) == (2, 1, 2)
    assert checksum(kb) == before


def added(store) -> dict:
    """The `ledger` of the curated graph with ADDITIONS loaded."""
    supports = store.query("MATCH (:State {key: 'state/XXA'})-[r:SUPPORTS]->(:State {key: 'state/PRK'}) "
                           "RETURN r.key AS key")[0]["key"]
    return {
        "src/sample-a": (["rdf:additions"], ["rdf:additions at TIME"]),  # the least key created says when
        "state/XXA": (["rdf:additions"], []),
        supports: (["rdf:additions"], []),
        "state/PRK": (None, ["rdf:additions sources src/sample-a"]),
        "org/council-of-the-eu": (None, ["rdf:additions alias"]),
    }


@pytest.mark.parametrize("how", PATHS)
def test_neo4j_tags_what_a_file_adds_as_falkordb_does(curated_db, neo4j_store, tmp_path, how):
    """The same rule in the other engine (its queries are also linted: conftest.SENT_TO_NEO4J)."""
    api.build(neo4j_store, derive=False)
    before = checksum(neo4j_store)
    path = additions_file(curated_db, tmp_path)
    load(neo4j_store, path, how)
    assert ledger(neo4j_store) == added(neo4j_store)
    assert not load(neo4j_store, path, how).counters.changed
    unload(neo4j_store, "rdf:additions")
    assert checksum(neo4j_store) == before


@pytest.mark.parametrize("how", PATHS)
def test_an_export_of_the_curated_graph_tags_nothing_on_both_paths(curated_db, kb, tmp_path, how):
    path = tmp_path / "curated.nt"
    path.write_text(curated_db[1], encoding="utf-8")
    before = checksum(kb)
    assert not load(kb, path, how).counters.changed and checksum(kb) == before
    with open_store(f"embedded:{tmp_path / 'empty.db'}") as empty:  # a restore
        load(empty, path, how)
        assert checksum(empty) == before


@pytest.fixture(scope="module")
def loaded_export(tmp_path_factory):
    """The curated graph with the CNS and UN matching samples loaded over it: its checksum and its
    N-Quads export (each dataset in its own graph, `pen:dataset` and `pen:loaded` included)."""
    from peninsula.loaders.sources import load_source

    folder = tmp_path_factory.mktemp("loaded")
    with open_store(f"embedded:{folder / 'kb.db'}") as s:
        api.build(s, derive=False)
        load_source(s, "cns", SAMPLES / "cns" / "matching.csv")
        load_source(s, "un-xml", SAMPLES / "un-xml" / "matching.xml")
        path = folder / "export.nq"
        path.write_text(export(s, "nquads"), encoding="utf-8")
        return checksum(s), path


@pytest.mark.parametrize("how", PATHS)
def test_an_export_of_a_store_keeps_its_datasets_on_both_paths(loaded_export, kb, how):
    """Its entities carry their datasets and loaded entries: none is re-tagged with the file's name,
    and the store becomes the one exported (times of load included)."""
    want, path = loaded_export
    load(kb, path, how)
    assert checksum(kb) == want
    assert not any(d.startswith("rdf:") for ds, _ in ledger(kb).values() for d in ds or [])


@pytest.mark.parametrize("flag", ["--stream", "--no-stream"])
def test_the_cli_names_the_dataset_on_both_paths(curated_db, tmp_path, flag):
    from peninsula.graph.cli import main

    for f in curated_db[0].iterdir():
        shutil.copy(f, tmp_path / f.name)
    uri = f"embedded:{tmp_path / 'kb.db'}"
    before = store_checksum(uri)
    path = additions_file(curated_db, tmp_path)
    runner = CliRunner()
    loaded = runner.invoke(main, ["--store", uri, "load", flag, str(path)], catch_exceptions=False)
    assert loaded.exit_code == 0 and "dataset: rdf:additions (remove it with `peninsula unload rdf:additions`)" \
        in loaded.output, loaded.output
    unloaded = runner.invoke(main, ["--store", uri, "unload", "rdf:additions"], catch_exceptions=False)
    assert unloaded.exit_code == 0, unloaded.output
    assert store_checksum(uri) == before
