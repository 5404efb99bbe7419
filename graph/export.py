"""Export from a store back to RDF, in every format; the inverse of the loaders' mapping."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from peninsula.loaders.mapping import edge_triples, node_triples
from peninsula.ontology import PEN, InputError, base_iri, load

FORMATS = {  # name -> (rdflib format or "oxigraph:<format>", file suffix)
    "turtle": ("turtle", ".ttl"),
    "ntriples": ("nt", ".nt"),
    "jsonld": ("json-ld", ".jsonld"),
    "xml": ("xml", ".rdf"),
    "trig": ("trig", ".trig"),
    "turtle12": ("oxigraph:turtle", ".ttl12"),
}
PREFIXES = {"pen": str(PEN), "id": base_iri(), "xsd": "http://www.w3.org/2001/XMLSchema#",
            "owl": "http://www.w3.org/2002/07/owl#", "wd": "http://www.wikidata.org/entity/"}


def to_graph(store, keys: set | None = None) -> Graph:
    """The store (or the subgraph on `keys`) as an rdflib graph."""
    ont = load()
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for node in store.nodes():
        if keys is None or node["key"] in keys:
            for t in node_triples(node["props"], ont):
                g.add(t)
    for edge in store.edges():
        if keys is None or (edge["src"] in keys and edge["dst"] in keys):
            for t in edge_triples(edge["src"], edge["type"], edge["dst"], edge["props"], ont):
                g.add(t)
    return g


def serialize(graph: Graph, fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}", field="--format")
    name = FORMATS[fmt][0]
    if fmt == "trig":
        from rdflib import Dataset, URIRef

        ds = Dataset()
        for prefix, ns in PREFIXES.items():
            ds.bind(prefix, ns)
        named = ds.graph(URIRef(base_iri() + "graph/peninsula"))
        for t in graph:
            named.add(t)
        return ds.serialize(format="trig")
    if name.startswith("oxigraph:"):
        from peninsula.loaders.rdf12 import to_turtle12

        return to_turtle12(graph)
    return graph.serialize(format=name, **({"auto_compact": True} if name == "json-ld" else {}))


def export(store, fmt: str, out: Path | str | None = None, keys: set | None = None) -> str:
    text = serialize(to_graph(store, keys), fmt)
    if out is not None:
        Path(out).write_text(text, encoding="utf-8")
    return text
