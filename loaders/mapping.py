"""RDF <-> property graph, both ways, derived from the ontology.

A node is ``{"key", "labels", "props"}``; an edge is ``{"type", "key", "src", "dst", "props"}``.

- A subject IRI under the base becomes the node key (``state/PRK``); any other IRI keeps its
  full form as key. Blank nodes are skolemised (``.well-known/genid/ID``) on the way in and
  restored on the way out.
- ``rdf:type`` gives the node's ``class`` (scalar, or a list for several) and its labels: the
  class and its superclasses.
- Datatype properties become snake_case keys; a language-tagged value goes under ``key`` for
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
import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from rdflib import OWL, RDF, XSD, BNode, ConjunctiveGraph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from peninsula.loaders.guard import INT64
from peninsula.ontology import PEN, InputError, base_iri, load
from peninsula.ontology.model import DATE_TYPES, GRAPH_KEY, WIKIDATA, Ontology
from peninsula.ontology.temporal import XSD_PATTERNS, xsd_type

GENID = ".well-known/genid/"
TRIPLE = "triple/"
DATE_PATTERNS = XSD_PATTERNS  # xsd:date / gYearMonth / gYear -> lexical form (ontology.temporal)
NUMERIC = {XSD.integer: int, XSD.decimal: float, XSD.double: float, XSD.boolean: bool}


# ---------------------------------------------------------------------------- identity
def key_of(term) -> str:
    if isinstance(term, BNode):
        return GENID + str(term)
    iri, base = str(term), base_iri()
    return iri[len(base):] if iri.startswith(base) and ":" not in iri[len(base):] else iri


def term_of(key: str):
    if key.startswith(GENID):
        return BNode(key[len(GENID):])
    return URIRef(key if ":" in key else base_iri() + key)


def graph_value(name) -> str | None:
    """A graph name (IRI or blank node; None or rdflib's default-graph id for the default graph) ->
    the value of a node's or relationship's ``GRAPH_KEY``."""
    if name is None or name == DATASET_DEFAULT_GRAPH_ID:
        return None
    return base_iri() + GENID + str(name) if isinstance(name, BNode) else str(name)


def graph_name(value: str | None):
    """The inverse of `graph_value`: None for the default graph."""
    if value is None:
        return None
    skolem = base_iri() + GENID
    return BNode(value[len(skolem):]) if value.startswith(skolem) else URIRef(value)


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


def _graph_label(name) -> str:
    return "the default graph" if name is None else f"<{graph_value(name)}>"


def check_graphs(data, where=None) -> None:
    """Refuse a subject (or statement) whose triples sit in several graphs: a node or relationship
    keeps one graph, so such input cannot be held exactly; it is never merged."""
    graphs: dict = defaultdict(set)
    is_statement = set()
    for s, p, o, g in quads_of(data):
        graphs[s].add(g)
        if p == RDF.type and o == RDF.Statement:
            is_statement.add(s)
    _refuse_spread(graphs, is_statement, where or (lambda s: f"<{s}>"))


def _refuse_spread(graphs: dict, is_statement: set, where) -> None:
    for s, names in graphs.items():
        if len(names) > 1:
            what = "statement" if s in is_statement else "subject"
            listed = ", ".join(sorted(_graph_label(n) for n in names))
            raise InputError(f"the {what} {key_of(s)} has triples in {len(names)} graphs ({listed}); a node or "
                             "statement keeps one graph, so put all its triples in one", where=where(s), field=GRAPH_KEY)


def statement_key(src: str, prop: str, dst: str, annotations: dict) -> str:
    """A stable key for one annotated relationship, from its content."""
    text = repr((src, prop, dst, sorted((k, repr(v)) for k, v in annotations.items())))
    return "stmt/" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def date_type(text: str):
    return xsd_type(text)


# ---------------------------------------------------------------------------- literals
def literal_to_value(lit: Literal, prop, where: str):
    """One RDF literal -> (graph key, python value), checked against the ontology's range."""
    ont_range = prop.range
    dt = lit.datatype
    if prop.is_lang:
        if lit.language is None:
            raise InputError(f"{prop.name} needs a language-tagged string, got {lit!r}", where=where, field=prop.name)
        lang = lit.language.lower().replace("-", "_")
        return (prop.key if lang == "en" else f"{prop.key}_{lang}"), str(lit)
    if lit.language is not None:
        raise InputError(f"{prop.name} takes no language tag", where=where, field=prop.name)
    if prop.is_date:
        if dt not in DATE_TYPES or date_type(str(lit)) != dt:
            raise InputError(f"{prop.name} needs an xsd:date, xsd:gYearMonth or xsd:gYear, got {lit!r}",
                             where=where, field=prop.name)
        return prop.key, str(lit)
    expected = ont_range or XSD.string
    if (dt or XSD.string) != expected:
        raise InputError(f"{prop.name} needs {_short(expected)}, got {lit!r}", where=where, field=prop.name)
    if expected in NUMERIC:
        if not lit.ill_typed and lit.value is not None:
            value = NUMERIC[expected](lit.value)
            if (expected == XSD.decimal and Decimal(f"{value:.15g}") != lit.value) or (
                    expected == XSD.double and float(f"{value:.15g}") != value):
                raise InputError(f"{prop.name}: {str(lit)!r} has more significant digits than a store returns "
                                 "(15); round it", where=where, field=prop.name)
            if expected == XSD.integer and not -INT64 <= value < INT64:
                raise InputError(f"{prop.name}: {str(lit)!r} does not fit a 64-bit integer", where=where, field=prop.name)
            return prop.key, value
        raise InputError(f"{prop.name}: {str(lit)!r} is not a valid {_short(expected)}", where=where, field=prop.name)
    return prop.key, str(lit)


def value_to_literals(prop, key: str, value) -> list[Literal]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if prop.is_lang:
            lang = "en" if key == prop.key else key[len(prop.key) + 1:].replace("_", "-")
            out.append(Literal(v, lang=lang))
        elif prop.is_date:
            out.append(Literal(v, datatype=date_type(v)))
        elif prop.range == XSD.decimal:
            out.append(Literal(_decimal(v), datatype=XSD.decimal))
        elif prop.range in (None, XSD.string):
            out.append(Literal(v))
        else:
            out.append(Literal(v, datatype=prop.range))
    return out


def _decimal(v) -> Decimal:
    try:
        d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    except InvalidOperation:
        d = Decimal(str(v))
    return d


def _short(iri) -> str:
    return str(iri).replace(str(XSD), "xsd:")


LANG_SUFFIX = re.compile(r"^[a-z]{1,8}(_[a-z0-9]{1,8})*$")


def prop_for_key(ont: Ontology, key: str):
    """The property a graph key stands for: `name`, or `name_ko` / `name_zh_hant` for a language."""
    keys = ont.keys
    if key in keys:
        return keys[key]
    for prop in keys.values():
        if prop.is_lang and key.startswith(prop.key + "_") and LANG_SUFFIX.match(key[len(prop.key) + 1:]):
            return prop
    return None


# ---------------------------------------------------------------------------- RDF -> graph
def to_property_graph(triples: Iterable[tuple], ont: Ontology | None = None, where=None):
    """Map RDF triples (or quads, or a graph keeping named graphs: see `quads_of`) to (nodes, edges).
    `where(subject)` names the file/line for messages."""
    ont = ont or load()
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
    _refuse_spread(graphs, is_statement, where)
    graph_of = {s: next(iter(names)) for s, names in graphs.items() if None not in names}
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
        node_props: dict = {"key": key_of(s)}
        if s in graph_of:
            node_props[GRAPH_KEY] = graph_value(graph_of[s])
        classes = []
        for o in props.get(RDF.type, []):
            cls = ont.class_of_iri(o)
            if cls is None:
                raise InputError(f"unknown class <{o}>", where=where(s), field="rdf:type")
            classes.append(cls.name)
        if not classes:
            raise InputError("entity has no class (rdf:type)", where=where(s), field="rdf:type")
        classes.sort()
        node_props["class"] = classes[0] if len(classes) == 1 else classes
        multi: dict = defaultdict(list)
        for p, objects in props.items():
            if p == RDF.type:
                continue
            if p == OWL.sameAs:
                for o in objects:
                    if not str(o).startswith(WIKIDATA):
                        raise InputError(f"owl:sameAs only links Wikidata items, got <{o}>", where=where(s), field="owl:sameAs")
                    multi["wikidata"].append(str(o)[len(WIKIDATA):])
                continue
            prop = ont.by_iri(p)
            if prop is None:
                raise InputError(f"unknown property <{p}>", where=where(s), field=str(p))
            if prop.name == "source":
                multi["sources"].extend(key_of(o) for o in objects)
            elif prop.kind == "datatype":
                for o in objects:
                    if not isinstance(o, Literal):
                        raise InputError(f"{prop.name} needs a literal, got <{o}>", where=where(s), field=prop.name)
                    k, v = literal_to_value(o, prop, where(s))
                    multi[k].append(v)
            else:
                for o in objects:
                    if isinstance(o, Literal):
                        raise InputError(f"{prop.name} links to an entity, got the literal {o!r}", where=where(s), field=prop.name)
                    if o not in subjects:
                        raise InputError(f"dangling reference: {prop.name} -> {key_of(o)} is not defined",
                                         where=where(s), field=prop.name)
                    edges.extend(_edges(s, prop, o, reified.pop((s, p, o), []), statements, ont, where, graph_of))
        node_props.update(_collapse(ont, multi))
        nodes.append({"key": node_props["key"], "labels": ont.labels(classes), "props": node_props})
    if reified:
        (s, p, o), stmts = next(iter(reified.items()))
        raise InputError(f"statement about a triple that is not asserted: {key_of(s)} {p} {key_of(o)}",
                         where=where(stmts[0]))
    nodes.sort(key=lambda n: n["key"])
    edges.sort(key=lambda e: e["key"])
    return nodes, edges


def triple_key(src: str, name: str, dst: str) -> str:
    """The key of a relationship asserted without a statement (no annotations): from its three parts."""
    return TRIPLE + hashlib.sha1(repr((src, name, dst)).encode("utf-8")).hexdigest()[:16]


def _edges(s, prop, o, stmts, statements, ont, where, graph_of):
    src, dst = key_of(s), key_of(o)
    if not stmts:
        key = triple_key(src, prop.name, dst)
        props = {"key": key, **({GRAPH_KEY: graph_value(graph_of[s])} if s in graph_of else {})}
        return [{"type": prop.rel_type, "key": key, "src": src, "dst": dst, "props": props}]
    out = []
    for stmt in stmts:
        eprops: dict = {"key": key_of(stmt)}
        if stmt in graph_of:
            eprops[GRAPH_KEY] = graph_value(graph_of[stmt])
        multi: dict = defaultdict(list)
        for p, objects in statements[stmt].items():
            if p in (RDF.type, RDF.subject, RDF.predicate, RDF.object):
                continue
            ann = ont.by_iri(p)
            if ann is None or not ann.on_relationship:
                raise InputError(f"<{p}> cannot annotate a relationship", where=where(stmt), field=str(p))
            for obj in objects:
                if ann.name == "source":
                    multi["sources"].append(key_of(obj))
                else:
                    k, v = literal_to_value(obj, ann, where(stmt))
                    multi[k].append(v)
        eprops.update(_collapse(ont, multi))
        out.append({"type": prop.rel_type, "key": eprops["key"], "src": src, "dst": dst, "props": eprops})
    return out


def _collapse(ont, multi: dict) -> dict:
    """Multi-valued properties are always lists; others a scalar (a list only if RDF has several)."""
    out = {}
    for k, vs in multi.items():
        prop = prop_for_key(ont, k)
        many = prop is not None and prop.multi
        out[k] = sorted(vs, key=repr) if many or len(vs) > 1 else vs[0]
    return out


# ---------------------------------------------------------------------------- graph -> RDF
def node_triples(props: dict, ont: Ontology | None = None):
    ont = ont or load()
    s = term_of(props["key"])
    classes = props.get("class")
    for cls in classes if isinstance(classes, list) else [classes]:
        yield s, RDF.type, PEN[cls]
    yield from _value_triples(s, props, ont, skip=("key", "class", GRAPH_KEY))


def edge_triples(src: str, rel_type: str, dst: str, props: dict, ont: Ontology | None = None):
    ont = ont or load()
    prop = ont.rel_types[rel_type]
    s, o = term_of(src), term_of(dst)
    yield s, prop.iri, o
    key = props.get("key", "")
    if key.startswith(TRIPLE):
        return
    stmt = term_of(key)
    yield stmt, RDF.type, RDF.Statement
    yield stmt, RDF.subject, s
    yield stmt, RDF.predicate, prop.iri
    yield stmt, RDF.object, o
    yield from _value_triples(stmt, props, ont, skip=("key", GRAPH_KEY))


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


def _value_triples(s, props, ont, skip):
    for k, v in props.items():
        if k in skip or v is None:
            continue
        if k == "wikidata":
            for q in v if isinstance(v, list) else [v]:
                yield s, OWL.sameAs, URIRef(WIKIDATA + q)
            continue
        if k == "sources":
            for src in v if isinstance(v, list) else [v]:
                yield s, PEN.source, term_of(src)
            continue
        prop = prop_for_key(ont, k)
        if prop is None:
            continue  # a property of the store's own (e.g. written by another tool): not RDF
        for lit in value_to_literals(prop, k, v):
            yield s, prop.iri, lit
