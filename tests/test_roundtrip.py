"""Round trips by isomorphism: RDF -> property graph -> embedded store -> export -> RDF is the input.

Curated data, a hand-written sample with awkward literals, a TriG sample with named graphs, and
hypothesis-generated datasets, each re-read from every export format (Turtle, N-Triples, JSON-LD,
RDF/XML, TriG, N-Quads, Turtle 1.2). TriG and N-Quads keep named graphs: there the comparison is
of the whole dataset (canonical N-Quads, RDFC-1.0), elsewhere of the triples.
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import OWL, RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from support import SAMPLES

from peninsula.graph.build import build, load_rdf, prepare
from peninsula.graph.export import export, serialize, to_graph
from peninsula.graph.store import open_store
from peninsula.loaders.formats import NAMED_GRAPHS, RDF_FORMATS
from peninsula.loaders.mapping import quads_of, to_property_graph
from peninsula.loaders.rdf import NamedGraphs, read_rdf
from peninsula.loaders.rdf12 import _ox
from peninsula.ontology import PEN, InputError, base_iri
from peninsula.ontology.model import GRAPH_KEY

ALL_FORMATS = sorted(RDF_FORMATS)
QUAD_FORMATS = set(NAMED_GRAPHS)  # the export formats that keep named graphs
BASE = base_iri()
WD = "http://www.wikidata.org/entity/"


def explain(expected: Graph, got: Graph) -> str:
    """The triples on either side only, for a readable failure."""
    _, only_in, only_out = graph_diff(to_isomorphic(expected), to_isomorphic(got))
    lines = [f"- {t}" for t in sorted(only_in)[:8]] + [f"+ {t}" for t in sorted(only_out)[:8]]
    return f"{len(only_in)} triple(s) lost, {len(only_out)} added:\n" + "\n".join(lines)


def assert_same(expected: Graph, got: Graph) -> None:
    assert len(got) == len(expected) and isomorphic(expected, got), explain(expected, got)


def canonical(data) -> list[str]:
    """The dataset (graph names kept; None is the default graph) as canonical N-Quads lines."""
    ds = ox.Dataset(ox.Quad(_ox(s), _ox(p), _ox(o), ox.DefaultGraph() if g is None else _ox(g))
                    for s, p, o, g in quads_of(data))
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(q) for q in ds)


def assert_same_dataset(expected, got) -> None:
    """The same quads, blank nodes (and blank graph names) up to renaming."""
    a, b = canonical(expected), canonical(got)
    lost, added = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    assert a == b, f"{len(lost)} quad(s) lost, {len(added)} added:\n" + "\n".join(
        [f"- {q}" for q in lost[:8]] + [f"+ {q}" for q in added[:8]])


def flattened(data) -> NamedGraphs:
    """The same triples, all in the default graph (what a format without graphs keeps)."""
    out = NamedGraphs()
    for s, p, o, _ in quads_of(data):
        out.add_quad(s, p, o)
    return out


def reread(graph: Graph, fmt: str, tmp_path, name: str = "out") -> Graph:
    path = tmp_path / f"{name}{RDF_FORMATS[fmt].suffix}"
    path.write_text(serialize(graph, fmt), encoding="utf-8")
    return read_rdf(path)


def through_store(store, graph: Graph) -> Graph:
    """Map to the property graph, write to the store, read everything back as RDF."""
    store.clear()
    nodes, edges = to_property_graph(graph)
    store.write(nodes, edges)
    return to_graph(store)


# ---------------------------------------------------------------------------- the curated data
@pytest.fixture(scope="module")
def curated():
    nodes, edges, cur = prepare()
    return nodes, edges, cur


@pytest.fixture(scope="module")
def curated_store(curated, tmp_path_factory):
    s = open_store(f"embedded:{tmp_path_factory.mktemp('rt') / 'curated.db'}")
    build(s, derive=False, prepared=curated)
    yield s
    s.close()


def test_curated_rdf_comes_back_from_the_store(curated, curated_store):
    nodes, edges, cur = curated
    # non-trivial input: hundreds of entities, parallel annotated edges, Hangul names
    assert len(nodes) > 500 and len(edges) > 500
    assert any("name_ko" in n["props"] for n in nodes)
    pairs = [(e["src"], e["type"], e["dst"]) for e in edges]
    assert len(set(pairs)) < len(pairs), "the curated data has parallel relationships"
    assert_same(cur.graph, to_graph(curated_store))


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_curated_export_rereads_isomorphic(curated, curated_store, fmt, tmp_path):
    path = tmp_path / f"kb{RDF_FORMATS[fmt].suffix}"
    export(curated_store, fmt, out=path)
    assert_same(curated[2].graph, read_rdf(path))


def test_parallel_annotated_edges_stay_distinct(curated, curated_store):
    """Same subject, predicate and object twice: two edges in the store, two statements in RDF."""
    _, edges, cur = curated
    by_triple: dict = {}
    for e in edges:
        by_triple.setdefault((e["src"], e["type"], e["dst"]), []).append(e)
    src, rel, dst = next(k for k, v in by_triple.items() if len(v) > 1)
    rows = curated_store.query(f"MATCH (a {{key: $src}})-[r:`{rel}`]->(b {{key: $dst}}) RETURN r.key AS key",
                               {"src": src, "dst": dst})
    assert sorted(r["key"] for r in rows) == sorted(e["key"] for e in by_triple[(src, rel, dst)])
    g = to_graph(curated_store)
    s = URIRef(BASE + src)
    stmts = [st for st in g.subjects(RDF.subject, s) if (st, RDF.object, URIRef(BASE + dst)) in g]
    assert len(stmts) >= len(rows) > 1


# ---------------------------------------------------------------------------- through the CLI
@pytest.mark.parametrize("fmt", ["turtle12", "jsonld"])
def test_store_to_file_to_store_through_the_cli(built, fmt, tmp_path):
    """The built graph (with derived reach edges and centralities) travels through the CLI alone."""
    from peninsula.graph.cli import main

    path = tmp_path / f"kb{RDF_FORMATS[fmt].suffix}"
    first = export(built, fmt, out=path)
    assert first
    runner = CliRunner()
    other = f"embedded:{tmp_path / 'other.db'}"
    result = runner.invoke(main, ["--store", other, "load", str(path)])
    assert result.exit_code == 0, result.output
    again = tmp_path / "again.nt"
    result = runner.invoke(main, ["--store", other, "export", "--format", "ntriples", "-o", str(again)])
    assert result.exit_code == 0, result.output
    assert_same(to_graph(built), read_rdf(again))


# ---------------------------------------------------------------------------- awkward literals
@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    s = open_store(f"embedded:{tmp_path_factory.mktemp('rt') / 'scratch.db'}")
    yield s
    s.close()


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_awkward_sample_survives_every_format(scratch, fmt, tmp_path):
    sample = read_rdf(SAMPLES / "rdf" / "awkward.ttl")
    assert len(sample) > 40
    assert_same(sample, reread(through_store(scratch, sample), fmt, tmp_path))


def test_awkward_sample_keeps_types_in_the_store(scratch):
    through_store(scratch, read_rdf(SAMPLES / "rdf" / "awkward.ttl"))
    [row] = scratch.query("MATCH (n {key: 'missile/sample-x'}) RETURN n.stages AS stages, n.range_max_km AS rmax, "
                          "n.alias AS alias, n.alias_ko AS alias_ko, n.name_ko AS name_ko, n.first_flight AS ff")
    assert row["stages"] == 2 and isinstance(row["stages"], int)
    assert row["rmax"] == 1250.5 and isinstance(row["rmax"], float)
    assert sorted(row["alias"]) == ["KN-99", 'The "X"']
    assert row["alias_ko"] == ["엑스"] and row["name_ko"] == "시험 미사일"
    assert row["ff"] == "2017-05"
    rows = scratch.query("MATCH (:Entity {key: 'event/sample-test'})-[r:TESTED]->(:Entity {key: 'missile/sample-x'}) "
                         "RETURN r.valid_from AS f ORDER BY f")
    assert [r["f"] for r in rows] == ["2017", "2017-05-14"]


def test_region_subtags_are_kept(scratch):
    """name@zh-hant and name@en-gb come back (they were once silently dropped on export)."""
    s = URIRef(BASE + "state/XXA")
    g = Graph()
    g.add((s, RDF.type, PEN.State))
    g.add((s, PEN.iso3, Literal("XXA")))
    g.add((s, PEN.name, Literal("Xa", lang="en")))
    g.add((s, PEN.name, Literal("Xa (GB)", lang="en-gb")))
    g.add((s, PEN.alias, Literal("甲", lang="zh-hant")))
    assert_same(g, through_store(scratch, g))


def test_language_tags_come_back_in_lower_case(scratch):
    """RDF 1.1: the value space of language tags is lower case; the mapping normalises to it."""
    s = URIRef(BASE + "state/XXC")
    g = Graph()
    g.add((s, RDF.type, PEN.State))
    g.add((s, PEN.name, Literal("Xc", lang="en-GB")))
    [name] = through_store(scratch, g).objects(s, PEN.name)
    assert (str(name), name.language) == ("Xc", "en-gb")


@pytest.mark.parametrize("prop, literal", [
    ("rangeMaxKm", Literal("12345678901234567.123", datatype=XSD.decimal)),
    ("rangeMaxKm", Literal("1000.0000000000001", datatype=XSD.decimal)),
    ("degree", Literal(0.1 + 0.2, datatype=XSD.double)),
    ("stages", Literal(2**70, datatype=XSD.integer)),
])
def test_a_number_the_store_cannot_return_is_refused_not_rounded(prop, literal):
    s = URIRef(BASE + "missile/too-precise")
    g = Graph()
    g.add((s, RDF.type, PEN.MissileSystem))
    g.add((s, PEN[prop], literal))
    with pytest.raises(InputError) as err:
        to_property_graph(g)
    assert err.value.field == prop and "missile/too-precise" in str(err.value)


def test_fifteen_digit_numbers_come_back_exactly(scratch):
    s = URIRef(BASE + "missile/precise")
    g = Graph()
    g.add((s, RDF.type, PEN.MissileSystem))
    g.add((s, PEN.rangeMaxKm, Literal("123456789.012345", datatype=XSD.decimal)))
    g.add((s, PEN.degree, Literal(0.123456789012345, datatype=XSD.double)))
    g.add((s, PEN.stages, Literal(2**62, datatype=XSD.integer)))
    assert_same(g, through_store(scratch, g))


# ---------------------------------------------------------------------------- generated graphs
TEXT = st.text(alphabet=st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co")),
                                  st.sampled_from('\n\r\t"\'\\<>&{}@#')), min_size=1, max_size=12)
HANGUL = st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=6)
DATE = st.one_of(
    st.dates(min_value=__import__("datetime").date(1900, 1, 1)).map(lambda d: Literal(d.isoformat(), datatype=XSD.date)),
    st.tuples(st.integers(1900, 2030), st.integers(1, 12)).map(lambda t: Literal(f"{t[0]}-{t[1]:02d}", datatype=XSD.gYearMonth)),
    st.integers(1900, 2030).map(lambda y: Literal(str(y), datatype=XSD.gYear)),
)
DECIMAL = st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: Literal(Decimal(repr(round(f, 3))), datatype=XSD.decimal))
POSITIVE = st.floats(0, 2e4, allow_nan=False).map(lambda f: Literal(Decimal(repr(round(f, 2))), datatype=XSD.decimal))
INTEGER = st.integers(-(2**40), 2**40).map(lambda i: Literal(i, datatype=XSD.integer))
# a store returns doubles to 15 significant digits (FalkorDB formats them so); more is refused on load
DOUBLE = st.floats(-1e9, 1e9, allow_nan=False).map(lambda f: Literal(float(f"{f:.15g}"), datatype=XSD.double))
BOOLEAN = st.booleans().map(lambda b: Literal(b, datatype=XSD.boolean))
TIME = st.times().map(lambda t: Literal(t.strftime("%H:%M:%S"), datatype=XSD.time))
CLASSES = ["State", "MissileSystem", "MissileTest", "NuclearTest", "Organization", "Place", "Person", "Policy"]
RELS = ["partOf", "targets", "supports", "memberOf", "tested", "respondsTo"]
# datatype properties per class, beyond names and aliases: (property, values)
EXTRA = {
    "State": [("iso3", st.from_regex(r"[A-Z]{3}", fullmatch=True).map(Literal))],
    "MissileSystem": [("rangeMaxKm", POSITIVE), ("stages", INTEGER), ("firstFlight", DATE),
                      ("propellant", st.sampled_from(["liquid", "solid"]).map(Literal))],
    "MissileTest": [("date", DATE), ("apogeeKm", POSITIVE), ("launchTime", TIME), ("count", INTEGER)],
    "NuclearTest": [("date", DATE), ("yieldMinKt", DECIMAL), ("magnitude", DECIMAL)],
    "Place": [("latitude", DECIMAL), ("longitude", DECIMAL)],
    "Organization": [("validFrom", DATE), ("validTo", DATE)],
    "Person": [("description", TEXT.map(lambda t: Literal(t, lang="en")))],
    "Policy": [("degree", DOUBLE), ("community", INTEGER), ("broker", BOOLEAN)],
}
ANNOTATIONS = [("validFrom", DATE), ("validTo", DATE), ("note", TEXT.map(Literal)),
               ("confidence", st.sampled_from(["high", "medium", "low"]).map(Literal)),
               ("distanceKm", POSITIVE), ("maxOnly", BOOLEAN), ("kind", st.sampled_from(["economic", "military"]).map(Literal))]


# graph names a subject's triples may sit in: the default graph, two IRIs, a blank graph name
GRAPH_NAMES = [None, URIRef(f"{BASE}graph/gen-a"), URIRef("https://example.org/graphs/gen-b"), BNode("gen-g")]


@st.composite
def small_graphs(draw):
    """A small dataset in Peninsula's RDF form: sources, typed entities, plain and annotated edges,
    each subject's (and each statement's) triples in one graph drawn from GRAPH_NAMES."""
    g = NamedGraphs()
    graph_of: dict = {}

    def add(*t):
        g.add_quad(*t, graph_of[t[0]])

    sources = []
    for i in range(draw(st.integers(1, 2))):
        src = URIRef(f"{BASE}src/gen-{i}")
        sources.append(src)
        graph_of[src] = draw(st.sampled_from(GRAPH_NAMES))
        add(src, RDF.type, PEN.Source)
        add(src, PEN.title, Literal(draw(TEXT)))
        add(src, PEN.publisher, Literal(draw(TEXT)))
        add(src, PEN.date, draw(DATE))
        add(src, PEN.url, Literal(f"https://example.org/{i}", datatype=XSD.anyURI))
    entities = []
    for i, cls in enumerate(draw(st.lists(st.sampled_from(CLASSES), min_size=1, max_size=4))):
        node = BNode(f"b{i}") if draw(st.integers(0, 5)) == 0 else URIRef(f"{BASE}{cls.lower()}/gen-{i}")
        entities.append(node)
        graph_of[node] = draw(st.sampled_from(GRAPH_NAMES))
        add(node, RDF.type, PEN[cls])
        add(node, PEN.name, Literal(draw(TEXT), lang="en"))
        if draw(st.booleans()):
            add(node, PEN.name, Literal(draw(HANGUL), lang="ko"))
        for alias in draw(st.lists(st.one_of(
                st.tuples(TEXT, st.sampled_from(["en", "ja", "zh-hant", "en-gb"])).map(lambda t: Literal(t[0], lang=t[1])),
                HANGUL.map(lambda t: Literal(t, lang="ko"))), max_size=3)):
            add(node, PEN.alias, alias)
        for src in draw(st.lists(st.sampled_from(sources), max_size=2, unique=True)):
            add(node, PEN.source, src)
        for prop, values in EXTRA[cls]:
            if draw(st.booleans()):
                add(node, PEN[prop], draw(values))
        if draw(st.integers(0, 3)) == 0:
            add(node, OWL.sameAs, URIRef(f"{WD}Q{draw(st.integers(1, 10**8))}"))
    n_stmt = 0
    for _ in range(draw(st.integers(0, 6))):
        s, o = draw(st.sampled_from(entities)), draw(st.sampled_from(entities))
        rel = PEN[draw(st.sampled_from(RELS))]
        add(s, rel, o)  # the asserted triple sits with its subject
        for _ in range(draw(st.integers(0, 2))):  # 0: a plain edge; 2: parallel annotated edges
            stmt = BNode(f"s{n_stmt}") if draw(st.booleans()) else URIRef(f"{BASE}stmt/gen-{n_stmt}")
            n_stmt += 1
            graph_of[stmt] = draw(st.sampled_from(GRAPH_NAMES))  # maybe not its subject's graph
            for t in ((stmt, RDF.type, RDF.Statement), (stmt, RDF.subject, s), (stmt, RDF.predicate, rel),
                      (stmt, RDF.object, o)):
                add(*t)
            for src in draw(st.lists(st.sampled_from(sources), min_size=1, max_size=2, unique=True)):
                add(stmt, PEN.source, src)
            for prop, values in ANNOTATIONS:
                if draw(st.integers(0, 2)) == 0:
                    add(stmt, PEN[prop], draw(values))
    return g


@given(x=small_graphs(), fmt_in=st.sampled_from(ALL_FORMATS), fmt_out=st.sampled_from(ALL_FORMATS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
def test_generated_graphs_round_trip(scratch, tmp_path, x, fmt_in, fmt_out):
    """export(load(x)) is isomorphic to x, read from one format and written in another; with named
    graphs kept where both formats keep them (TriG, N-Quads), else all in the default graph."""
    loaded = reread(x, fmt_in, tmp_path, "in")
    assert_same(x, loaded)
    expected = x if fmt_in in QUAD_FORMATS else flattened(x)
    assert_same_dataset(expected, loaded)
    exported = through_store(scratch, loaded)
    assert_same_dataset(expected, exported)
    out = reread(exported, fmt_out, tmp_path, "out")
    assert_same(x, out)
    if fmt_out in QUAD_FORMATS:
        assert_same_dataset(expected, out)


def test_generated_datasets_have_named_graphs():
    """The strategy reaches what it claims: three graphs or more, the blank graph name, and a
    statement outside its subject's graph (so the round trip above does test them)."""
    from hypothesis import find

    def graph_of(g, s):
        return next(q[3] for q in quads_of(g) if q[0] == s)

    def reaches(g):
        names = {q[3] for q in quads_of(g)}
        apart = any(graph_of(g, s) != graph_of(g, g.value(s, RDF.subject)) for s in g.subjects(RDF.type, RDF.Statement))
        return len(names) >= 3 and BNode("gen-g") in names and apart

    assert reaches(find(small_graphs(), reaches, settings=settings(max_examples=2000, database=None)))


def test_generated_parallel_edges_are_two_relationships(scratch):
    """A fixed draw-free case of the property above, asserted on the store itself."""
    g = Graph()
    a, b, src = URIRef(BASE + "event/p-1"), URIRef(BASE + "missile/p-1"), URIRef(BASE + "src/p-1")
    g.add((src, RDF.type, PEN.Source))
    g.add((a, RDF.type, PEN.MissileTest))
    g.add((b, RDF.type, PEN.MissileSystem))
    g.add((a, PEN.tested, b))
    for i, day in enumerate(["2017-07-04", "2017-07-28"]):
        stmt = URIRef(f"{BASE}stmt/p-{i}")
        for t in ((stmt, RDF.type, RDF.Statement), (stmt, RDF.subject, a), (stmt, RDF.predicate, PEN.tested),
                  (stmt, RDF.object, b), (stmt, PEN.source, src), (stmt, PEN.validFrom, Literal(day, datatype=XSD.date))):
            g.add(t)
    back = through_store(scratch, g)
    rows = scratch.query("MATCH ()-[r:TESTED]->() RETURN r.valid_from AS f ORDER BY f")
    assert [r["f"] for r in rows] == ["2017-07-04", "2017-07-28"]
    assert_same(g, back)


def test_load_rejects_and_writes_nothing(tmp_path, store):
    """A dangling reference names the subject and property; the store stays empty."""
    path = tmp_path / "bad.ttl"
    path.write_text(f"@prefix pen: <{PEN}> .\n<{BASE}state/XXB> a pen:State ; pen:iso3 \"XXB\" ;\n"
                    f"  pen:memberOf <{BASE}org/nowhere> .\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_rdf(store, path)
    assert "org/nowhere" in str(err.value)
    assert store.counts() == {"labels": {}, "types": {}}


# ---------------------------------------------------------------------------- named graphs
NAMED = SAMPLES / "rdf" / "named-graphs.trig"


def by_graph(data) -> dict:
    """graph name -> rdflib Graph of its triples."""
    out: dict = {}
    for s, p, o, g in quads_of(data):
        out.setdefault(g, Graph()).add((s, p, o))
    return out


@pytest.mark.parametrize("fmt", sorted(QUAD_FORMATS))
def test_trig_sample_keeps_its_named_graphs(scratch, fmt, tmp_path):
    """Two named graphs and the default graph come back as they were, graph by graph."""
    sample = read_rdf(NAMED)
    graphs = by_graph(sample)
    assert set(graphs) == {None, URIRef(BASE + "graph/sanctions"), URIRef(BASE + "graph/missiles")}
    back = reread(through_store(scratch, sample), fmt, tmp_path)
    assert_same_dataset(sample, back)
    got = by_graph(back)
    assert set(got) == set(graphs)
    for name, g in graphs.items():
        assert_same(g, got[name])


def test_trig_sample_graphs_in_the_store(scratch):
    """Nodes and relationships carry their graph; the default graph carries none; never a triple."""
    exported = through_store(scratch, read_rdf(NAMED))
    rows = scratch.query(f"MATCH (n) RETURN n.key AS key, n.`{GRAPH_KEY}` AS g ORDER BY key")
    assert {r["key"]: r["g"] for r in rows} == {
        "event/ng-test": BASE + "graph/missiles", "missile/ng-x": BASE + "graph/missiles",
        "src/ng-a": None, "state/XXN": BASE + "graph/sanctions", "unscr/9996": BASE + "graph/sanctions"}
    rows = scratch.query(f"MATCH ()-[r]->() RETURN r.key AS key, r.`{GRAPH_KEY}` AS g ORDER BY key")
    assert [(r["key"], r["g"]) for r in rows] == [("stmt/ng-targets", BASE + "graph/sanctions"), ("stmt/ng-tested", None)]
    # the asserted triple of stmt/ng-tested stays with its subject, in the missiles graph
    tested = (URIRef(BASE + "event/ng-test"), PEN.tested, URIRef(BASE + "missile/ng-x"))
    assert {q[3] for q in quads_of(exported) if q[:3] == tested} == {URIRef(BASE + "graph/missiles")}
    assert not any(GRAPH_KEY in str(p) for _, p, _ in exported)


@pytest.mark.parametrize("fmt", sorted(QUAD_FORMATS))
def test_named_graphs_through_the_cli(fmt, tmp_path):
    """peninsula load (SHACL included) then peninsula export keep the graphs."""
    from peninsula.graph.cli import main

    runner = CliRunner()
    store = f"embedded:{tmp_path / 'ng.db'}"
    result = runner.invoke(main, ["--store", store, "load", str(NAMED)])
    assert result.exit_code == 0, result.output
    out = tmp_path / f"ng{RDF_FORMATS[fmt].suffix}"
    result = runner.invoke(main, ["--store", store, "export", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert_same_dataset(read_rdf(NAMED), read_rdf(out))


def test_a_graph_name_that_is_our_old_export_graph_is_an_ordinary_graph(scratch):
    """id:graph/peninsula (where TriG exports once put everything) is kept like any named graph."""
    s = URIRef(BASE + "state/XXG")
    x = NamedGraphs()
    x.add_quad(s, RDF.type, PEN.State, URIRef(BASE + "graph/peninsula"))
    x.add_quad(s, PEN.iso3, Literal("XXG"), URIRef(BASE + "graph/peninsula"))
    assert_same_dataset(x, through_store(scratch, x))


SPREAD = [  # (TriG text, subject named in the message, graphs named)
    ("<state/XXS> a pen:State .\n<graph/one> { <state/XXS> pen:iso3 \"XXS\" . }\n",
     "state/XXS", ["the default graph", f"<{BASE}graph/one>"]),
    ("<graph/one> { <state/XXS> a pen:State . }\n<graph/two> { <state/XXS> a pen:State . }\n",
     "state/XXS", [f"<{BASE}graph/one>", f"<{BASE}graph/two>"]),
    ("<graph/one> { <state/XXS> a pen:State ; pen:memberOf <org/xxo> . <org/xxo> a pen:Organization .\n"
     "  <stmt/xxs> a rdf:Statement ; rdf:subject <state/XXS> ; rdf:predicate pen:memberOf ; rdf:object <org/xxo> . }\n"
     "<graph/two> { <stmt/xxs> pen:validFrom \"2001\"^^xsd:gYear . }\n",
     "stmt/xxs", [f"<{BASE}graph/one>", f"<{BASE}graph/two>"]),
]


@pytest.mark.parametrize("body, subject, graphs", SPREAD, ids=["default-and-named", "two-named", "statement"])
def test_a_subject_spread_over_graphs_is_refused(tmp_path, store, body, subject, graphs):
    """It cannot be held exactly (one graph per node or statement): refused, naming file, subject and
    graphs; nothing is written. Never merged."""
    path = tmp_path / "spread.trig"
    path.write_text(f"@base <{BASE}> .\n@prefix pen: <{PEN}> .\n@prefix xsd: <{XSD}> .\n"
                    f"@prefix rdf: <{RDF}> .\n" + body, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_rdf(store, path)
    message = str(err.value)
    assert str(path) in message and subject in message and err.value.field == GRAPH_KEY
    assert all(g in message for g in graphs), message
    assert store.counts() == {"labels": {}, "types": {}}


def test_the_graph_key_is_reserved_and_never_a_triple():
    """No ontology property may derive the key, and the Neo4j linter schema knows it."""
    from peninsula.ontology import load

    ont = load()
    assert GRAPH_KEY not in ont.keys and GRAPH_KEY in ont.linter_schema()["propertyKeys"]
