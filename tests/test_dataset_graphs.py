"""Each loaded dataset in its own named graph: what a loader adds to the curated graph (the CNS and
UN samples of test_matching) goes to ``<base>graph/dataset/NAME`` in the TriG and N-Quads exports
and the SPARQL copy, is described with PROV in the VoID, and comes back from a load as it was."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest
from rdflib import RDF, Dataset, Literal, Namespace, URIRef
from support import RDF_ADDITIONS, SAMPLES, checksum

from peninsula.graph.export import export

BASE = "https://peninsula.invalid/id/"
PEN = Namespace("https://peninsula.invalid/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
VOID = Namespace("http://rdfs.org/ns/void#")
CNS, UN = f"{BASE}graph/dataset/cns:matching", f"{BASE}graph/dataset/un-xml:matching"
SUFFIX = {"trig": "trig", "nquads": "nq"}
STARTED = dt.datetime.now(dt.UTC).replace(microsecond=0)  # every load of these tests is after this


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The curated graph (no derivation) with the CNS and UN matching samples loaded over it."""
    from peninsula.graph.build import build
    from peninsula.graph.store import open_store
    from peninsula.loaders.sources import load_source

    s = open_store(f"embedded:{tmp_path_factory.mktemp('datasets') / 'kb.db'}")
    build(s, derive=False)
    load_source(s, "cns", SAMPLES / "cns" / "matching.csv")
    load_source(s, "un-xml", SAMPLES / "un-xml" / "matching.xml")
    yield s
    s.close()


def _parsed(text: str, fmt: str) -> Dataset:
    ds = Dataset()
    ds.parse(data=text, format=fmt)
    return ds


def _node(s, key):
    return s.query("MATCH (n:Entity {key: $k}) RETURN properties(n) AS p", {"k": key})[0]["p"]


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_each_dataset_has_its_graph_and_the_curated_graph_only_curated_facts(loaded, fmt):
    ds = _parsed(export(loaded, fmt), fmt)
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert {CNS, UN} <= names
    curated, cns = ds.default_graph, ds.graph(URIRef(CNS))
    assert (None, PEN.dataset, None) not in curated and (None, PEN.loaded, None) not in curated
    # an entity the loader created: all of it in its dataset's graph
    test = URIRef(f"{BASE}event/cns-204")
    assert (test, RDF.type, PEN.MissileTest) in cns and (test, PEN.dataset, Literal("cns:matching")) in cns
    assert not list(curated.predicate_objects(test))
    # a relationship it created: the statement and the asserted triple
    assert (test, PEN.tested, URIRef(f"{BASE}missile/pukguksong-1")) in cns
    assert (test, PEN.tested, None) not in curated
    # a curated launch it only enriched: what it added is the dataset's, the rest stays curated
    launch = URIRef(f"{BASE}event/test-2017-11-29")
    props = _node(loaded, "event/test-2017-11-29")
    assert props["record_id"] == "F1=201" and "cns:matching record_id" in props["loaded"]
    assert (launch, PEN.recordId, Literal("F1=201")) in cns and (launch, PEN.recordId, None) not in curated
    assert (launch, PEN.launchTime, None) in cns and (launch, PEN.launchTime, None) not in curated
    assert (launch, PEN.source, URIRef(f"{BASE}src/cns-matching")) in cns
    assert (launch, PEN.source, URIRef(f"{BASE}src/cns-matching")) not in curated
    assert (launch, PEN.loaded, Literal("cns:matching record_id")) in cns
    assert (launch, RDF.type, None) in curated and (launch, PEN.name, None) in curated
    assert (launch, RDF.type, None) not in cns and (launch, PEN.name, None) not in cns
    curated_sources = [s for s in curated.objects(launch, PEN.source)]
    assert curated_sources and all("cns" not in str(s) for s in curated_sources)
    # the UN sample: the reference number it put on a curated designee is the UN dataset's
    gbae = URIRef(f"{BASE}org/gbae")
    assert (gbae, PEN.referenceNumber, Literal("KPe.904")) in ds.graph(URIRef(UN))
    assert (gbae, PEN.referenceNumber, None) not in curated and (gbae, PEN.referenceNumber, None) not in cns


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_pyoxigraph_reads_the_same_quads(loaded, fmt):
    text = export(loaded, fmt)
    store = ox.Store()
    store.load(text.encode("utf-8"), format=ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS)
    ds = _parsed(text, fmt)
    assert len(store) == sum(len(g) for g in ds.graphs())
    for name in (CNS, UN):
        assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(name)))) == len(ds.graph(URIRef(name)))
    q = f"ASK {{ GRAPH <{CNS}> {{ <{BASE}event/test-2017-11-29> <{PEN}recordId> \"F1=201\" }} }}"
    assert bool(store.query(q))


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_the_round_trip_gives_back_datasets_and_loaded_entries(loaded, tmp_path, fmt):
    from peninsula.graph.build import load_rdf
    from peninsula.graph.store import open_store
    from peninsula.loaders.datasets import unload

    text = export(loaded, fmt)
    path = tmp_path / f"export.{SUFFIX[fmt]}"
    path.write_text(text, encoding="utf-8")
    with open_store(f"embedded:{tmp_path / 'again.db'}") as again:
        load_rdf(again, path)
        assert checksum(again) == checksum(loaded)  # `dataset` and `loaded` included
        assert export(again, fmt) == text
        assert again.query("MATCH (n:Entity) WHERE n.graph IS NOT NULL RETURN count(n) AS n")[0]["n"] == 0
        unload(again, "un-xml:matching")  # the dataset still removes exactly after the trip
        assert "graph/dataset/un-xml" not in export(again, fmt) and CNS in export(again, fmt)
        assert _node(again, "org/gbae").get("reference_number") is None


def test_sparql_sees_each_dataset_graph_with_its_provenance(loaded, tmp_path):
    from peninsula.graph.sparql import run_sparql

    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{CNS}> {{ ?s <{PEN}recordId> ?r }} }}"
    n = int(run_sparql(loaded, q, "table", cache_dir=tmp_path / "c")[0]["n"].split('"')[1])
    exported = _parsed(export(loaded, "nquads"), "nquads").graph(URIRef(CNS))
    assert n == len(list(exported.triples((None, PEN.recordId, None)))) > 0  # the graph the exports have
    prov = (f"SELECT ?file WHERE {{ GRAPH <{CNS}> {{ <{CNS}> <{PROV}wasGeneratedBy> ?a . ?a <{PROV}used> ?file }} }}")
    assert run_sparql(loaded, prov, "table", cache_dir=tmp_path / "c") == [{"file": f"{BASE}src/cns-matching"}]
    curated = f"ASK {{ ?s <{PEN}loaded> ?l . FILTER NOT EXISTS {{ GRAPH ?g {{ ?s <{PEN}loaded> ?l }} }} }}"
    assert run_sparql(loaded, curated, "table", cache_dir=tmp_path / "c") == [{"result": False}]


def test_the_void_describes_each_dataset_graph_and_its_load(loaded):
    from peninsula.graph.metadata import describe

    g = describe(loaded)
    ds = _parsed(export(loaded, "nquads"), "nquads")
    top = set(g.objects(URIRef(f"{BASE}dataset/peninsula"), VOID.subset))
    assert {URIRef(CNS), URIRef(UN), URIRef(f"{BASE}dataset/curated"), URIRef(f"{BASE}graph/derived")} == top
    for name, fmt, file, src in ((CNS, "cns", "matching.csv", "src/cns-matching"),
                                 (UN, "un-xml", "matching.xml", "src/un-consolidated-matching")):
        graph = URIRef(name)
        assert g.value(graph, VOID.triples) == Literal(len(ds.graph(graph))) and len(ds.graph(graph)) > 0
        assert (graph, RDF.type, PROV.Entity) in g
        activity = g.value(graph, PROV.wasGeneratedBy)
        assert str(g.value(activity, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == \
            f"peninsula load --format {fmt} {file}"
        assert g.value(activity, PROV.used) == URIRef(BASE + src) == g.value(graph, PROV.wasDerivedFrom)
        assert (g.value(activity, PROV.wasAssociatedWith), RDF.type, PROV.SoftwareAgent) in g
        # reach and scores count loaded sites and actors too
        assert (URIRef(f"{BASE}graph/derived"), PROV.wasDerivedFrom, graph) in g
    curated = g.value(URIRef(f"{BASE}dataset/curated"), VOID.triples).toPython()
    assert curated == len(ds.default_graph)


def test_a_streamed_load_reads_the_dataset_graphs_back_too(loaded, tmp_path):
    """The streaming reader (N-Quads, bounded memory) names graphs in N-Triples form: it reads the
    dataset graphs back as the default graph like the normal one (`Codec.graph_value_nt`)."""
    from peninsula import api
    from peninsula.graph.store import open_store

    path = tmp_path / "export.nq"
    text = export(loaded, "nquads")
    path.write_text(text, encoding="utf-8")
    with open_store(f"embedded:{tmp_path / 'streamed.db'}") as again:
        api.load(again, path, stream=True)
        assert checksum(again) == checksum(loaded) and export(again, "nquads") == text


def test_one_function_names_each_graph():
    from peninsula.graph.named_graphs import derived_apart
    from peninsula.graph.sparql import derived_graph
    from peninsula.loaders.codec import codec, dataset_graph_iri, derived_graph_iri
    from peninsula.loaders.rdf import NamedGraphs

    assert derived_graph().value == derived_graph_iri() == str(derived_apart(NamedGraphs())) == f"{BASE}graph/derived"
    assert dataset_graph_iri("ftm:a b") == f"{BASE}graph/dataset/ftm:a%20b"  # a name an IRI cannot hold as is
    c = codec()
    assert c.graph_value(URIRef(dataset_graph_iri("cns:x"))) is None and c.graph_value(URIRef(f"{BASE}graph/other"))
    assert c.graph_value_nt(f"<{dataset_graph_iri('cns:x')}>") is None


# ---------------------------------------------------------------------------- when each dataset was loaded
def _when(text) -> dt.datetime:
    """An xsd:dateTime in UTC (`...Z`), read strictly."""
    assert str(text).endswith("Z"), text
    return dt.datetime.fromisoformat(str(text))


def test_the_prov_of_each_dataset_says_when_it_was_loaded(loaded):
    from rdflib import XSD

    from peninsula.graph.metadata import describe

    g = describe(loaded)
    for name in (CNS, UN):
        ended = g.value(g.value(URIRef(name), PROV.wasGeneratedBy), PROV.endedAtTime)
        assert ended is not None and ended.datatype == XSD.dateTime
        assert STARTED <= _when(ended) <= dt.datetime.now(dt.UTC)
    # kept on the dataset's file Source, in its graph
    entries = _node(loaded, "src/un-consolidated-matching")["loaded"]
    assert [e for e in entries if e.startswith("un-xml:matching at ")] == [f"un-xml:matching at {ended}"]
    trig = _parsed(export(loaded, "trig"), "trig")
    stamps = [o for o in trig.graph(URIRef(CNS)).objects(URIRef(f"{BASE}src/cns-matching"), PEN.loaded)
              if str(o).startswith("cns:matching at ")]
    assert len(stamps) == 1 and (None, PEN.loaded, stamps[0]) not in trig.default_graph


def test_a_reload_keeps_the_first_time_and_changes_nothing(loaded):
    from peninsula.loaders.sources import load_source

    before = checksum(loaded)
    report = load_source(loaded, "cns", SAMPLES / "cns" / "matching.csv")
    assert not report.counters.changed and checksum(loaded) == before


# ---------------------------------------------------------------------------- RDF additions
ADDITIONS = RDF_ADDITIONS


@pytest.fixture
def curated(tmp_path):
    """The curated graph alone (no derivation), in a store of this test's own."""
    from peninsula.graph.build import build
    from peninsula.graph.store import open_store

    with open_store(f"embedded:{tmp_path / 'curated.db'}") as s:
        build(s, derive=False)
        yield s


def test_rdf_additions_are_a_dataset_that_unload_removes_exactly(curated, tmp_path):
    """`peninsula load additions.ttl` over the curated graph: what it adds is dataset rdf:additions,
    in its own graph of the exports, with its time of load; `unload` gives the store back as it was."""
    from rdflib import XSD

    from peninsula.graph.build import load_rdf
    from peninsula.graph.metadata import describe
    from peninsula.loaders.datasets import unload

    before = checksum(curated)
    path = tmp_path / "additions.ttl"
    path.write_text(ADDITIONS, encoding="utf-8")
    load_rdf(curated, path)
    assert _node(curated, "state/XXA")["dataset"] == ["rdf:additions"]
    assert _node(curated, "src/sample-a")["dataset"] == ["rdf:additions"]
    rel = curated.query("MATCH (:State {key: 'state/XXA'})-[r:SUPPORTS]->(:State {key: 'state/PRK'}) "
                        "RETURN r.dataset AS d")
    assert rel == [{"d": ["rdf:additions"]}]
    prk = _node(curated, "state/PRK")
    assert "dataset" not in prk and "rdf:additions sources src/sample-a" in prk["loaded"]
    assert not load_rdf(curated, path).counters.changed  # a reload changes nothing, its time included

    graph = URIRef(f"{BASE}graph/dataset/rdf:additions")
    ds = _parsed(export(curated, "trig"), "trig")
    added, default = ds.graph(graph), ds.default_graph
    xxa, prk_iri = URIRef(f"{BASE}state/XXA"), URIRef(f"{BASE}state/PRK")
    assert (xxa, RDF.type, PEN.State) in added and not list(default.predicate_objects(xxa))
    assert (xxa, PEN.supports, prk_iri) in added and (xxa, PEN.supports, prk_iri) not in default
    assert (prk_iri, PEN.source, URIRef(f"{BASE}src/sample-a")) in added
    assert (prk_iri, PEN.source, URIRef(f"{BASE}src/sample-a")) not in default and (prk_iri, RDF.type, None) in default
    activity = describe(curated).value(graph, PROV.wasGeneratedBy)
    ended = describe(curated).value(activity, PROV.endedAtTime)
    assert ended.datatype == XSD.dateTime and STARTED <= _when(ended) <= dt.datetime.now(dt.UTC)

    report = unload(curated, "rdf:additions")
    assert (report.nodes_deleted, report.relationships_deleted, report.nodes_changed) == (2, 1, 1)
    assert checksum(curated) == before


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_an_export_of_a_store_loaded_over_the_curated_graph_keeps_its_datasets(loaded, curated, tmp_path, fmt):
    """Its entities carry their datasets already: none is re-tagged with the file's name, and the
    store becomes the one exported (times of load included)."""
    from peninsula.graph.build import load_rdf

    path = tmp_path / f"export.{SUFFIX[fmt]}"
    path.write_text(export(loaded, fmt), encoding="utf-8")
    load_rdf(curated, path)
    assert checksum(curated) == checksum(loaded)
    assert not curated.query("MATCH (n:Entity) WHERE any(d IN n.dataset WHERE d STARTS WITH 'rdf:') "
                             "RETURN n.key AS k")


@pytest.mark.parametrize("into", ["empty", "curated"])
def test_an_export_of_the_curated_graph_tags_nothing(curated, tmp_path, into):
    """Loaded into an empty store (a restore) or over the curated graph, the curated facts stay curated."""
    from peninsula.graph.build import load_rdf
    from peninsula.graph.store import open_store

    path = tmp_path / "curated.trig"
    path.write_text(export(curated, "trig"), encoding="utf-8")
    before = checksum(curated)
    if into == "curated":
        assert not load_rdf(curated, path).counters.changed and checksum(curated) == before
        return
    with open_store(f"embedded:{tmp_path / 'empty.db'}") as empty:
        load_rdf(empty, path)
        assert checksum(empty) == before


def test_the_cli_names_the_dataset_of_an_rdf_load_and_unloads_it(tmp_path):
    from click.testing import CliRunner

    from peninsula.graph.build import build
    from peninsula.graph.cli import main
    from peninsula.graph.store import open_store

    uri = f"embedded:{tmp_path / 'kb.db'}"
    with open_store(uri) as s:
        build(s, derive=False)
        before = checksum(s)
    path = tmp_path / "additions.ttl"
    path.write_text(ADDITIONS, encoding="utf-8")
    runner = CliRunner()
    loaded = runner.invoke(main, ["--store", uri, "load", str(path)], catch_exceptions=False)
    assert loaded.exit_code == 0 and "dataset: rdf:additions (remove it with `peninsula unload rdf:additions`)" \
        in loaded.output, loaded.output
    unloaded = runner.invoke(main, ["--store", uri, "unload", "rdf:additions"], catch_exceptions=False)
    assert unloaded.exit_code == 0 and "unloaded rdf:additions: 2 entities and 1 relationships deleted" \
        in unloaded.output, unloaded.output
    with open_store(uri) as s:
        assert checksum(s) == before
