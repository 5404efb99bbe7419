"""The one RDF <-> property-graph codec (loaders/codec.py): each piece of mapping knowledge, checked
once, in both of its renderings (rdflib terms for the normal path, N-Triples text for the streamed
load and export); and the key-valued references (pen:source, pen:fromSite) as IRIs in every format."""

from __future__ import annotations

import pyoxigraph
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rdflib import XSD, BNode, Graph, Literal, URIRef
from support import streamed as _streamed

from peninsula.loaders.codec import GENID, codec
from peninsula.loaders.literals import DATE, LANG, NUMBER, QID, REF, TEXT, TYPED, term_nt
from peninsula.ontology import InputError, load
from peninsula.ontology.model import GRAPH_KEY, PEN

BASE = "https://peninsula.invalid/id/"
SAMPLES = {  # kind or datatype -> stored values a store gives back
    LANG: ["North Korea", "line\nbreak \"quoted\" \\ back"], DATE: ["2017-07-04", "2017-07", "2017"],
    TEXT: ["plain", "tab\there"], REF: ["place/wonsan", GENID + "b7", "http://example.org/elsewhere"],
    QID: ["Q423"], XSD.integer: [5, -(2 ** 62)], XSD.decimal: [1.5, 1234.25], XSD.double: [0.25, 1e-7],
    XSD.boolean: [True, False], XSD.anyURI: ["https://example.org/a?b=c"], XSD.time: ["12:30:00"],
}


def _samples(rule):
    return SAMPLES[rule.datatype if rule.kind in (NUMBER, TYPED) else rule.kind]


def _rules():
    c = codec()
    return [c.rule(k) for k in sorted({*load().keys, "name_ko", "alias_zh_hant", "wikidata"})]


# ---------------------------------------------------------------------------- identity and graphs
@pytest.mark.parametrize("key", ["state/PRK", "stmt/reach-1", GENID + "b1", "http://example.org/x", "urn:x:y"])
def test_a_key_and_its_term_are_one_mapping_in_both_renderings(key):
    c = codec()
    term = c.term_of(key)
    assert c.key_of(term) == key
    assert c.nt(key) == term_nt(term)
    assert c.key_nt(c.nt(key)) == key


def test_a_key_under_the_base_is_short_and_an_iri_with_a_colon_after_the_base_is_kept_whole():
    c = codec()
    assert c.key_of(URIRef(BASE + "state/PRK")) == "state/PRK"
    assert c.key_of(URIRef(BASE + "a:b")) == BASE + "a:b"
    assert c.key_nt(f"<{BASE}a:b>") == BASE + "a:b"


@pytest.mark.parametrize("name", [None, URIRef("http://example.org/g"), BNode("g1")])
def test_graph_names_map_alike_from_terms_and_from_ntriples(name):
    c = codec()
    value = c.graph_value(name)
    nt = "" if name is None else term_nt(name)
    assert c.graph_value_nt(nt) == value
    assert c.graph_name(value) == name


def test_a_subject_in_two_graphs_is_refused_naming_both():
    c = codec()
    assert c.one_graph("state/PRK", {"http://example.org/g"}, False, "f.trig") == "http://example.org/g"
    with pytest.raises(InputError) as exc:
        c.one_graph("stmt/x", {None, "http://example.org/g"}, True, "f.trig")
    assert "statement stmt/x" in str(exc.value) and "the default graph" in str(exc.value)
    assert "<http://example.org/g>" in str(exc.value) and exc.value.field == GRAPH_KEY


# ---------------------------------------------------------------------------- values, both ways
def test_every_graph_key_has_a_rule_derived_from_the_ontology():
    c = codec()
    for key, prop in load().keys.items():
        rule = c.rule(key)
        assert rule.prop is prop and rule.multi == prop.multi
    assert c.rule("name_ko").lang == "ko" and c.rule("alias_zh_hant").lang == "zh-hant"
    assert c.rule("wikidata").kind == QID and c.rule(GRAPH_KEY) is None and c.rule("not_ours") is None


@pytest.mark.parametrize("rule", [r for r in _rules() if r.kind not in (REF, QID)], ids=lambda r: r.key)
def test_each_value_decodes_to_itself_from_rdflib_and_from_ntriples(rule):
    """Every literal-valued rule (an IRI-valued one, REF or QID, is covered by the node and export tests)."""
    c = codec()
    h = c.handler(str(rule.predicate))
    for value in _samples(rule):
        lit = c.literal(rule, value)
        assert c.decode(lit, rule.prop, "here") == (rule.key, value)
        if "\\" not in term_nt(lit):  # the plain form; a line with escapes is read by pyoxigraph (below)
            assert c.decode_nt(h, term_nt(lit), "here") == (rule.key, value)
        ox = next(iter(pyoxigraph.parse(f"<{BASE}s> <{rule.predicate}> {term_nt(lit)} .",
                                        format=pyoxigraph.RdfFormat.N_TRIPLES))).object
        assert c.decode_nt(h, ox, "here") == (rule.key, value)


def test_ntriples_values_are_the_rdflib_values():
    c = codec()
    props = {"key": "x/1", "class": "State", GRAPH_KEY: "http://example.org/g", "foreign_tool_prop": 1}
    for rule in _rules():
        props[rule.key] = _samples(rule) if rule.multi or len(_samples(rule)) > 1 else _samples(rule)[0]
    s = URIRef(BASE + "x/1")
    lines: list = []
    c.nt_values(c.nt("x/1"), props, {"key", "class", GRAPH_KEY}, lines)
    from rdflib.compare import isomorphic

    written = Graph().parse(data="".join(lines), format="nt")
    expected = set(c.value_triples(s, props))
    assert isomorphic(written, Graph().parse(data="".join(f"{term_nt(x)} {term_nt(y)} {term_nt(z)} .\n"
                                                          for x, y, z in expected), format="nt"))
    assert len(lines) == len(expected) and not any(p == PEN.graph for _, p, _ in expected)


def test_ntriples_numbers_kept_between_calls_are_each_values_own_literal():
    """`nt_values` keeps the literals of numbers it wrote: 1, 1.0 and True, 0.0 and -0.0, under one
    key or another, each still gets its own; so does a number under a key of strings."""
    c = codec()
    s = c.nt("x/1")
    keys = [r.key for r in _rules() if r.kind in (NUMBER, TEXT)]
    for _ in range(2):
        for key in keys:
            for value in (1, 1.0, True, 0.0, -0.0, 1.0, -2.5, 2 ** 62, 1):
                lines: list = []
                c.nt_values(s, {key: value}, (), lines)
                rule, objects = c.objects(key, value)
                assert lines == [f"{s} {rule.nt_predicate} {term_nt(o)} .\n" for o in objects], (key, value)


_NUMBERS_AND_DATES = sorted((p for p in load().properties.values() if p.is_date or p.range in (
    XSD.integer, XSD.decimal, XSD.double, XSD.boolean)), key=lambda p: p.name)
_DECIMAL, _DOUBLE, _INTEGER, _DATE = (next(i for i, p in enumerate(_NUMBERS_AND_DATES) if p.name == name)
                                      for name in ("distanceKm", "degree", "stages", "date"))


def _outcome(decode, *args):
    """What a decoding gives: the key and the value with its type (True is not 1, -0.0 not 0.0), or the refusal."""
    try:
        key, value = decode(*args)
    except InputError as exc:
        return "refused", exc.field
    return key, type(value).__name__, repr(value)


_LEXICAL = st.one_of(
    st.from_regex(r"\A[-+]?[0-9]{0,20}(\.[0-9]{0,18})?([eE][-+]?[0-9]{1,4})?\Z"),
    st.from_regex(r"\A-?[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z"),
    st.sampled_from(["true", "false", "1", "0", "TRUE", "INF", "-INF", "NaN", "", ".5", "5.", "0x10", " 1"]),
    st.integers(-(2 ** 64), 2 ** 64).map(str), st.floats(allow_nan=False).map(repr), st.dates().map(str))


@settings(max_examples=600, deadline=None)
@given(prop_index=st.integers(0, 200), date_type=st.sampled_from([XSD.date, XSD.gYearMonth, XSD.gYear]), text=_LEXICAL)
@example(prop_index=_DECIMAL, date_type=XSD.date, text="1234567890123456")  # 16 digits: more than a store keeps
@example(prop_index=_DECIMAL, date_type=XSD.date, text="-12345678901234.5")
@example(prop_index=_DOUBLE, date_type=XSD.date, text="0.10000000000000001")  # 17 significant digits
@example(prop_index=_DOUBLE, date_type=XSD.date, text="1e400")
@example(prop_index=_INTEGER, date_type=XSD.date, text="9223372036854775808")  # 2 ** 63
@example(prop_index=_DATE, date_type=XSD.date, text="2023-02-29")
def test_numbers_and_dates_read_from_ntriples_are_what_the_rdflib_literal_gives(prop_index, date_type, text):
    """The N-Triples fast path (`fast_rule`'s checks) gives each number or date the value, type and key
    the general decoding of its rdflib literal gives, and refuses what it refuses, for any lexical form
    of the property's datatype (a wrong datatype: test_literals_of_the_wrong_kind_are_refused...)."""
    c = codec()
    prop = _NUMBERS_AND_DATES[prop_index % len(_NUMBERS_AND_DATES)]
    datatype = date_type if prop.is_date else prop.range
    h = c.handler(str(prop.iri))
    assert _outcome(c.decode_nt, h, f'"{text}"^^<{datatype}>', "f:1") == _outcome(
        c.decode, Literal(text, datatype=datatype), prop, "f:1")


def test_the_fast_path_takes_common_numbers_and_dates_without_an_rdflib_literal(monkeypatch):
    """Common numbers, booleans and real dates past the 28th are read without the general decoding."""
    from peninsula.loaders import codec as codec_module

    def general(*args):
        raise AssertionError(f"went through the general decoding: {args[0]!r}")

    c = codec()
    monkeypatch.setattr(codec_module, "decode", general)
    ont = load().properties
    for name, lit, value in [("stages", Literal("3", datatype=XSD.integer), 3),
                             ("distanceKm", Literal("1200.5", datatype=XSD.decimal), 1200.5),
                             ("maxOnly", Literal("false", datatype=XSD.boolean), False),
                             ("date", Literal("2024-01-31", datatype=XSD.date), "2024-01-31")]:
        h = c.handler(str(ont[name].iri))
        assert c.decode_nt(h, term_nt(lit), "f:1") == (ont[name].key, value)


def test_literals_of_the_wrong_kind_are_refused_on_both_renderings():
    c = codec()
    ont = load()
    cases = [(ont.properties["name"], Literal("no tag")), (ont.properties["iso3"], Literal("PRK", lang="en")),
             (ont.properties["validFrom"], Literal("2017-07", datatype=XSD.date)),
             (ont.properties["stages"], Literal("two", datatype=XSD.integer)),
             (ont.properties["distanceKm"], Literal("1.0000000000000001", datatype=XSD.decimal)),
             (ont.properties["count"], Literal(str(2 ** 63), datatype=XSD.integer))]
    for prop, lit in cases:
        with pytest.raises(InputError) as exc:
            c.decode(lit, prop, "f:1")
        assert exc.value.field == prop.name
        with pytest.raises(InputError):
            c.decode_nt(c.handler(str(prop.iri)), term_nt(lit), "f:1")


def test_collapse_keeps_multi_valued_keys_as_sorted_lists():
    c = codec()
    assert c.collapse({"sources": ["src/b", "src/a"], "iso3": ["PRK"], "note": ["b", "a"]}) == {
        "sources": ["src/a", "src/b"], "iso3": "PRK", "note": ["a", "b"]}
    assert c.collapse({"sources": ["src/a"]}) == {"sources": ["src/a"]}


@pytest.mark.parametrize("name,value,expected", [
    ("date", "2006-10-09", Literal("2006-10-09", datatype=XSD.date)),
    ("date", 2006, Literal("2006", datatype=XSD.gYear)),
    ("distanceKm", "1,200.5", Literal("1200.5", datatype=XSD.decimal)),
    ("stages", 2, Literal(2, datatype=XSD.integer)),
    ("maxOnly", True, Literal(True, datatype=XSD.boolean)),
    ("url", "https://example.org/a", Literal("https://example.org/a", datatype=XSD.anyURI)),
    ("iso3", "PRK", Literal("PRK")),
    ("fromSite", "place/wonsan", URIRef(BASE + "place/wonsan")),
])
def test_yaml_values_are_typed_by_the_codec(name, value, expected):
    assert codec().parse(load().properties[name], value, "f.yaml:3") == expected


@pytest.mark.parametrize("name,value", [("date", "2006-13-01"), ("stages", "2"), ("stages", 2 ** 63),
                                        ("maxOnly", "yes"), ("url", "ftp://x"), ("distanceKm", "inf"),
                                        ("launchTime", "noon"), ("iso3", ["PRK"])])
def test_bad_yaml_values_are_refused_naming_the_field(name, value):
    prop = load().properties[name]
    with pytest.raises(InputError) as exc:
        codec().parse(prop, value, "f.yaml:3")
    assert exc.value.field == prop.key and "f.yaml:3" in str(exc.value)


# ---------------------------------------------------------------------------- key-valued references
REACH = f"""@prefix pen: <{PEN}> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{BASE}src/a> a pen:Source ; pen:title "A" ; pen:publisher "P" ; pen:date "2017"^^xsd:gYear .
<{BASE}place/wonsan> a pen:Place ; pen:name "Wonsan"@en ; pen:source <{BASE}src/a> .
<{BASE}place/guam> a pen:Place ; pen:name "Guam"@en ; pen:source <{BASE}src/a> .
<{BASE}missile/hs-12> a pen:WeaponSystem ; pen:name "Hwasong-12"@en ; pen:source <{BASE}src/a> ;
    pen:canReach <{BASE}place/guam> .
<{BASE}stmt/reach-1> a rdf:Statement ; rdf:subject <{BASE}missile/hs-12> ; rdf:predicate pen:canReach ;
    rdf:object <{BASE}place/guam> ; pen:fromSite <{BASE}place/wonsan> ; pen:distanceKm 3400.5 ;
    pen:source <{BASE}src/a> .
"""


def test_key_valued_properties_are_marked_in_the_ontology_and_make_no_relationship():
    ont = load()
    marked = {p.name for p in ont.properties.values() if p.key_valued}
    assert marked == {"source", "fromSite"}
    for name in marked:
        prop = ont.properties[name]
        assert prop.kind == "object" and prop.rel_type is None and codec().rule(prop.key).kind == REF
    assert ont.properties["fromSite"].range == PEN.Place


def _nodes_edges(text: str, fmt: str = "turtle"):
    """The mapping of `text`; TriG and N-Quads read with their named graphs, as `load` reads them."""
    from rdflib import Dataset

    from peninsula.loaders.mapping import quads_of, to_property_graph
    from peninsula.loaders.rdf import NamedGraphs

    if fmt not in ("trig", "nquads"):
        return to_property_graph(Graph().parse(data=text, format=fmt))
    graph = NamedGraphs()
    for quad in quads_of(Dataset().parse(data=text, format=fmt)):
        graph.add_quad(*quad)
    return to_property_graph(graph)


def test_from_site_is_read_from_an_iri_by_both_load_paths_as_the_key(tmp_path):
    nodes, edges = _nodes_edges(REACH)
    (reach,) = [e for e in edges if e["type"] == "CAN_REACH"]
    assert reach["props"]["from_site"] == "place/wonsan" and reach["props"]["distance_km"] == 3400.5
    nt = tmp_path / "reach.nt"
    nt.write_text(Graph().parse(data=REACH, format="turtle").serialize(format="nt"), encoding="utf-8")
    assert _streamed(nt) == (nodes, edges)


def test_from_site_as_text_is_refused_by_both_load_paths(tmp_path):
    text = REACH.replace(f"pen:fromSite <{BASE}place/wonsan>", 'pen:fromSite "place/wonsan"')
    with pytest.raises(InputError, match="fromSite links to an entity, got the literal"):
        _nodes_edges(text)
    nt = tmp_path / "reach.nt"
    nt.write_text(Graph().parse(data=text, format="turtle").serialize(format="nt"), encoding="utf-8")
    with pytest.raises(InputError, match="fromSite links to an entity, got the literal"):
        _streamed(nt)


@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"),
                                        ("xml", "xml"), ("trig", "trig"), ("nquads", "nquads")])
def test_from_site_is_an_iri_in_every_export_and_comes_back_as_the_key(store, fmt, parser):
    from rdflib import Dataset

    from peninsula.graph.export import export

    nodes, edges = _nodes_edges(REACH)
    store.write(nodes, edges)
    text = export(store, fmt)
    g = Dataset() if parser in ("trig", "nquads") else Graph()
    g.parse(data=text, format=parser)
    triples = {(s, p, o) for s, p, o, *_ in (g.quads() if parser in ("trig", "nquads") else g)}
    assert (URIRef(BASE + "stmt/reach-1"), PEN.fromSite, URIRef(BASE + "place/wonsan")) in triples
    assert not any(p == PEN.fromSite and isinstance(o, Literal) for _, p, o in triples)
    back = _nodes_edges(text, parser)
    assert back == (nodes, edges)


def test_from_site_is_an_iri_in_the_streamed_ntriples_export(store, tmp_path):
    from peninsula.graph.export import write_ntriples

    nodes, edges = _nodes_edges(REACH)
    store.write(nodes, edges)
    out = tmp_path / "out.nt"
    write_ntriples(store, out)
    text = out.read_text(encoding="utf-8")
    assert f"<{BASE}stmt/reach-1> <{PEN}fromSite> <{BASE}place/wonsan> .\n" in text
    assert _streamed(out) == (nodes, edges)


def test_no_text_property_of_the_curated_build_holds_an_entity_key(built):
    """A property holding another entity's key as text should be key-valued (an IRI in RDF)."""
    c = codec()
    keys = {n["key"] for n in built.nodes()}
    found = set()
    for props in [n["props"] for n in built.nodes()] + [e["props"] for e in built.edges()]:
        for k, v in props.items():
            rule = c.rule(k)
            if rule is not None and rule.kind in (TEXT, TYPED) and k != "key":
                found |= {(k, x) for x in (v if isinstance(v, list) else [v]) if x in keys}
    assert not found
