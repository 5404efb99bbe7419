"""SHACL shapes: one derived shape per class (datatypes and classes from the ontology's
ranges) plus the hand-written ones in shapes.ttl; and validation with pySHACL."""

from __future__ import annotations

from functools import cache

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace
from rdflib.collection import Collection

from peninsula.ontology.model import DATE_TYPES, PARTIAL_DATE, PEN, load, packaged

SH = Namespace("http://www.w3.org/ns/shacl#")


def derived_shapes() -> Graph:
    """A NodeShape per class: each property whose domain is the class gets its datatype or class."""
    ont = load()
    g = Graph()
    g.bind("sh", SH)
    g.bind("pen", PEN)
    for cls in ont.classes.values():
        shape = PEN[f"{cls.name}DerivedShape"]
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, SH.targetClass, cls.iri))
        for prop in ont.properties.values():
            if prop.domain != cls.name:
                continue
            ps = BNode()
            g.add((shape, SH.property, ps))
            g.add((ps, SH.path, prop.iri))
            if prop.kind == "object":
                if prop.range is not None and prop.range != PEN.Entity:
                    g.add((ps, SH["class"], prop.range))
                continue
            if prop.range == PARTIAL_DATE:
                alternatives = []
                for dt in DATE_TYPES:
                    alt = BNode()
                    g.add((alt, SH.datatype, dt))
                    alternatives.append(alt)
                head = BNode()
                Collection(g, head, alternatives)
                g.add((ps, SH["or"], head))
            elif prop.range is not None:
                g.add((ps, SH.datatype, prop.range))
            if not prop.multi and not prop.is_lang:
                g.add((ps, SH.maxCount, Literal(1)))
            if prop.required:
                g.add((ps, SH.minCount, Literal(1)))
    return g


@cache
def class_tree() -> Graph:
    """Only the rdfs:subClassOf tree: what targetClass needs to reach subclasses, and no more."""
    from rdflib import RDFS

    ont = load()
    g = Graph()
    for s, o in ont.graph.subject_objects(RDFS.subClassOf):
        g.add((s, RDFS.subClassOf, o))
    return g


@cache
def shapes_graph() -> Graph:
    g = derived_shapes()
    g.parse(data=packaged("shapes.ttl"), format="turtle")
    return g


def validate(data: Graph, where=lambda s: f"<{s}>", warnings: bool = False) -> list[str]:
    """Run pySHACL; return one line per violation: where, entity, property, message."""
    from pyshacl import validate as shacl

    from peninsula.loaders.mapping import key_of

    ont = load()
    conforms, report, _ = shacl(data, shacl_graph=shapes_graph(), ont_graph=class_tree(), inference="none",
                                advanced=True, allow_warnings=True)
    if conforms and not warnings:  # with allow_warnings, warnings alone still conform
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        if severity != SH.Violation and not warnings:
            continue
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        prop = ont.by_iri(path) if path is not None else None
        field = prop.key if prop else (str(path).rsplit("#", 1)[-1] if path is not None else "-")
        value = report.value(result, SH.value)
        shown = f" (value {value})" if value is not None and not isinstance(value, BNode) else ""
        problems.append(f"{where(focus)}: {_name(data, ont, focus, key_of)}, field {field!r}: {message}{shown}")
    return sorted(set(problems))


def _name(data: Graph, ont, focus, key_of) -> str:
    """An entity's key; a relationship's statement as `src -TYPE-> dst [statement key]`."""
    s, p, o = (data.value(focus, x) for x in (RDF.subject, RDF.predicate, RDF.object))
    if s is None or p is None or o is None:
        return key_of(focus)
    prop = ont.by_iri(p)
    rel = prop.rel_type if prop is not None and prop.rel_type else str(p)
    return f"{key_of(s)} -{rel}-> {key_of(o)} [{key_of(focus)}]"


__all__ = ["derived_shapes", "shapes_graph", "validate", "XSD"]
