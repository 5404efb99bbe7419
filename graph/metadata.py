"""The dataset's description in VoID and DCAT: what it is, its licence, version, issue date,
publisher, triple counts per class and property, the derived parts and how they were made (PROV).

`describe(store)` reads the counts from the same RDF `export` writes; `peninsula export --format
void` prints it, and `make demo` writes it beside the exports (out/rdf/void.ttl). The issue date
is today's (UTC), or SOURCE_DATE_EPOCH's for reproducible builds.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from importlib import metadata

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef

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
DERIVED = {  # part -> (what, the ontology properties it holds, how it was made: the rule or algorithm)
    "reach": ("Which missile systems can reach which places: derived by `peninsula build` from the sourced "
              "range estimates and WGS84 geodesic distances from DPRK launch sites.", ("canReach",),
              ("rule/can-reach", "CAN_REACH: a system the DPRK develops, operates or deploys can reach a place when "
               "its maximum range covers the place's geodesic distance (WGS84, geographiclib) from a DPRK launch "
               "site (graph/reach.py).")),
    "analytics": ("Network scores of `peninsula analyze` (networkx): degree, betweenness and eigenvector "
                  "centrality, Louvain communities, brokers.", ("degree", "betweenness", "eigenvector",
                                                                 "community", "broker"),
                  ("algorithm/network-scores", "networkx over the actor network (graph/analytics.py): degree, "
                   "betweenness and eigenvector centrality, Louvain communities (seed 7), brokers.")),
}
def issued() -> dt.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


def describe(store, graph: Graph | None = None) -> Graph:
    """The VoID + DCAT description of the store's RDF (or of `graph`, the same export already built)."""
    if graph is None:
        from peninsula.graph.named_graphs import to_named_graphs

        graph = to_named_graphs(store)
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
    for _name, part in graph_descriptions(graph):  # the curated facts, the derived graph, each dataset's
        g += part
        top = {s for s in part.subjects(RDF.type, VOID.Dataset)} - set(part.objects(None, VOID.subset))
        for s in sorted(top):
            g.add((ds, VOID.subset, s))
    sources = len(set(graph.subjects(RDF.type, PEN.Source)))
    g.add((ds, DCT.source, Literal(f"{sources} public sources, each a pen:Source with publisher, title, date and "
                                   "URL or document symbol", lang="en")))
    return g


def graph_descriptions(graph) -> list[tuple[URIRef | None, Graph]]:
    """(graph name, its VoID + PROV description) for each part of an export with named graphs
    (`named_graphs.to_named_graphs`); None names the default graph, the curated facts (``<base>dataset/curated``).

    - the derived graph: a prov:Entity derived from the curated facts (and the loaded datasets, which
      reach and the scores count too), generated by two activities
      (`peninsula build`'s CAN_REACH rule, `peninsula analyze`'s network algorithms), each with its plan;
    - each loaded dataset's graph: a prov:Entity generated by its load (the loader, the source file
      it used, as the dataset's pen:Source names it, and prov:endedAtTime, when it was loaded: the
      `DATASET at TIME` entry of pen:loaded, loaders/datasets.py);
    - any other named graph (kept from a TriG or N-Quads load): its triple count.
    Each with its triple count (a triple in two graphs counts in each)."""
    from urllib.parse import unquote

    from peninsula.loaders.codec import DATASET_GRAPH, codec, derived_graph_iri
    from peninsula.loaders.datasets import load_times

    base = base_iri()
    counts: Counter = Counter()
    elsewhere = 0  # triples in named graphs only
    for names in getattr(graph, "graphs_of", {}).values():
        counts.update(names)
        elsewhere += None not in names
    counts[None] = len(graph) - elsewhere
    curated, derived = URIRef(f"{base}dataset/curated"), URIRef(derived_graph_iri())
    software = URIRef(f"{base}dataset/software")
    out = []

    def part(name, title: str, what: str | None = None) -> Graph:
        g = Graph()
        subject = curated if name is None else name
        g.add((subject, RDF.type, VOID.Dataset))
        g.add((subject, RDF.type, PROV.Entity))
        g.add((subject, DCT.title, Literal(title, lang="en")))
        if what:
            g.add((subject, DCT.description, Literal(what, lang="en")))
        g.add((subject, VOID.triples, Literal(counts.get(name, 0))))
        out.append((name, g))
        return g

    part(None, "Curated facts", "The facts of data/, each dated and sourced: the default graph of the TriG and "
         "N-Quads exports.")
    d = part(derived, "Derived knowledge", "Derived, not curated: what `peninsula build` (CAN_REACH) and "
             "`peninsula analyze` (network scores) computed from the curated facts.")
    d.add((derived, PROV.wasDerivedFrom, curated))
    d.add((software, RDF.type, PROV.SoftwareAgent))
    d.add((software, RDFS.label, Literal("Peninsula", lang="en")))
    ont = load()
    for name, (what, props, (plan_path, plan_text)) in DERIVED.items():
        sub, activity, plan = (URIRef(f"{base}dataset/derived-{name}"), URIRef(f"{base}dataset/derivation-{name}"),
                               URIRef(f"{base}dataset/{plan_path}"))
        association = BNode(f"association-{name}")
        iris = [ont.properties[p].iri for p in props]
        for t in [(derived, VOID.subset, sub), (derived, PROV.wasGeneratedBy, activity),
                  (sub, RDF.type, VOID.Dataset), (sub, RDF.type, PROV.Entity), (sub, DCT.description, Literal(what, lang="en")),
                  (sub, VOID.triples, Literal(sum(1 for p in iris for _ in graph.triples((None, p, None))))),
                  (sub, PROV.wasGeneratedBy, activity), (sub, PROV.wasDerivedFrom, curated),
                  (activity, RDF.type, PROV.Activity), (activity, PROV.used, curated),
                  (activity, PROV.wasAssociatedWith, software), (activity, PROV.qualifiedAssociation, association),
                  (association, RDF.type, PROV.Association), (association, PROV.agent, software),
                  (association, PROV.hadPlan, plan), (plan, RDF.type, PROV.Plan), (plan, RDFS.comment, Literal(plan_text, lang="en")),
                  *((sub, VOID.property, p) for p in iris)]:
            d.add(t)
    c = codec()
    prefix = base + DATASET_GRAPH
    loaded_at = load_times(graph.objects(None, c.rules["loaded"].predicate))  # `DATASET at TIME` entries
    for name in sorted(n for n in counts if n is not None and n != derived):
        if not str(name).startswith(prefix):
            part(name, "Named graph", "A named graph of loaded RDF, kept as loaded.")
            continue
        dataset = unquote(str(name)[len(prefix):])
        fmt = dataset.split(":", 1)[0]
        command = "peninsula load" if fmt == "rdf" else f"peninsula load --format {fmt}"  # rdf: RDF additions
        g = part(name, f"Dataset {dataset}", f"What `{command}` added as dataset {dataset}: "
                 f"the entities and relationships it created, and what it added to curated entities (pen:loaded); "
                 f"`peninsula unload {dataset}` removes it.")
        activity = URIRef(f"{base}dataset/load/{str(name)[len(prefix):]}")
        loader = URIRef(f"{base}dataset/loader/{fmt}")
        files = [(s, m.group(1)) for s in graph.subjects(c.rules["dataset"].predicate, Literal(dataset))
                 if (s, RDF.type, PEN.Source) in graph
                 for title in graph.objects(s, PEN.title) if (m := _FILE.search(str(title)))]
        for t in [(name, PROV.wasGeneratedBy, activity), (activity, RDF.type, PROV.Activity),
                  (activity, RDFS.label, Literal(f"{command} {' '.join(sorted(f for _, f in files))}".strip())),
                  (activity, PROV.wasAssociatedWith, loader), (loader, RDF.type, PROV.SoftwareAgent),
                  (loader, RDFS.label, Literal(f"Peninsula's {'RDF' if fmt == 'rdf' else fmt} loader", lang="en")),
                  (loader, PROV.actedOnBehalfOf, software),
                  *((activity, PROV.used, s) for s, _ in files), *((name, PROV.wasDerivedFrom, s) for s, _ in files)]:
            g.add(t)
        if dataset in loaded_at:
            g.add((activity, PROV.endedAtTime, Literal(loaded_at[dataset], datatype=XSD.dateTime, normalize=False)))
        d.add((derived, PROV.wasDerivedFrom, name))  # reach and scores count loaded sites, tests and actors too
        for what in DERIVED:
            d.add((URIRef(f"{base}dataset/derivation-{what}"), PROV.used, name))
    return out


_FILE = re.compile(r"\(([^()/\\]+\.[A-Za-z0-9]{1,8})\)$")  # a loaded file's name in its pen:Source title


def _slug(iri) -> str:
    """A stable blank node label for a partition (the same data, the same description)."""
    import hashlib

    return hashlib.sha1(str(iri).encode("utf-8")).hexdigest()[:12]
