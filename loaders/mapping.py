"""RDF <-> property graph, both ways, derived from the ontology: the normal (in-memory) path.

What each value, key and graph name becomes is the codec's (``loaders.codec``), shared with the
streaming load and the N-Triples writer; this module groups triples into nodes and relationships.

A node is ``{"key", "labels", "props"}``; an edge is ``{"type", "key", "src", "dst", "props"}``.

- A subject IRI under the base becomes the node key (``state/PRK``); any other IRI keeps its
  full form as key. Blank nodes are skolemised (``.well-known/genid/ID``) on the way in and
  restored on the way out.
- ``rdf:type`` gives the node's ``class`` (scalar, or a list for several) and its labels: the
  class and its superclasses.
- Datatype properties become snake_case keys; a key-valued object property (``pen:source``,
  ``pen:fromSite``: ``pen:keyValued`` in the ontology) keeps the target's key as text; a language-tagged value goes under ``key`` for
  English and ``key_LANG`` otherwise; several values become a list; ``owl:sameAs wd:Q..``
  becomes ``wikidata``.
- An object property becomes a relationship. A relationship with annotations is written in RDF
  as the triple plus one ``rdf:Statement`` per relationship (standard reification): two
  statements of one triple stay two relationships. The statement's key is the edge's key;
  an edge with no statement gets a ``triple/`` key and no statement on the way out.
- Named graphs (TriG, N-Quads) are kept per subject: a node records the graph its triples came
  from, a relationship the graph of its statement (a plain relationship: its subject's), under
  the reserved key ``GRAPH_KEY`` as an IRI string (a blank graph name skolemised like a blank
  node); the default graph records nothing. Every graph name is an ordinary named graph, our
  old export graph ``id:graph/peninsula`` included, so the round trip is exact. On the way out
  a node's triples and a relationship's asserted triple go to the node's graph, a statement's to
  the relationship's. A subject (or statement) whose triples sit in several graphs cannot be held
  exactly and is refused, never merged.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from rdflib import RDF, ConjunctiveGraph, Literal
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from peninsula.loaders.codec import (
    DATA,
    EDGE_SKIP,
    GENID,
    KEYREF,
    LINK,
    NODE_SKIP,
    SAMEAS,
    TRIPLE,
    TYPE,
    Edge,
    Node,
    codec,
    triple_key,
)
from peninsula.ontology import PEN, InputError
from peninsula.ontology.model import GRAPH_KEY, WIKIDATA, Ontology
from peninsula.ontology.temporal import xsd_type

__all__ = ["GENID", "TRIPLE", "Edge", "Node", "check_graphs", "edge_quads", "edge_triples", "graph_name",
           "graph_value", "key_of", "node_quads", "node_triples", "prop_for_key", "quads_of", "statement_key",
           "term_of", "to_property_graph", "triple_key"]


# ---------------------------------------------------------------------------- identity (the codec's)
def key_of(term) -> str:
    return codec().key_of(term)


def term_of(key: str):
    return codec().term_of(key)


def graph_value(name) -> str | None:
    """A graph name (IRI or blank node; None or rdflib's default-graph id for the default graph) ->
    the value of a node's or relationship's ``GRAPH_KEY``."""
    return codec().graph_value(name)


def graph_name(value: str | None):
    """The inverse of `graph_value`: None for the default graph."""
    return codec().graph_name(value)


def prop_for_key(ont: Ontology, key: str):
    """The property a graph key stands for: `name`, or `name_ko` / `name_zh_hant` for a language."""
    rule = codec(ont).rule(key)
    return rule.prop if rule is not None else None


def date_type(text: str):
    return xsd_type(text)


def quads_of(data) -> Iterable[tuple]:
    """(s, p, o, graph name or None) from a graph that remembers named graphs (`named_quads`, see
    loaders/rdf.py), an rdflib Dataset, or any iterable of triples (default graph) or quads."""
    if hasattr(data, "named_quads"):
        yield from data.named_quads()
    elif isinstance(data, ConjunctiveGraph):
        for s, p, o, ctx in data.quads():
            name = getattr(ctx, "identifier", ctx)
            yield s, p, o, None if name == DATASET_DEFAULT_GRAPH_ID else name
    else:
        for t in data:
            name = getattr(t[3], "identifier", t[3]) if len(t) > 3 else None  # a context graph or its name
            yield t[0], t[1], t[2], None if name == DATASET_DEFAULT_GRAPH_ID else name


def check_graphs(data, where=None) -> None:
    """Refuse a subject (or statement) whose triples sit in several graphs: a node or relationship
    keeps one graph, so such input cannot be held exactly; it is never merged."""
    graphs: dict = defaultdict(set)
    is_statement = set()
    for s, p, o, g in quads_of(data):
        graphs[s].add(g)
        if p == RDF.type and o == RDF.Statement:
            is_statement.add(s)
    _graph_of(graphs, is_statement, where or (lambda s: f"<{s}>"))


def _graph_of(graphs: dict, is_statement: set, where) -> dict:
    """Subject -> its one graph's GRAPH_KEY value, for the subjects in a named graph."""
    c, out = codec(), {}
    for s, names in graphs.items():
        g = c.one_graph(c.key_of(s), {c.graph_value(n) for n in names}, s in is_statement, where(s))
        if g is not None:
            out[s] = g
    return out


def statement_key(src: str, prop: str, dst: str, annotations: dict) -> str:
    """A stable key for one annotated relationship, from its content."""
    text = repr((src, prop, dst, sorted((k, repr(v)) for k, v in annotations.items())))
    return "stmt/" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------------------- RDF -> graph
def to_property_graph(triples: Iterable[tuple], ont: Ontology | None = None,
                      where=None) -> tuple[list[Node], list[Edge]]:
    """Map RDF triples (or quads, or a graph keeping named graphs: see `quads_of`) to (nodes, edges).
    `where(subject)` names the file/line for messages."""
    c = codec(ont)
    where = where or (lambda s: f"<{s}>")
    subjects: dict = defaultdict(lambda: defaultdict(list))
    statements: dict = defaultdict(lambda: defaultdict(list))
    is_statement = set()
    graphs: dict = defaultdict(set)  # subject -> the graph names its triples are in (None: default)
    all_triples = []
    for s, p, o, g in quads_of(triples):
        graphs[s].add(g)
        all_triples.append((s, p, o))
        if p == RDF.type and o == RDF.Statement:
            is_statement.add(s)
    graph_of = _graph_of(graphs, is_statement, where)
    for s, p, o in all_triples:
        (statements if s in is_statement else subjects)[s][p].append(o)

    nodes, edges = [], []
    reified: dict = defaultdict(list)
    for stmt, props in statements.items():
        parts = [props.get(x, []) for x in (RDF.subject, RDF.predicate, RDF.object)]
        if any(len(x) != 1 for x in parts):
            raise InputError("a statement needs exactly one rdf:subject, rdf:predicate and rdf:object",
                             where=where(stmt))
        reified[(parts[0][0], parts[1][0], parts[2][0])].append(stmt)

    for s, props in subjects.items():
        classes, multi = [], defaultdict(list)
        for p, objects in props.items():
            h = c.handler(str(p))
            if h.code == TYPE:
                for o in objects:
                    cls = c.class_name(str(o)) if not isinstance(o, Literal) else None
                    if cls is None:
                        raise InputError(f"unknown class <{o}>", where=where(s), field="rdf:type")
                    classes.append(cls)
            elif h.code == LINK:
                for o in objects:
                    _reference(h.prop.name, o, s, where)
                    if o not in subjects:
                        raise InputError(f"dangling reference: {h.prop.name} -> {key_of(o)} is not defined",
                                         where=where(s), field=h.prop.name)
                    edges.extend(_edges(c, s, h.prop, o, reified.pop((s, p, o), []), statements, where, graph_of))
            else:
                _values(c, h, p, objects, s, where, multi)
        if not classes:
            raise InputError("entity has no class (rdf:type)", where=where(s), field="rdf:type")
        classes.sort()
        nodes.append(c.node(c.key_of(s), classes, multi, graph_of.get(s)))
    if reified:
        (s, p, o), stmts = next(iter(reified.items()))
        raise InputError(f"statement about a triple that is not asserted: {key_of(s)} {p} {key_of(o)}",
                         where=where(stmts[0]))
    nodes.sort(key=lambda n: n["key"])
    edges.sort(key=lambda e: e["key"])
    return nodes, edges


def _reference(name: str, o, s, where) -> None:
    if isinstance(o, Literal):
        raise InputError(f"{name} links to an entity, got the literal {o!r}", where=where(s), field=name)


def _values(c, h, p, objects, s, where, multi: dict) -> None:
    """The values of one predicate of a node or statement -> `multi` (graph key -> values)."""
    if h.code == DATA:
        for o in objects:
            if not isinstance(o, Literal):
                raise InputError(f"{h.prop.name} needs a literal, got <{o}>", where=where(s), field=h.prop.name)
            k, v = c.decode(o, h.prop, where(s))
            multi[k].append(v)
    elif h.code == KEYREF:
        key = h.prop.key
        for o in objects:
            _reference(h.prop.name, o, s, where)
            multi[key].append(c.key_of(o))
    elif h.code == SAMEAS:
        for o in objects:
            if isinstance(o, Literal) or not str(o).startswith(WIKIDATA):
                raise InputError(f"owl:sameAs only links Wikidata items, got <{o}>", where=where(s), field="owl:sameAs")
            multi[QID_KEY].append(str(o)[len(WIKIDATA):])
    else:
        raise InputError(f"unknown property <{p}>", where=where(s), field=str(p))


QID_KEY = "wikidata"  # the graph key of owl:sameAs links to Wikidata (a QID rule in the codec)


def _edges(c, s, prop, o, stmts, statements, where, graph_of) -> list[Edge]:
    src, dst = c.key_of(s), c.key_of(o)
    if not stmts:
        return [c.plain_edge(src, prop, dst, graph_of.get(s))]
    out = []
    for stmt in stmts:
        eprops: dict = {"key": c.key_of(stmt)}
        if stmt in graph_of:
            eprops[GRAPH_KEY] = graph_of[stmt]
        multi: dict = defaultdict(list)
        for p, objects in statements[stmt].items():
            if p in (RDF.type, RDF.subject, RDF.predicate, RDF.object):
                continue
            h = c.handler(str(p))
            if h.prop is None or not h.prop.on_relationship:
                raise InputError(f"<{p}> cannot annotate a relationship", where=where(stmt), field=str(p))
            _values(c, h, p, objects, stmt, where, multi)
        c.collapse(multi, eprops)
        out.append({"type": prop.rel_type, "key": eprops["key"], "src": src, "dst": dst, "props": eprops})
    return out


# ---------------------------------------------------------------------------- graph -> RDF
def node_triples(props: dict, ont: Ontology | None = None):
    c = codec(ont)
    s = c.term_of(props["key"])
    classes = props.get("class")
    for cls in classes if isinstance(classes, list) else [classes]:
        yield s, RDF.type, PEN[cls]
    yield from c.value_triples(s, props, NODE_SKIP)


def edge_triples(src: str, rel_type: str, dst: str, props: dict, ont: Ontology | None = None):
    c = codec(ont)
    prop = c.ont.rel_types[rel_type]
    s, o = c.term_of(src), c.term_of(dst)
    yield s, prop.iri, o
    key = props.get("key", "")
    if key.startswith(TRIPLE):
        return
    stmt = c.term_of(key)
    yield stmt, RDF.type, RDF.Statement
    yield stmt, RDF.subject, s
    yield stmt, RDF.predicate, prop.iri
    yield stmt, RDF.object, o
    yield from c.value_triples(stmt, props, EDGE_SKIP)


def node_quads(props: dict, ont: Ontology | None = None):
    """`node_triples`, each with the node's graph name (None: the default graph)."""
    g = graph_name(props.get(GRAPH_KEY))
    for t in node_triples(props, ont):
        yield (*t, g)


def edge_quads(src: str, rel_type: str, dst: str, props: dict, ont: Ontology | None = None,
               src_graph: str | None = None):
    """`edge_triples` with graph names: the asserted triple in its subject's graph (`src_graph`, the
    source node's ``GRAPH_KEY``), the statement's triples in the relationship's own graph."""
    triples = edge_triples(src, rel_type, dst, props, ont)
    yield (*next(triples), graph_name(src_graph))
    g = graph_name(props.get(GRAPH_KEY))
    for t in triples:
        yield (*t, g)
