"""The dataset's description in VoID and DCAT: what it is, its licence, version, issue date,
publisher, triple counts per class and property, the derived parts and how they were made (PROV).

`describe(store)` reads the counts from the same RDF `export` writes; `peninsula export --format
void` prints it, and `make demo` writes it beside the exports (out/rdf/void.ttl). The issue date
is today's (UTC), or SOURCE_DATE_EPOCH's for reproducible builds.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from importlib import metadata

from rdflib import OWL, RDF, XSD, BNode, Graph, Literal, Namespace, URIRef

from peninsula.ontology import PEN, base_iri, load

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
LICENSE = URIRef("https://spdx.org/licenses/MIT")  # pyproject.toml: the package, data/ included, is MIT
SOURCES_RIGHTS = ("The documents cited as sources belong to their publishers and are not redistributed here: "
                  "the dataset holds their bibliographic descriptions (publisher, title, date, URL or document "
                  "symbol) only. Read each document under its publisher's terms.")
DERIVED = {  # part -> (what, the ontology properties it holds, how it was made)
    "reach": ("Which missile systems can reach which places: derived by `peninsula build` from the sourced "
              "range estimates and WGS84 geodesic distances from DPRK launch sites.", ("canReach",)),
    "analytics": ("Network scores of `peninsula analyze` (networkx): degree, betweenness and eigenvector "
                  "centrality, Louvain communities, brokers.", ("degree", "betweenness", "eigenvector",
                                                                 "community", "broker")),
}


def issued() -> dt.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


def describe(store, graph: Graph | None = None) -> Graph:
    """The VoID + DCAT description of the store's RDF (or of `graph`, the same export already built)."""
    if graph is None:
        from peninsula.graph.export import to_graph

        graph = to_graph(store)
    ont = load()
    base = base_iri()
    ds = URIRef(f"{base}dataset/peninsula")
    g = Graph()
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcterms", DCT), ("prov", PROV), ("foaf", FOAF),
                       ("pen", PEN), ("xsd", XSD)):
        g.bind(prefix, ns)
    try:
        version = metadata.version("peninsula")
    except metadata.PackageNotFoundError:
        version = "0+unknown"
    publisher = URIRef(f"{base}dataset/publisher")
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal("The Peninsula project")))
    for t, v in [(RDF.type, VOID.Dataset), (RDF.type, DCAT.Dataset),
                 (DCT.title, Literal("Peninsula: the diplomacy around North Korea's missile program", lang="en")),
                 (DCT.description, Literal("Actors, agreements, sanctions, weapon systems and events of the diplomacy "
                                           "around North Korea's missile program; every fact dated and sourced.",
                                           lang="en")),
                 (DCT.license, LICENSE), (DCT.rights, Literal(SOURCES_RIGHTS, lang="en")),
                 (DCT.publisher, publisher), (DCT.issued, Literal(issued().isoformat(), datatype=XSD.date)),
                 (OWL.versionInfo, Literal(version)), (DCAT.version, Literal(version)),
                 (VOID.uriSpace, Literal(base)), (VOID.vocabulary, URIRef(str(PEN))),
                 (DCT.conformsTo, URIRef(str(PEN)))]:
        g.add((ds, t, v))
    subjects = {s for s in graph.subjects()}
    g.add((ds, VOID.triples, Literal(len(graph))))
    g.add((ds, VOID.entities, Literal(len(set(graph.subjects(RDF.type, None)) - set(graph.subjects(RDF.type, RDF.Statement))))))
    g.add((ds, VOID.distinctSubjects, Literal(len(subjects))))
    classes = Counter(o for o in graph.objects(None, RDF.type))
    properties = Counter(p for p in graph.predicates())
    g.add((ds, VOID.classes, Literal(len(classes))))
    g.add((ds, VOID.properties, Literal(len(properties))))
    for cls, n in sorted(classes.items()):
        part = BNode(f"class-{_slug(cls)}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(n)))
    for prop, n in sorted(properties.items()):
        part = BNode(f"property-{_slug(prop)}")
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, prop))
        g.add((part, VOID.triples, Literal(n)))
    for name, (what, props) in DERIVED.items():
        sub = URIRef(f"{base}dataset/derived-{name}")
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, DCT.description, Literal(what, lang="en")))
        g.add((sub, VOID.triples, Literal(sum(properties.get(ont.properties[p].iri, 0) for p in props))))
        activity = URIRef(f"{base}dataset/derivation-{name}")
        g.add((sub, PROV.wasGeneratedBy, activity))
        g.add((sub, PROV.wasDerivedFrom, ds))
        g.add((activity, RDF.type, PROV.Activity))
        g.add((activity, PROV.used, ds))
        for p in props:
            g.add((sub, VOID.property, ont.properties[p].iri))
    sources = len(set(graph.subjects(RDF.type, PEN.Source)))
    g.add((ds, DCT.source, Literal(f"{sources} public sources, each a pen:Source with publisher, title, date and "
                                   "URL or document symbol", lang="en")))
    return g


def _slug(iri) -> str:
    """A stable blank node label for a partition (the same data, the same description)."""
    import hashlib

    return hashlib.sha1(str(iri).encode("utf-8")).hexdigest()[:12]
