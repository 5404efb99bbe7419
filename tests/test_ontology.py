"""The ontology is the single source of truth: complete, documented, aligned, and everything the
property graph and Neo4j's linter use derives from it. Expectations are read from the Turtle
itself with rdflib, independently of peninsula.ontology.model."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace
from support import SAMPLES

from peninsula.graph.neo4j_store import schema_statements
from peninsula.loaders.mapping import to_property_graph
from peninsula.loaders.rdf import read_rdf
from peninsula.ontology import PEN, load
from peninsula.ontology.docs import reference

ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
MAPPINGS = (OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf, RDFS.subPropertyOf,
            SKOS.exactMatch, SKOS.closeMatch)


@pytest.fixture(scope="module")
def ttl() -> Graph:
    g = Graph()
    g.parse(data=resources.files("peninsula.ontology").joinpath("peninsula.ttl").read_text("utf-8"), format="turtle")
    return g


def local(iri) -> str:
    return str(iri)[len(str(PEN)):]


def pen_subjects(ttl, kind) -> list:
    return sorted(s for s in ttl.subjects(RDF.type, kind) if str(s).startswith(str(PEN)))


def english(ttl, s, p) -> list[str]:
    return [str(o) for o in ttl.objects(s, p) if isinstance(o, Literal) and o.language == "en" and str(o).strip()]


# ---------------------------------------------------------------------------- coverage
ISSUE_CLASSES = """Actor State Organization IntergovernmentalOrganization RegionalOrganization Forum GovernmentAgency
    MilitaryUnit ThreatActor Person Agreement Treaty JointStatement Declaration Armistice NegotiationProcess
    TalksRound Policy Sanction SanctionsRegime SecurityCouncilResolution ExecutiveOrder Statute AutonomousMeasure
    SanctionMeasure WeaponSystem MissileSystem SpaceLaunchVehicle MissileDefenseSystem Event MissileTest
    NuclearTest SatelliteLaunch Summit MilitaryExercise CyberOperation ArmsTransfer Place LaunchSite TestSite City
    MilitaryBase Source""".split()
ISSUE_OBJECT_PROPERTIES = """memberOf partyTo signed leads alliedWith imposes targets respondsTo develops operates
    deploys tested launchedFrom participatedIn hosted supports suppliesArmsTo attributedTo pursuesPolicy
    policyToward canReach source""".split()
ISSUE_DATATYPE_PROPERTIES = """name alias validFrom validTo date rangeMinKm rangeMaxKm propellant stages yieldMinKt
    yieldMaxKt apogeeKm distanceKm iso3 wikidata kind latitude longitude""".split()


def test_the_issue_classes_and_properties_exist(ttl):
    classes = {local(s) for s in pen_subjects(ttl, OWL.Class)}
    assert set(ISSUE_CLASSES) <= classes, sorted(set(ISSUE_CLASSES) - classes)
    objects = {local(s) for s in pen_subjects(ttl, OWL.ObjectProperty)}
    assert set(ISSUE_OBJECT_PROPERTIES) <= objects, sorted(set(ISSUE_OBJECT_PROPERTIES) - objects)
    data = {local(s) for s in pen_subjects(ttl, OWL.DatatypeProperty)}
    assert set(ISSUE_DATATYPE_PROPERTIES) <= data, sorted(set(ISSUE_DATATYPE_PROPERTIES) - data)


def test_every_class_has_an_english_label_and_definition(ttl):
    classes = pen_subjects(ttl, OWL.Class)
    assert len(classes) >= len(ISSUE_CLASSES)
    missing = [local(c) for c in classes if not english(ttl, c, RDFS.label) or not english(ttl, c, SKOS.definition)]
    assert not missing, f"classes without an English rdfs:label and skos:definition: {missing}"


def test_every_property_has_an_english_label_definition_and_range(ttl):
    props = pen_subjects(ttl, OWL.ObjectProperty) + pen_subjects(ttl, OWL.DatatypeProperty)
    assert len(props) > 40
    missing = [local(p) for p in props if not english(ttl, p, RDFS.label) or not english(ttl, p, SKOS.definition)]
    assert not missing, f"properties without an English rdfs:label and skos:definition: {missing}"
    unranged = [local(p) for p in props if ttl.value(p, RDFS.range) is None]
    assert not unranged, f"properties without rdfs:range: {unranged}"


# what annotations on relationships describe, and the families that style relationship types
OUTSIDE_THE_TREE = {PEN.Statement, PEN.EntityOrStatement, PEN.RelationshipFamily}


def test_every_class_but_the_root_has_a_superclass_in_the_ontology(ttl):
    for c in pen_subjects(ttl, OWL.Class):
        if c == PEN.Entity or c in OUTSIDE_THE_TREE:
            assert c == PEN.Entity or local(c) not in load().classes  # no node class, no label
            continue
        parents = [p for p in ttl.objects(c, RDFS.subClassOf) if str(p).startswith(str(PEN))]
        assert parents, f"{local(c)} hangs outside the class tree"


# ---------------------------------------------------------------------------- alignments
@pytest.mark.parametrize("vocabulary, ns", [("W3C ORG", ORG), ("PROV-O", PROV), ("OWL-Time", TIME),
                                            ("schema.org", SCHEMA), ("W3C WGS84", GEO)])
def test_aligned_to(ttl, vocabulary, ns):
    targets = {o for p in MAPPINGS for o in ttl.objects(None, p) if str(o).startswith(str(ns))}
    assert targets, f"nothing in the ontology is mapped to {vocabulary} ({ns})"


@pytest.mark.parametrize("subject, predicate, target", [
    (PEN.Organization, OWL.equivalentClass, ORG.Organization),
    (PEN.memberOf, SKOS.closeMatch, ORG.memberOf),
    (PEN.Actor, RDFS.subClassOf, PROV.Agent),
    (PEN.Event, RDFS.subClassOf, PROV.Activity),
    (PEN.Source, RDFS.subClassOf, PROV.Entity),
    (PEN.source, RDFS.subPropertyOf, PROV.wasInfluencedBy),  # wasDerivedFrom would make events PROV entities
    (PEN.validFrom, SKOS.closeMatch, TIME.hasBeginning),
    (PEN.validTo, SKOS.closeMatch, TIME.hasEnd),
    (PEN.Place, RDFS.subClassOf, GEO.SpatialThing),  # not equivalent: FOAF makes every person a spatial thing
    (PEN.latitude, SKOS.exactMatch, GEO.lat),
    (PEN.longitude, SKOS.exactMatch, GEO.long),
    (PEN.State, SKOS.closeMatch, SCHEMA.Country),
    (PEN.Event, SKOS.closeMatch, SCHEMA.Event),
])
def test_alignment(ttl, subject, predicate, target):
    assert (subject, predicate, target) in ttl


def test_alignments_reach_the_model_and_the_docs():
    ont = load()
    assert "org:Organization" in ont.classes["Organization"].alignments
    assert "time:hasBeginning" in ont.properties["validFrom"].alignments
    doc = reference("markdown")
    assert "org:Organization" in doc and "geo:lat" in doc and "time:hasEnd" in doc


# ---------------------------------------------------------------------------- derived, never written twice
def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def test_linter_schema_derives_from_the_ontology(ttl):
    schema = load().linter_schema()
    assert schema["labels"] == sorted(local(c) for c in pen_subjects(ttl, OWL.Class) if c not in OUTSIDE_THE_TREE)
    expected_types = sorted(snake(local(p)).upper() for p in pen_subjects(ttl, OWL.ObjectProperty)
                            if not ttl.value(p, PEN.keyValued))  # pen:source, pen:fromSite: keys, not relationships
    assert schema["relationshipTypes"] == expected_types
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", t) for t in schema["relationshipTypes"])
    keys = set(schema["propertyKeys"])
    data_keys = {str(ttl.value(p, PEN.graphKey) or snake(local(p))) for p in pen_subjects(ttl, OWL.DatatypeProperty)}
    assert data_keys <= keys and {"key", "class", "sources", "name_ko"} <= keys
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", k) for k in keys)


def test_neo4j_schema_statements_cover_every_relationship_type(ttl):
    statements = schema_statements()
    assert any("FOR (n:Entity) REQUIRE n.key IS UNIQUE" in s for s in statements)
    indexed = {m.group(1) for s in statements for m in [re.search(r"\[r:`(\w+)`\]", s)] if m}
    assert indexed == set(load().rel_types)


def test_property_types_derive_from_ranges(ttl):
    ont = load()
    for p in pen_subjects(ttl, OWL.DatatypeProperty):
        prop = ont.properties[local(p)]
        rng = ttl.value(p, RDFS.range)
        xsd = list(ttl.objects(rng, PEN.xsdType))  # a datatype of ours with one export type stands for it
        assert prop.range == (xsd[0] if len(xsd) == 1 else rng)
        assert prop.key == str(ttl.value(p, PEN.graphKey) or snake(local(p)))


def test_nodes_carry_their_class_and_every_superclass(store):
    """Written through the mapping into the embedded store, labels are the class and its ancestors."""
    nodes, edges = to_property_graph(read_rdf(SAMPLES / "rdf" / "conforming.ttl"))
    store.write(nodes, edges)
    rows = store.query("MATCH (n:Entity) RETURN n.key AS key, labels(n) AS labels ORDER BY key")
    labels = {r["key"]: set(r["labels"]) for r in rows}
    assert labels["org/sample-council"] == {"Entity", "Actor", "Organization", "IntergovernmentalOrganization"}
    assert labels["place/sample-site"] == {"Entity", "Place", "LaunchSite"}
    assert labels["unscr/9997"] == {"Entity", "Sanction", "SecurityCouncilResolution"}
    assert labels["missile/sample-x"] == {"Entity", "WeaponSystem", "MissileSystem"}
    types = {r["t"] for r in store.query("MATCH ()-[r]->() RETURN DISTINCT type(r) AS t")}
    assert types == {"SUPPORTS", "TARGETS", "IMPOSES_MEASURE", "TESTED"}


def test_view_styling_derives_from_the_ontology(ttl):
    ont = load()
    for c in pen_subjects(ttl, OWL.Class):
        color = ttl.value(c, PEN.color)
        if color is not None:
            assert ont.classes[local(c)].color == str(color)
            assert re.fullmatch(r"#[0-9a-f]{6}", str(color)), f"{local(c)}: {color}"


# ---------------------------------------------------------------------------- generated reference
@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_ontology_docs_list_every_class_and_property(ttl, fmt, tmp_path):
    from peninsula.graph.cli import main

    out = tmp_path / f"ontology.{'md' if fmt == 'markdown' else 'html'}"
    result = CliRunner().invoke(main, ["ontology", "docs", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for s in pen_subjects(ttl, OWL.Class) + pen_subjects(ttl, OWL.ObjectProperty) + pen_subjects(ttl, OWL.DatatypeProperty):
        if s in OUTSIDE_THE_TREE:
            continue  # no node class: the reference lists the classes of the graph
        assert local(s) in text, f"{local(s)} missing from the {fmt} reference"
        definition = english(ttl, s, SKOS.definition)[0]
        shown = definition if fmt == "markdown" else definition.replace("'", "&#x27;").replace('"', "&quot;")
        assert shown.replace("|", "\\|") in text or shown in text, f"definition of {local(s)} missing"
    if fmt == "html":
        assert "<script" not in text and "http://" not in text.split("<body", 1)[0]


def test_what_views_and_analytics_know_of_the_ontology_is_read_from_it():
    """Group hues, family hues and which facts are derived are annotations of the ontology, not
    tables in the code (the defect: analytics.DERIVED by hand while views read a definition's
    wording; family colours typed in views.py)."""
    from peninsula.graph import analytics, sparql, view_style

    ont = load()
    assert ont.derived >= {"canReach", "CAN_REACH", "degree", "betweenness", "community"}
    assert analytics.DERIVED == ont.derived
    assert {t for t, s in view_style.type_styles(ont).items() if s["derived"]} == ont.derived & set(ont.rel_types)
    used = {p.family for p in ont.properties.values() if p.family}
    assert used <= set(ont.families) and all(c.startswith("#") for c in ont.families.values())
    for t, s in view_style.type_styles(ont).items():
        base = ont.families[ont.rel_types[t].family]
        assert s["color"] in {view_style.tone(base, a) for a in view_style.TONES}
    groups = {view_style.group_of(c, ont) for c in ont.classes if c not in ("Entity", "Actor")}
    assert all(ont.classes[g].color for g in groups), [g for g in groups if not ont.classes[g].color]
    assert not hasattr(sparql, "DERIVED") and not hasattr(view_style, "FAMILY_COLORS")


# Where code may name a class or relationship type of the ontology as a string literal, and why;
# everywhere else it reads them from the ontology (a module path prefix covers a split module).
NAMES_ALLOWED = {
    "loaders/cns": "maps the CNS database's columns onto the ontology",
    "loaders/ftm": "maps FollowTheMoney schemata onto the ontology",
    "loaders/unlist": "maps the UN list's record types onto the ontology",
    "loaders/wikidata": "maps Wikidata properties onto the ontology",
    "loaders/sources": "the link a designation dataset writes",
    "loaders/matching": "which classes are compared by distance, by system and date",
    "graph/reach": "the CAN_REACH derivation rule reads launch sites and places",
    "graph/analytics": "the weight of each kind of tie in the actor network",
    "graph/view_style": "one hue for the sanctions machinery",
    "graph/views": "the label policy: states and actors first",
}
STRUCTURAL = {"Entity", "Actor", "Source"}  # the roots every layer is built on


def test_class_and_relationship_names_are_written_only_where_allowed():
    import ast

    ont = load()
    names = (set(ont.classes) | set(ont.rel_types)) - STRUCTURAL
    root = Path(__file__).resolve().parent.parent
    found = []
    for folder in ("graph", "loaders", "queries", "ontology"):
        for path in sorted((root / folder).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if any(rel.startswith(prefix) for prefix in NAMES_ALLOWED):
                continue
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
                    found.append(f"{rel}:{node.lineno}: {node.value!r}")
    assert not found, "read these from the ontology (or allow the module with a reason):\n" + "\n".join(found)
