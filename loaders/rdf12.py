"""Turtle 1.2 with reifiers (pyoxigraph), and back to the portable reification form.

Each `rdf:Statement` with rdf:subject/predicate/object becomes `stmt rdf:reifies <<( s p o )>>`;
its annotations stay on the reifier. `from_turtle12` undoes it, so the round trip is exact.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef

REIFIES = "http://www.w3.org/1999/02/22-rdf-syntax-ns#reifies"


def _ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    dt = term.datatype.value
    return Literal(term.value, datatype=None if dt == "http://www.w3.org/2001/XMLSchema#string" else URIRef(dt))


def to_turtle12(graph: Graph) -> str:
    parts = {RDF.subject: 0, RDF.predicate: 1, RDF.object: 2}
    stmts = set(graph.subjects(RDF.type, RDF.Statement))
    quads = []
    for s, p, o in graph:
        if s in stmts and (p in parts or (p == RDF.type and o == RDF.Statement)):
            continue
        quads.append(ox.Quad(_ox(s), _ox(p), _ox(o)))
    for stmt in stmts:
        spo = [graph.value(stmt, p) for p in parts]
        quads.append(ox.Quad(_ox(stmt), ox.NamedNode(REIFIES), ox.Triple(*(_ox(t) for t in spo))))
    prefixes = {k: str(v) for k, v in graph.namespaces() if k in ("pen", "id", "xsd", "owl", "wd")}
    return ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")


def from_turtle12(text: str) -> Graph:
    g = Graph()
    for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE):
        s = _rdflib(quad.subject)
        if quad.predicate.value == REIFIES and isinstance(quad.object, ox.Triple):
            t = quad.object
            g.add((s, RDF.type, RDF.Statement))
            g.add((s, RDF.subject, _rdflib(t.subject)))
            g.add((s, RDF.predicate, _rdflib(t.predicate)))
            g.add((s, RDF.object, _rdflib(t.object)))
        else:
            g.add((s, _rdflib(quad.predicate), _rdflib(quad.object)))
    return g
