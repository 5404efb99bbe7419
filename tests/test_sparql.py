"""`peninsula sparql`: the ontology is loaded, inference on demand, W3C result formats keep language
tags and datatypes, CONSTRUCT gives RDF, named graphs are visible, and the persistent copy is
reloaded only when the graph changes."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph

from peninsula.graph.sparql import SparqlStore, run_sparql
from peninsula.ontology import QueryError

PEN = "PREFIX pen: <https://peninsula.invalid/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
AGREEMENTS_OF_PRK = PEN + """SELECT (COUNT(DISTINCT ?ag) AS ?n) WHERE {
  ?prk pen:iso3 "PRK" ; ?p ?ag . ?ag a/rdfs:subClassOf* pen:Agreement }"""
PRK_NAMES = PEN + 'SELECT ?name WHERE { ?s pen:iso3 "PRK" ; pen:name ?name } ORDER BY ?name'


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("sparql")


def _count(answer) -> int:
    return int(answer[0]["n"].split('"')[1])


def test_subclass_query_counts_every_agreement_of_north_korea(built, cache):
    """The researcher's query reaches Treaty, JointStatement, ... through the ontology: the same count
    as the property graph's (every agreement North Korea has any relationship to)."""
    expected = built.query("MATCH ({key: 'state/PRK'})-[]->(a:Agreement) RETURN count(DISTINCT a) AS n")[0]["n"]
    assert _count(run_sparql(built, AGREEMENTS_OF_PRK, "table", cache_dir=cache)) == expected == 31
    direct = PEN + 'SELECT (COUNT(DISTINCT ?ag) AS ?n) WHERE { ?prk pen:iso3 "PRK" ; ?p ?ag . ?ag a pen:Agreement }'
    assert _count(run_sparql(built, direct, "table", cache_dir=cache)) < expected  # only the plain class without it


@pytest.mark.parametrize("infer", ["rdfs", "owlrl"])
def test_inference_types_members_of_superclasses(built, cache, infer):
    direct = PEN + 'SELECT (COUNT(DISTINCT ?ag) AS ?n) WHERE { ?prk pen:iso3 "PRK" ; ?p ?ag . ?ag a pen:Agreement }'
    assert _count(run_sparql(built, direct, "table", infer=infer, cache_dir=cache)) == 31
    # statements carry dates and sources but are no pen:Entity (their domain is EntityOrStatement)
    stmts = PEN + ("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
                   "SELECT (COUNT(*) AS ?n) WHERE { ?s a rdf:Statement , pen:Entity }")
    assert _count(run_sparql(built, stmts, "table", infer=infer, cache_dir=cache)) == 0


def test_owlrl_follows_equivalent_classes(built, cache):
    # owl:sameAs makes each linked Wikidata item a foaf:Person too: count Peninsula's own IRIs
    q = PEN + ("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> "
               "FILTER(!STRSTARTS(STR(?p), 'http://www.wikidata.org/')) }")
    people = built.query("MATCH (p:Person) RETURN count(p) AS n")[0]["n"]
    assert _count(run_sparql(built, q, "table", cache_dir=cache)) == 0
    assert _count(run_sparql(built, q, "table", infer="owlrl", cache_dir=cache)) == people > 0


def test_json_results_keep_language_tags_and_datatypes(built, cache):
    body, media = run_sparql(built, PRK_NAMES, "json", cache_dir=cache)
    assert media == "application/sparql-results+json"
    names = [b["name"] for b in json.loads(body)["results"]["bindings"]]
    assert {"type": "literal", "value": "North Korea", "xml:lang": "en"} in names
    assert any(n.get("xml:lang") == "ko" for n in names)
    q = PEN + 'SELECT ?d WHERE { ?r pen:symbol "S/RES/1718 (2006)" ; pen:date ?d }'
    d = json.loads(run_sparql(built, q, "json", cache_dir=cache)[0])["results"]["bindings"][0]["d"]
    assert d["datatype"] == "http://www.w3.org/2001/XMLSchema#date" and d["value"] == "2006-10-14"


def test_xml_csv_tsv_results(built, cache):
    xml, media = run_sparql(built, PRK_NAMES, "xml", cache_dir=cache)
    assert media == "application/sparql-results+xml"
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    langs = {e.get("{http://www.w3.org/XML/1998/namespace}lang") for e in ET.fromstring(xml).iterfind(".//s:literal", ns)}
    assert {"en", "ko"} <= langs
    rows = list(csv.reader(io.StringIO(run_sparql(built, PRK_NAMES, "csv", cache_dir=cache)[0].decode())))
    assert rows[0] == ["name"] and ["North Korea"] in rows
    tsv = run_sparql(built, PRK_NAMES, "tsv", cache_dir=cache)[0].decode().splitlines()
    assert tsv[0] == "?name" and '"North Korea"@en' in tsv


def test_ask_and_table_rows(built, cache):
    assert run_sparql(built, PEN + 'ASK { ?s pen:iso3 "PRK" }', "table", cache_dir=cache) == [{"result": True}]
    rows = run_sparql(built, PRK_NAMES, None, cache_dir=cache)
    assert {"name": '"North Korea"@en'} in rows


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "xml", "trig", "nquads"])
def test_construct_returns_rdf_in_every_export_format(built, cache, fmt):
    q = PEN + 'CONSTRUCT { ?s pen:name ?n } WHERE { ?s pen:iso3 "PRK" ; pen:name ?n }'
    body, media = run_sparql(built, q, fmt, cache_dir=cache)
    g = Graph()
    g.parse(data=body, format={"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "xml": "xml",
                               "trig": "trig", "nquads": "nquads"}[fmt])
    assert len(g) >= 2 and media
    describe = run_sparql(built, PEN + "DESCRIBE ?s WHERE { ?s pen:iso3 \"PRK\" }", "turtle", cache_dir=cache)[0]
    assert b"PRK" in describe


def test_construct_refuses_a_results_format(built, cache):
    with pytest.raises(QueryError, match="RDF"):
        run_sparql(built, PEN + "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", "csv", cache_dir=cache)


def test_malformed_query_is_a_query_error(built, cache):
    with pytest.raises(QueryError, match="malformed SPARQL"):
        run_sparql(built, "SELEC ?x WHERE {", "table", cache_dir=cache)


def test_the_ontology_is_a_named_graph(built, cache):
    q = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://peninsula.invalid/ontology#> "
         "{ ?c a <http://www.w3.org/2002/07/owl#Class> } }")
    assert _count(run_sparql(built, q, "table", cache_dir=cache)) > 40


def test_named_graphs_of_loaded_data_are_visible(store, tmp_path):
    from peninsula.graph.build import load_rdf

    trig = tmp_path / "g.trig"
    trig.write_text("""@prefix pen: <https://peninsula.invalid/ontology#> .
@prefix id: <https://peninsula.invalid/id/> .
<https://example.org/graph/a> {
  id:src\\/x a pen:Source ; pen:title "X" ; pen:publisher "P" ; pen:name "X"@en .
}
""", "utf-8")
    load_rdf(store, trig)
    q = "SELECT ?g ?s WHERE { GRAPH ?g { ?s a <https://peninsula.invalid/ontology#Source> } }"
    rows = run_sparql(store, q, "table", cache_dir=tmp_path / "c")
    assert rows == [{"g": "https://example.org/graph/a", "s": "https://peninsula.invalid/id/src/x"}]


def test_copy_is_reloaded_only_when_the_graph_changes(store, tmp_path):
    store.write([{"key": "state/AAA", "labels": ["Entity", "Actor", "State"],
                  "props": {"key": "state/AAA", "class": "State", "name": "A", "iso3": "AAA"}}], [])
    q = PEN + "SELECT ?n WHERE { ?s pen:iso3 ?n } ORDER BY ?n"
    sp = SparqlStore(store, tmp_path / "c")
    assert sp.sync() is True and sp.sync() is False  # second call: same graph, no reload
    assert [s["n"].value for s in sp.query(q)] == ["AAA"]
    sp.close()
    sp = SparqlStore(store, tmp_path / "c")  # persistent: a new process finds the copy current
    assert sp.sync() is False
    store.write([{"key": "state/BBB", "labels": ["Entity", "Actor", "State"],
                  "props": {"key": "state/BBB", "class": "State", "name": "B", "iso3": "BBB"}}], [])
    assert [s["n"].value for s in sp.query(q)] == ["AAA", "BBB"] and sp.reloads == 1
    sp.close()


def test_derived_knowledge_has_its_own_named_graph(built, cache):
    derived = "<https://peninsula.invalid/id/graph/derived>"
    pairs = built.query("MATCH (a)-[:CAN_REACH]->(b) RETURN count(DISTINCT [a.key, b.key]) AS n")[0]["n"]
    q = PEN + f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {derived} {{ ?s pen:canReach ?o }} }}"
    assert _count(run_sparql(built, q, "table", cache_dir=cache)) == pairs > 0
    curated = PEN + f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {derived} {{ ?s pen:partyTo|pen:name ?o }} }}"
    assert _count(run_sparql(built, curated, "table", cache_dir=cache)) == 0
    scores = PEN + f"ASK {{ GRAPH {derived} {{ ?s pen:betweenness ?b }} }}"
    assert run_sparql(built, scores, "table", cache_dir=cache) == [{"result": True}]
    prov = (f"ASK {{ GRAPH {derived} {{ {derived} <http://www.w3.org/ns/prov#wasGeneratedBy> ?a }} }}")
    assert run_sparql(built, prov, "table", cache_dir=cache) == [{"result": True}]


def test_a_copy_held_by_another_process_is_left_alone(store, tmp_path):
    """While `serve` holds the copy, `sparql` answers from one in memory and deletes nothing."""
    store.write([{"key": "state/AAA", "labels": ["Entity", "Actor", "State"],
                  "props": {"key": "state/AAA", "class": "State", "name": "A", "iso3": "AAA"}}], [])
    held = SparqlStore(store, tmp_path / "c")
    held.sync()
    other = SparqlStore(store, tmp_path / "c")  # same folder: RocksDB's lock refuses a second opener
    try:
        assert [s["n"].value for s in other.query(PEN + "SELECT ?n WHERE { ?s pen:iso3 ?n }")] == ["AAA"]
        assert [s["n"].value for s in held.query(PEN + "SELECT ?n WHERE { ?s pen:iso3 ?n }")] == ["AAA"]
    finally:
        other.close()
        held.close()
