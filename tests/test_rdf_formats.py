"""Every export format read by a second, independent parser: Debian's `rapper` (raptor2, C) for
Turtle, N-Triples, RDF/XML, TriG and N-Quads; pyoxigraph (Rust) for JSON-LD and Turtle 1.2. Each
gives the same triples as rdflib reads, and the same count; TriG and N-Quads the same named graphs."""

from __future__ import annotations

import subprocess

import pyoxigraph as ox
import pytest
from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from support import SAMPLES, require

from peninsula.graph.export import export, serialize, to_graph
from peninsula.graph.store import open_store
from peninsula.loaders.formats import NAMED_GRAPHS, RDF_FORMATS
from peninsula.loaders.mapping import quads_of, to_property_graph
from peninsula.loaders.rdf import read_rdf
from peninsula.ontology import InputError, base_iri

RAPPER_SYNTAX = {"turtle": "turtle", "ntriples": "ntriples", "xml": "rdfxml", "trig": "trig", "nquads": "nquads"}
OX_SYNTAX = {name: RDF_FORMATS[name].ox_format for name in ("jsonld", "turtle12")}
assert set(RAPPER_SYNTAX) | set(OX_SYNTAX) == set(RDF_FORMATS), "a new export format needs an independent parser here"


def rapper(path, syntax: str) -> str:
    """rapper's N-Triples for the file; fails the test on any rapper error or warning."""
    exe = require("rapper", "the independent RDF parser (apt raptor2-utils)")
    proc = subprocess.run([exe, "-q", "-i", syntax, "-o", "ntriples", str(path), base_iri()],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and not proc.stderr.strip(), f"rapper rejected {path.name}: {proc.stderr[:2000]}"
    return proc.stdout


@pytest.fixture(scope="module")
def graphs(built, tmp_path_factory):
    """The built curated graph (with derived edges and centralities), the awkward sample and the
    named-graphs sample, as RDF."""
    out = {"curated": to_graph(built)}
    for which, name in (("awkward", "awkward.ttl"), ("named", "named-graphs.trig")):
        sample_store = open_store(f"embedded:{tmp_path_factory.mktemp('fmt') / f'{which}.db'}")
        nodes, edges = to_property_graph(read_rdf(SAMPLES / "rdf" / name))
        sample_store.write(nodes, edges)
        out[which] = to_graph(sample_store)
        sample_store.close()
    return out


@pytest.mark.parametrize("which", ["curated", "awkward", "named"])
@pytest.mark.parametrize("fmt", sorted(RAPPER_SYNTAX))
def test_rapper_reads_what_we_write(graphs, which, fmt, tmp_path):
    ours = graphs[which]
    path = tmp_path / f"{which}{RDF_FORMATS[fmt].suffix}"
    path.write_text(serialize(ours, fmt), encoding="utf-8")
    lines = [line for line in rapper(path, RAPPER_SYNTAX[fmt]).splitlines() if line.strip()]
    assert len(lines) == len(read_rdf(path)) == len(ours)
    theirs = Graph().parse(data="\n".join(lines), format="nt")
    assert isomorphic(theirs, ours), f"rapper reads different triples from {path.name}"


@pytest.mark.parametrize("which", ["curated", "awkward"])
def test_pyoxigraph_reads_our_json_ld(graphs, which, tmp_path):
    ours = graphs[which]
    path = tmp_path / f"{which}.jsonld"
    path.write_text(serialize(ours, "jsonld"), encoding="utf-8")
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.JSON_LD))
    assert len(quads) == len(ours)
    nt = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    assert isomorphic(Graph().parse(data=nt, format="nt"), ours)


@pytest.mark.parametrize("which", ["curated", "awkward"])
def test_pyoxigraph_reads_our_turtle12(graphs, which, tmp_path):
    """Each rdf:Statement (4 triples) is one `rdf:reifies <<( s p o )>>` triple in Turtle 1.2."""
    ours = graphs[which]
    path = tmp_path / f"{which}.ttl12"
    path.write_text(serialize(ours, "turtle12"), encoding="utf-8")
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    statements = set(ours.subjects(RDF.type, RDF.Statement))
    assert statements, "the graph has annotated relationships"
    reifies = [q for q in quads if q.predicate.value.endswith("#reifies") and isinstance(q.object, ox.Triple)]
    assert len(reifies) == len(statements)
    assert len(quads) == len(ours) - 3 * len(statements)
    assert "<<(" in path.read_text(encoding="utf-8")


def _per_graph(quads) -> dict:
    out: dict = {}
    for s, p, o, g in quads:
        out.setdefault(None if g is None else str(g), Graph()).add((s, p, o))
    return out


@pytest.mark.parametrize("fmt", NAMED_GRAPHS)
@pytest.mark.parametrize("which", ["awkward", "named"])
def test_rapper_reads_the_same_named_graphs(graphs, which, fmt, tmp_path):
    """rapper's quads, graph by graph, are ours: the named sample's two named graphs and default
    graph; the awkward sample (loaded from Turtle) all in the default graph."""
    ours = graphs[which]
    path = tmp_path / f"g{RDF_FORMATS[fmt].suffix}"
    path.write_text(serialize(ours, fmt), encoding="utf-8")
    exe = require("rapper", "the independent RDF parser (apt raptor2-utils)")
    proc = subprocess.run([exe, "-q", "-i", RAPPER_SYNTAX[fmt], "-o", "nquads", str(path), base_iri()],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr[:2000]
    ds = Dataset()
    ds.parse(data=proc.stdout, format="nquads")
    theirs = _per_graph(quads_of(ds))
    mine = _per_graph(quads_of(ours))
    expected = {None, base_iri() + "graph/sanctions", base_iri() + "graph/missiles"} if which == "named" else {None}
    assert set(mine) == expected
    assert set(theirs) == set(mine)
    for name, g in mine.items():
        assert len(theirs[name]) == len(g) and isomorphic(theirs[name], g), name


def test_turtle_export_has_readable_prefixes(built, tmp_path):
    text = export(built, "turtle", out=tmp_path / "kb.ttl")
    assert "@prefix pen: <https://peninsula.invalid/ontology#>" in text
    assert "@prefix xsd: <http://www.w3.org/2001/XMLSchema#>" in text
    assert " a pen:State" in text and "pen:name " in text


def test_doubles_survive_every_writer_exactly(tmp_path):
    """rdflib's own Turtle writer prints 0.123456789012345 as 1.234568e-01, and its JSON-LD writes
    2.0 as a JSON number that JSON-LD reads as xsd:integer; ours keep every digit and the type."""
    from rdflib import XSD, Literal

    g = Graph()
    for i, value in enumerate([0.123456789012345, 2.0, 0.0, 1e-07]):
        g.add((URIRef(f"{base_iri()}x{i}"), URIRef("https://peninsula.invalid/ontology#degree"),
               Literal(value, datatype=XSD.double)))
    for fmt in ("turtle", "trig", "ntriples", "xml"):
        path = tmp_path / f"d{RDF_FORMATS[fmt].suffix}"
        path.write_text(serialize(g, fmt), encoding="utf-8")
        assert "0.123456789012345" in rapper(path, RAPPER_SYNTAX[fmt])
        assert isomorphic(Graph().parse(data=rapper(path, RAPPER_SYNTAX[fmt]), format="nt"), g), fmt
        assert isomorphic(read_rdf(path), g), fmt
    path = tmp_path / "d.jsonld"
    path.write_text(serialize(g, "jsonld"), encoding="utf-8")
    types = {q.object.datatype.value for q in ox.parse(path=str(path), format=ox.RdfFormat.JSON_LD)}
    assert types == {str(XSD.double)}
    assert isomorphic(read_rdf(path), g)


# ---------------------------------------------------------------------------- malformed input
MALFORMED = [
    ("bad.ttl", "@prefix pen: <https://peninsula.invalid/ontology#> .\n\n<https://x.invalid/a> pen:name \"A\"@en .\n"
                "<https://x.invalid/b> pen:name \"B\"@en\n<https://x.invalid/c> pen:name \"C\"@en .\n", 5),
    ("bad.jsonld", '{\n  "@id": "https://x.invalid/a",\n  "https://x.invalid/p": [1, 2,\n}\n', 4),
    ("bad.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
                '  <rdf:Description rdf:about="https://x.invalid/a">\n  </rdf:Descriptio>\n</rdf:RDF>\n', 4),
]


@pytest.mark.parametrize("name, text, line", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_input_names_file_and_line(tmp_path, name, text, line):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_rdf(path)
    assert err.value.where == f"{path}:{line}", str(err.value)
    assert str(err.value).startswith(f"{path}:{line}: malformed")


def test_malformed_turtle_line_agrees_with_rapper(tmp_path):
    name, text, line = MALFORMED[0]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    exe = require("rapper", "the independent RDF parser (apt raptor2-utils)")
    proc = subprocess.run([exe, "-q", "-i", "turtle", "-c", str(path)], capture_output=True, text=True)
    assert proc.returncode != 0
    assert f"{path}:{line} " in proc.stderr or f"{path.name}:{line} " in proc.stderr, proc.stderr
