"""`peninsula serve`: the SPARQL 1.1 Protocol over HTTP on loopback, asked by a real client
(SPARQLWrapper) and by plain HTTP for what a client library hides (content negotiation, refusals)."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, TURTLE, XML, SPARQLWrapper

from peninsula.graph.serve import make_server, negotiate

PEN = "PREFIX pen: <https://peninsula.invalid/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
AGREEMENTS = PEN + """SELECT (COUNT(DISTINCT ?ag) AS ?n) WHERE {
  ?prk pen:iso3 "PRK" ; ?p ?ag . ?ag a/rdfs:subClassOf* pen:Agreement }"""


@pytest.fixture(scope="module")
def endpoint(built, tmp_path_factory):
    server = make_server(built, "127.0.0.1", 0, cache_dir=tmp_path_factory.mktemp("serve"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    server.endpoint.close()


def _client(url: str, fmt, method="GET") -> SPARQLWrapper:
    sw = SPARQLWrapper(f"{url}/sparql")
    sw.setReturnFormat(fmt)
    sw.setMethod(method)
    sw.setTimeout(60)
    return sw


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(endpoint, built, method):
    sw = _client(endpoint, JSON, method)
    sw.setQuery(AGREEMENTS)
    result = sw.queryAndConvert()
    expected = built.query("MATCH ({key: 'state/PRK'})-[]->(a:Agreement) RETURN count(DISTINCT a) AS n")[0]["n"]
    assert int(result["results"]["bindings"][0]["n"]["value"]) == expected


def test_sparqlwrapper_keeps_language_tags(endpoint):
    sw = _client(endpoint, JSON)
    sw.setQuery(PEN + 'SELECT ?name WHERE { ?s pen:iso3 "PRK" ; pen:name ?name }')
    names = sw.queryAndConvert()["results"]["bindings"]
    assert {n["name"].get("xml:lang") for n in names} >= {"en", "ko"}


def test_sparqlwrapper_xml_csv_and_ask(endpoint):
    sw = _client(endpoint, XML)
    sw.setQuery(PEN + 'SELECT ?s WHERE { ?s pen:iso3 "PRK" }')
    doc = sw.queryAndConvert()  # an xml.dom document
    assert doc.getElementsByTagName("uri")[0].firstChild.data == "https://peninsula.invalid/id/state/PRK"
    sw = _client(endpoint, CSV)
    sw.setQuery(PEN + 'SELECT ?iso WHERE { ?s pen:iso3 ?iso FILTER(?iso = "PRK") }')
    assert sw.queryAndConvert().decode().split() == ["iso", "PRK"]
    sw = _client(endpoint, JSON)
    sw.setQuery(PEN + 'ASK { ?s pen:iso3 "ZZZ" }')
    assert sw.queryAndConvert()["boolean"] is False


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD, XML])
def test_sparqlwrapper_construct(endpoint, fmt):
    sw = _client(endpoint, fmt)
    sw.setQuery(PEN + 'CONSTRUCT { ?s pen:name ?n } WHERE { ?s pen:iso3 "PRK" ; pen:name ?n }')
    g = sw.queryAndConvert()
    if not isinstance(g, Graph):  # SPARQLWrapper returns bytes for Turtle and JSON-LD
        text, g = g, Graph()
        g.parse(data=text, format={TURTLE: "turtle", JSONLD: "json-ld"}[fmt])
    assert len(g) >= 2


def _http(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            return res.status, res.headers.get("Content-Type"), res.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type"), exc.read()


def test_content_negotiation_by_accept(endpoint):
    q = urllib.parse.quote(PEN + 'SELECT ?s WHERE { ?s pen:iso3 "PRK" }')
    status, media, body = _http(f"{endpoint}/sparql?query={q}", headers={"Accept": "text/tab-separated-values"})
    assert status == 200 and media.startswith("text/tab-separated-values") and b"state/PRK" in body
    status, media, _ = _http(f"{endpoint}/sparql?query={q}",
                             headers={"Accept": "text/csv;q=0.5, application/sparql-results+xml"})
    assert media.startswith("application/sparql-results+xml")


def test_updates_and_bad_queries_are_refused(endpoint, built):
    before = built.counts()
    status, _, body = _http(f"{endpoint}/sparql", data=b"DELETE WHERE { ?s ?p ?o }",
                            headers={"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in body
    form = urllib.parse.urlencode({"update": "DELETE WHERE { ?s ?p ?o }"}).encode()
    status, _, _ = _http(f"{endpoint}/sparql", data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    status, _, body = _http(f"{endpoint}/sparql", data=b"DELETE WHERE { ?s ?p ?o }",
                            headers={"Content-Type": "application/sparql-query"})
    assert status == 400 and b"malformed" in body
    assert built.counts() == before


def test_query_form_page_needs_nothing_from_outside(endpoint):
    status, media, body = _http(f"{endpoint}/")
    assert status == 200 and media.startswith("text/html")
    page = body.decode()
    assert "<textarea" in page and "/sparql" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "the page loads nothing from elsewhere"
    assert "innerHTML" not in page  # values from the data go in as text


def test_negotiate_defaults():
    assert negotiate(None, "select") == "json" and negotiate("*/*", "graph") == "turtle"
    assert negotiate("application/rdf+xml", "graph") == "xml" and negotiate("text/turtle", "select") == "json"
    assert negotiate("text/csv", "select", asked="tsv") == "tsv"
