"""The ontology read into plain objects, and everything derived from it.

Labels, relationship types, property keys and types, the Neo4j linter schema and the view
styling all come from here; nothing else in Peninsula spells them out.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef

from peninsula.ontology.errors import OntologyError
from peninsula.ontology.temporal import XSD_TYPES

DEFAULT_BASE = "https://peninsula.invalid/id/"
# The ontology's IRI as the packaged files write it: the namespace is ROOT#, the alignments ROOT/alignments.
PACKAGED_ROOT = "https://peninsula.invalid/ontology"
WIKIDATA = "http://www.wikidata.org/entity/"
# The reserved property key holding the named graph (an IRI string) a node's or relationship's triples
# came from (TriG, N-Quads); absent for the default graph. Never a triple itself.
GRAPH_KEY = "graph"
DATE_TYPES = tuple(XSD_TYPES.values())  # xsd:date, xsd:gYearMonth, xsd:gYear
ALIGN = (OWL.equivalentClass, SKOS.closeMatch, SKOS.exactMatch, RDFS.subClassOf, RDFS.subPropertyOf)


def base_iri() -> str:
    """The IRI base for entities (PENINSULA_BASE), always ending in '/' or '#'."""
    base = os.environ.get("PENINSULA_BASE", DEFAULT_BASE)
    return base if base.endswith(("/", "#")) else base + "/"


def ontology_root() -> str:
    """The ontology's IRI (its namespace is this plus '#'): PENINSULA_ONTOLOGY if set, else beside the
    entity base: ``https://kg.example.org/id/`` -> ``https://kg.example.org/ontology``, any other base
    -> base + ``ontology``. With neither set, the packaged ``https://peninsula.invalid/ontology``."""
    root = os.environ.get("PENINSULA_ONTOLOGY", "").rstrip("#/")
    if root:
        return root
    base = base_iri()
    return base[:-len("id/")] + "ontology" if base.endswith("/id/") else base + "ontology"


def packaged(name: str) -> str:
    """A packaged ontology file (peninsula.ttl, shapes.ttl, alignments.ttl) as text, its IRIs moved
    to `ontology_root()` (read once per process, like PEN)."""
    text = resources.files("peninsula.ontology").joinpath(name).read_text(encoding="utf-8")
    return text if ROOT == PACKAGED_ROOT else text.replace(PACKAGED_ROOT, ROOT)


# Read once, when Peninsula is imported: set PENINSULA_BASE / PENINSULA_ONTOLOGY before that.
ROOT = ontology_root()
PEN = Namespace(ROOT + "#")
PARTIAL_DATE = PEN.PartialDate


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def upper_snake(name: str) -> str:
    return snake(name).upper()


@dataclass(frozen=True)
class OntClass:
    name: str
    iri: URIRef
    label: str
    definition: str
    parents: tuple[str, ...]
    color: str
    shape: str
    key_prefix: str | None
    alignments: tuple[str, ...]


@dataclass(frozen=True)
class OntProperty:
    name: str
    iri: URIRef
    kind: str  # "object" | "datatype"
    key: str  # graph key (snake_case) for datatype properties and pen:source
    rel_type: str | None  # UPPER_SNAKE relationship type for object properties
    label: str
    definition: str
    domain: str | None
    range: URIRef | None
    on_relationship: bool
    multi: bool
    required: bool
    family: str | None
    alignments: tuple[str, ...]
    indexed: bool = False  # pen:indexed: the stores index it on its domain and the domain's subclasses
    derived: bool = False  # pen:derived: written from other facts by build or analyze, never curated
    key_valued: bool = False  # pen:keyValued: an IRI in RDF, the target's key as text in the graph (no relationship)

    @property
    def is_date(self) -> bool:
        return self.range == PARTIAL_DATE

    @property
    def is_lang(self) -> bool:
        return self.range == RDF.langString


@dataclass
class Ontology:
    graph: Graph
    classes: dict[str, OntClass] = field(default_factory=dict)
    properties: dict[str, OntProperty] = field(default_factory=dict)
    families: dict[str, str] = field(default_factory=dict)  # relationship family -> its view colour

    # ------------------------------------------------------------------ derived views
    def ancestors(self, name: str) -> list[str]:
        """The class and its superclasses within the ontology, root first."""
        seen: list[str] = []
        stack = [name]
        while stack:
            current = stack.pop()
            if current in seen or current not in self.classes:
                continue
            seen.append(current)
            stack.extend(self.classes[current].parents)
        return list(reversed(seen))

    def labels(self, classes) -> list[str]:
        out: list[str] = []
        for name in classes:
            for label in self.ancestors(name):
                if label not in out:
                    out.append(label)
        return out

    def is_a(self, name: str, ancestor: str) -> bool:
        return ancestor in self.ancestors(name)

    # computed once: the mappings look keys and types up per value (one ontology per process)
    @cached_property
    def rel_types(self) -> dict[str, OntProperty]:
        return {p.rel_type: p for p in self.properties.values() if p.rel_type}

    @cached_property
    def derived(self) -> frozenset[str]:
        """Names of the properties and relationship types written from other facts (pen:derived)."""
        return frozenset(n for p in self.properties.values() if p.derived for n in (p.name, p.rel_type) if n)

    @cached_property
    def keys(self) -> dict[str, OntProperty]:
        """Graph key -> property, for the properties held as node or relationship properties: the
        datatype properties and the key-valued object properties (pen:source, pen:fromSite)."""
        return {p.key: p for p in self.properties.values() if p.kind == "datatype" or p.key_valued}

    def by_iri(self, iri) -> OntProperty | None:
        return self._by_iri().get(URIRef(iri))

    @cache  # noqa: B019 - one ontology per process, cached with it
    def _by_iri(self) -> dict[URIRef, OntProperty]:
        return {p.iri: p for p in self.properties.values()}

    def class_of_iri(self, iri) -> OntClass | None:
        iri = str(iri)
        if iri.startswith(str(PEN)):
            return self.classes.get(iri[len(str(PEN)):])
        return None

    def node_indexes(self) -> list[tuple[str, str]]:
        """(label, property key) pairs the stores index: `key` on every class (FalkorDB uses an index
        only for the label a pattern names, Neo4j likewise) and each pen:indexed property on its
        domain and every subclass of it. Entity first, then the classes in name order."""
        indexed = sorted((p.key, p.domain or "Entity") for p in self.properties.values() if p.indexed)
        return [(label, key) for label in ["Entity", *sorted(set(self.classes) - {"Entity"})]
                for key in ["key", *(k for k, domain in indexed if self.is_a(label, domain))]]

    def node_classes(self) -> list[str]:
        return [c for c in self.classes if c != "Entity"]

    def linter_schema(self, parameters: dict | None = None) -> dict:
        """The schema argument Neo4j's lintCypherQuery takes, derived from the ontology."""
        keys = sorted({"key", "class", GRAPH_KEY, *self.keys, *[f"{p.key}_{lang}" for p in self.properties.values()
                                                     if p.is_lang for lang in LANGS]})
        return {
            "labels": sorted(self.classes),
            "relationshipTypes": sorted(self.rel_types),
            "propertyKeys": keys,
            "parameters": parameters or {},
        }

    def __hash__(self) -> int:  # so functools.cache can key on it
        return id(self)


LANGS = ("ko", "ja", "zh", "ru", "fr", "de", "es")


def _text(g: Graph, s, p) -> str:
    values = list(g.objects(s, p))
    for v in values:
        if isinstance(v, Literal) and v.language in (None, "en"):
            return str(v)
    return str(values[0]) if values else ""


def _local(iri) -> str | None:
    iri = str(iri)
    return iri[len(str(PEN)):] if iri.startswith(str(PEN)) else None


def _curie(g: Graph, iri) -> str:
    try:
        return g.namespace_manager.normalizeUri(iri)
    except Exception:  # noqa: BLE001 - a plain IRI is a fine fallback
        return str(iri)


def _export_range(g: Graph, rng):
    """The datatype the RDF exports use for a range: an OWL datatype of ours with exactly one
    pen:xsdType stands for that XSD type (pen:TimeOfDay -> xsd:time); pen:PartialDate (three types)
    stays itself (`is_date`)."""
    xsd = list(g.objects(rng, PEN.xsdType)) if rng is not None else []
    return xsd[0] if len(xsd) == 1 else rng


def _domain(g: Graph, domain, classes) -> str | None:
    """A property's domain as a node class: the class itself, or the node class inside a union
    class of ours (pen:EntityOrStatement -> Entity)."""
    name = _local(domain) if domain is not None else None
    if name is None or name in classes:
        return name
    for eq in g.objects(domain, OWL.equivalentClass):
        members = g.value(eq, OWL.unionOf)
        if members is not None:
            from rdflib.collection import Collection

            found = [n for n in (_local(m) for m in Collection(g, members)) if n in classes]
            if len(found) == 1:
                return found[0]
    return name


def _in_tree(g: Graph, s, root) -> bool:
    """Whether the class s is the root class or below it (node classes: pen:Entity and below)."""
    return s == root or root in g.transitive_objects(s, RDFS.subClassOf)


def parse(text: str) -> Ontology:
    g = Graph(bind_namespaces="none")  # the file's own prefixes: rdflib's defaults bind geo: to GeoSPARQL
    g.parse(data=text, format="turtle")
    ont = Ontology(graph=g)
    for s in g.subjects(RDF.type, OWL.Class):
        name = _local(s)
        if name is None or not _in_tree(g, s, PEN.Entity):  # pen:Statement and helpers are no node classes
            continue
        supers = [o for o in g.objects(s, RDFS.subClassOf)]
        parents = tuple(n for n in (_local(o) for o in supers) if n)
        aligns = tuple(sorted(_curie(g, o) for p in ALIGN for o in g.objects(s, p) if _local(o) is None))
        ont.classes[name] = OntClass(
            name=name, iri=s, label=_text(g, s, RDFS.label), definition=_text(g, s, SKOS.definition),
            parents=parents, color=_text(g, s, PEN.color) or "", shape=_text(g, s, PEN.shape) or "dot",
            key_prefix=_text(g, s, PEN.keyPrefix) or None, alignments=aligns)
    for kind, owl_type in (("object", OWL.ObjectProperty), ("datatype", OWL.DatatypeProperty)):
        for s in g.subjects(RDF.type, owl_type):
            name = _local(s)
            if name is None:
                continue
            rng = _export_range(g, g.value(s, RDFS.range))
            domain = _domain(g, g.value(s, RDFS.domain), ont.classes)
            aligns = tuple(sorted(_curie(g, o) for p in ALIGN for o in g.objects(s, p) if _local(o) is None))
            ont.properties[name] = OntProperty(
                name=name, iri=s, kind=kind,
                key=_text(g, s, PEN.graphKey) or snake(name),
                rel_type=upper_snake(name) if kind == "object" and not g.value(s, PEN.keyValued) else None,
                label=_text(g, s, RDFS.label), definition=_text(g, s, SKOS.definition),
                domain=domain, range=rng,
                on_relationship=bool(g.value(s, PEN.onRelationship)),
                multi=bool(g.value(s, PEN.multiValued)), required=bool(g.value(s, PEN.required)),
                family=_text(g, s, PEN.family) or None, alignments=aligns,
                indexed=bool(g.value(s, PEN.indexed)), derived=bool(g.value(s, PEN.derived)),
                key_valued=kind == "object" and bool(g.value(s, PEN.keyValued)))
    for s in g.subjects(RDF.type, PEN.RelationshipFamily):
        ont.families[_text(g, s, RDFS.label)] = _text(g, s, PEN.color)
    _check(ont)
    return ont


def _check(ont: Ontology) -> None:
    for c in ont.classes.values():
        for parent in c.parents:
            if parent not in ont.classes:
                raise OntologyError(f"class {c.name} has unknown superclass {parent}")
    keys: dict[str, str] = {}
    for p in ont.properties.values():
        if p.key == GRAPH_KEY:
            raise OntologyError(f"property {p.name} derives the graph key {GRAPH_KEY!r}, reserved for named graphs")
        for k in filter(None, (p.key if p.kind == "datatype" or p.key_valued else None, p.rel_type)):
            if k in keys:
                raise OntologyError(f"properties {keys[k]} and {p.name} derive the same graph name {k}")
            keys[k] = p.name
        if p.family and p.family not in ont.families:
            raise OntologyError(f"property {p.name} has family {p.family!r}, which no pen:RelationshipFamily names")
        if p.domain and p.domain not in ont.classes:
            raise OntologyError(f"property {p.name} has unknown domain {p.domain}")


@cache
def load() -> Ontology:
    """The packaged ontology (ontology/peninsula.ttl), parsed once per process."""
    return parse(packaged("peninsula.ttl"))
