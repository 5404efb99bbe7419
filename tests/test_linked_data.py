"""What a linked-data researcher relies on beyond parsing: same data -> same bytes, a JSON-LD
context with terms, one meaning per prefix, VoID/DCAT metadata, `validate` checking what `load`
checks, and `export --query` taking Cypher."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef

from peninsula.graph.cli import main
from peninsula.graph.export import PREFIXES, export, json_ld_context
from peninsula.graph.metadata import DCAT, DCT, VOID, describe
from peninsula.ontology import load

SMALL = """@prefix pen: <https://peninsula.invalid/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
<https://peninsula.invalid/id/src/a> a pen:Source ; pen:title "A" ; pen:publisher "P" ; pen:date "2006"^^xsd:gYear .
<https://peninsula.invalid/id/state/PRK> a pen:State ; pen:iso3 "PRK" ; pen:name "North Korea"@en, "조선"@ko ;
    pen:source <https://peninsula.invalid/id/src/a> .
<https://peninsula.invalid/id/org/unsc> a pen:IntergovernmentalOrganization ; pen:name "UNSC"@en ;
    pen:source <https://peninsula.invalid/id/src/a> ; pen:targets <https://peninsula.invalid/id/state/PRK> .
<https://peninsula.invalid/id/stmt/t1> a rdf:Statement ; rdf:subject <https://peninsula.invalid/id/org/unsc> ;
    rdf:predicate pen:targets ; rdf:object <https://peninsula.invalid/id/state/PRK> ;
    pen:validFrom "2006-10-14"^^xsd:date ; pen:source <https://peninsula.invalid/id/src/a> .
"""


def _store(path, nodes_reversed: bool):
    """A store holding SMALL, its elements written in one order or the reverse."""
    from peninsula.graph.store import open_store
    from peninsula.loaders import to_property_graph

    g = Graph()
    g.parse(data=SMALL, format="turtle")
    nodes, edges = to_property_graph(g)
    s = open_store(f"embedded:{path}")
    if nodes_reversed:
        nodes = nodes[::-1]
        for n in nodes[:1]:
            s.write([n], [])
    s.write(nodes, edges)
    return s


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "xml", "trig", "nquads"])
def test_same_data_same_bytes_across_two_stores(tmp_path, fmt):
    a, b = _store(tmp_path / "a.db", False), _store(tmp_path / "b.db", True)
    try:
        assert export(a, fmt) == export(b, fmt)
    finally:
        a.close()
        b.close()


def test_ntriples_lines_are_sorted(tmp_path):
    s = _store(tmp_path / "a.db", False)
    try:
        lines = export(s, "ntriples").splitlines()
    finally:
        s.close()
    assert lines == sorted(lines) and len(lines) > 10


def test_streamed_ntriples_export_is_sorted_and_the_same_from_any_store(tmp_path):
    """`export --format ntriples -o FILE` streams page by page; its lines come out sorted, so a store
    loaded from another format (values and elements in another order) writes the same bytes."""
    from peninsula.graph.build import load_rdf
    from peninsula.graph.export import write_ntriples
    from peninsula.graph.store import open_store

    a = _store(tmp_path / "a.db", False)
    try:
        (tmp_path / "a.ttl").write_text(export(a, "turtle"), encoding="utf-8")
        write_ntriples(a, tmp_path / "a.nt")
    finally:
        a.close()
    with open_store(f"embedded:{tmp_path / 'b.db'}") as b:
        load_rdf(b, tmp_path / "a.ttl")
        write_ntriples(b, tmp_path / "b.nt")
        write_ntriples(b, tmp_path / "unsorted.nt", sort=False)
    lines = (tmp_path / "a.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) > 10
    assert (tmp_path / "a.nt").read_bytes() == (tmp_path / "b.nt").read_bytes()
    assert sorted((tmp_path / "unsorted.nt").read_text(encoding="utf-8").splitlines()) == lines


def test_json_ld_reads_as_plain_json(tmp_path):
    s = _store(tmp_path / "a.db", False)
    try:
        doc = json.loads(export(s, "jsonld"))
    finally:
        s.close()
    ctx = doc["@context"]
    assert ctx["partyTo"] == {"@id": "pen:partyTo", "@type": "@id"} and ctx["State"] == "pen:State"
    assert ctx["rangeMaxKm"]["@type"] == "http://www.w3.org/2001/XMLSchema#decimal"
    nodes = doc["@graph"]
    prk = next(n for n in nodes if n["@id"].endswith("PRK"))
    assert prk["iso3"] == "PRK" and prk["@type"] == "State"  # terms, not full IRIs
    unsc = next(n for n in nodes if n["@id"].endswith("unsc"))
    assert unsc["targets"] in ({"@id": "state:PRK"}, "state:PRK", {"@id": prk["@id"]}, prk["@id"])
    g = Graph()
    g.parse(data=json.dumps(doc), format="json-ld")
    reference = Graph()
    reference.parse(data=SMALL, format="turtle")
    assert g.isomorphic(reference)


def test_context_terms_do_not_collide():
    ctx = json_ld_context()
    terms = [*load().classes, *load().properties]
    assert len(terms) == len(set(terms)) and not set(terms) & set(PREFIXES)
    assert all(k in ctx for k in terms)


def test_no_prefix_means_two_things():
    """org: is W3C ORG in the ontology; organizations' keys get organization: in the exports."""
    vocabulary = dict(load().graph.namespaces())
    assert str(vocabulary["org"]) == "http://www.w3.org/ns/org#"
    for prefix, ns in PREFIXES.items():
        assert prefix not in vocabulary or str(vocabulary[prefix]) == ns, prefix
    assert PREFIXES["organization"].endswith("/id/org/")


def test_void_and_dcat_description(tmp_path):
    s = _store(tmp_path / "a.db", False)
    try:
        g = describe(s)
        total = len(Graph().parse(data=export(s, "ntriples"), format="nt"))
    finally:
        s.close()
    ds = URIRef("https://peninsula.invalid/id/dataset/peninsula")
    for p in (DCT.license, DCT.issued, DCT.publisher, DCAT.version, DCT.rights):
        assert g.value(ds, p) is not None, p
    assert g.value(ds, VOID.triples) == Literal(total)
    pen = Namespace("https://peninsula.invalid/ontology#")
    parts = {g.value(p, VOID["class"]): g.value(p, VOID.entities).toPython() for p in g.objects(ds, VOID.classPartition)}
    assert parts[pen.State] == 1 and parts[pen.Source] == 1
    prov = Namespace("http://www.w3.org/ns/prov#")
    curated, derived = (URIRef(f"https://peninsula.invalid/id/{p}") for p in ("dataset/curated", "graph/derived"))
    assert set(g.objects(ds, VOID.subset)) == {curated, derived}  # no dataset loaded: no dataset graph
    assert g.value(curated, VOID.triples) == Literal(total)  # all curated: the store has nothing derived
    assert g.value(derived, prov.wasDerivedFrom) == curated and g.value(derived, VOID.triples) == Literal(0)
    parts = list(g.objects(derived, VOID.subset))
    assert len(parts) == 2 and all(g.value(d, prov.wasGeneratedBy) for d in parts)
    plans = {g.value(a, prov.hadPlan) for d in parts for a in g.objects(g.value(d, prov.wasGeneratedBy),
                                                                          prov.qualifiedAssociation)}
    assert {str(p).rsplit("/", 1)[-1] for p in plans} == {"can-reach", "network-scores"}


def test_export_void_through_the_cli(tmp_path):
    s = _store(tmp_path / "a.db", False)
    s.close()
    out = tmp_path / "void.ttl"
    result = CliRunner().invoke(main, ["--store", f"embedded:{tmp_path / 'a.db'}", "export", "--format", "void",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (None, VOID.triples, None) in Graph().parse(out, format="turtle")


def test_export_query_takes_raw_cypher(tmp_path):
    s = _store(tmp_path / "a.db", False)
    s.close()
    result = CliRunner().invoke(main, ["--store", f"embedded:{tmp_path / 'a.db'}", "export", "--format", "ntriples",
                                       "--query", "MATCH (o)-[:TARGETS]->(s:State) RETURN o.key AS a, s.key AS b"])
    assert result.exit_code == 0, result.output
    assert "/org/unsc> <" in result.output and "/state/PRK> <" in result.output
    assert "/src/a> <" not in result.output  # cited, not exported: the source node is not in the rows
    bad = CliRunner().invoke(main, ["--store", f"embedded:{tmp_path / 'a.db'}", "export",
                                    "--query", "MATCH (n) DETACH DELETE n"])
    assert bad.exit_code != 0


def test_validate_refuses_what_load_refuses(tmp_path):
    """A number with more significant digits than a store returns passes SHACL but not the mapping:
    `validate` says so, like `load`."""
    path = tmp_path / "add.ttl"
    path.write_text(SMALL.replace('pen:iso3 "PRK" ;', 'pen:iso3 "PRK" ; pen:degree "0.12345678901234567"^^xsd:double ;'),
                    "utf-8")
    result = CliRunner().invoke(main, ["validate", "--alone", str(path)])
    assert result.exit_code != 0 and "significant digits" in result.output
    loaded = CliRunner().invoke(main, ["--store", f"embedded:{tmp_path / 'x.db'}", "load", str(path)])
    assert loaded.exit_code != 0 and "significant digits" in loaded.output


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_derived_knowledge_has_its_own_named_graph_in_the_exports(built, tmp_path, fmt):
    """TriG and N-Quads put CAN_REACH (triple and statements) and the network scores in
    <base>graph/derived, nothing else there, nothing derived outside; a load reads it back into the
    store as it was (no graph recorded on derived elements), so the round trip stays exact."""
    from rdflib import RDF, Dataset

    from peninsula.graph.store import open_store
    from peninsula.ontology import base_iri

    text = export(built, fmt)
    ds = Dataset()
    ds.parse(data=text, format=fmt)
    ont = load()
    derived = {p.iri for p in ont.properties.values() if p.derived}
    name = URIRef(base_iri() + "graph/derived")
    apart = ds.graph(name)
    assert len(apart) > 0 and {p for p in apart.predicates() if p in derived} == {p for p in derived if
                                                                              (None, p, None) in apart}
    statements = set(apart.subjects(RDF.predicate, None))
    for s, p, _o in apart:
        assert p in derived or s in statements, (s, p)
    assert all(str(o) in {str(d) for d in derived} for o in apart.objects(None, RDF.predicate))
    curated = ds.default_graph
    assert not any(p in derived for p in curated.predicates())
    assert not any(o in derived for o in curated.objects(None, RDF.predicate))

    path = tmp_path / ("export.trig" if fmt == "trig" else "export.nq")
    path.write_text(text, encoding="utf-8")
    with open_store(f"embedded:{tmp_path / 'again.db'}") as again:
        from peninsula.graph.build import load_rdf

        load_rdf(again, path)
        assert export(again, fmt) == text
        assert again.query("MATCH ()-[r:CAN_REACH]->() WHERE r.graph IS NOT NULL RETURN count(r) AS n")[0]["n"] == 0
