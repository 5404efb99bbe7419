"""The ontology is OWL 2 DL and stays consistent with the vocabularies it aligns to and with the
curated data: HermiT (through owlready2, on Java 17) over ontology + alignments + data."""

from __future__ import annotations

import shutil

import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef

from peninsula.ontology import OntologyError, load
from peninsula.ontology.model import PEN
from peninsula.ontology.owl import OWL2_DATATYPES, alignments, check, dl_view, owl_document

pytestmark = pytest.mark.skipif(shutil.which("java") is None and not __import__("os").environ.get("CI"),
                                reason="HermiT needs Java (CI has it)")

FOAF = "http://xmlns.com/foaf/0.1/"


@pytest.fixture(scope="module")
def curated():
    from peninsula.graph.build import curated_graph

    return curated_graph()


def test_ontology_names_only_owl2_datatypes():
    """Every range of a datatype property is in the OWL 2 datatype map or is a datatype the
    ontology itself defines (pen:PartialDate, pen:TimeOfDay: xsd:string with an ISO 8601 pattern)."""
    g = load().graph
    defined = {d for d in g.subjects(RDF.type, RDFS.Datatype) if g.value(d, OWL.equivalentClass) is not None}
    assert {PEN.PartialDate, PEN.TimeOfDay} <= defined
    for p in g.subjects(RDF.type, OWL.DatatypeProperty):
        rng = g.value(p, RDFS.range)
        assert rng in OWL2_DATATYPES or rng in defined, f"{p} has range {rng}"
    for d in defined:  # the definitions themselves rest on OWL 2 datatypes only
        assert g.value(g.value(d, OWL.equivalentClass), OWL.onDatatype) == XSD.string


def test_no_data_property_below_an_annotation_property():
    g = load().graph | alignments()
    annotation = set(g.subjects(RDF.type, OWL.AnnotationProperty)) | {RDFS.label, RDFS.comment, URIRef(
        "http://www.w3.org/2004/02/skos/core#altLabel"), URIRef("http://www.w3.org/2004/02/skos/core#note")}
    for p in g.subjects(RDF.type, OWL.DatatypeProperty):
        for sup in g.objects(p, RDFS.subPropertyOf):
            assert sup not in annotation and not str(sup).startswith("http://purl.org/dc/terms/"), (p, sup)


def test_precise_xsd_types_stay_in_the_exports():
    """The mapping still writes xsd:date / gYearMonth / gYear and xsd:time (what SPARQL users compare)."""
    ont = load()
    assert ont.properties["date"].is_date and ont.properties["launchTime"].range == XSD.time
    assert set(load().graph.objects(PEN.PartialDate, PEN.xsdType)) == {XSD.date, XSD.gYearMonth, XSD.gYear}


def test_statements_are_not_node_classes():
    ont = load()
    assert "Statement" not in ont.classes and "EntityOrStatement" not in ont.classes
    assert ont.properties["validFrom"].domain == "Entity"  # the node class inside pen:EntityOrStatement


def test_dl_view_maps_what_owl2_lacks():
    g = Graph()
    s, st = URIRef("https://peninsula.invalid/id/event/x"), URIRef("https://peninsula.invalid/id/stmt/1")
    g.add((s, RDF.type, PEN.NuclearTest))
    g.add((s, PEN.date, Literal("2006", datatype=XSD.gYear)))
    g.add((st, RDF.type, RDF.Statement))
    g.add((st, RDF.subject, s))
    g.add((st, PEN.validFrom, Literal("2006-10-09", datatype=XSD.date)))
    view = dl_view(g)
    assert (s, PEN.date, Literal("2006")) in view
    assert (st, RDF.type, PEN.Statement) in view and (st, RDF.subject, s) not in view
    assert (st, PEN.validFrom, Literal("2006-10-09")) in view
    assert all(o.datatype in (None, *OWL2_DATATYPES) for o in view.objects() if isinstance(o, Literal))


def test_hermit_finds_the_ontology_and_data_consistent(curated):
    """The CI gate: no inconsistency, no unsatisfiable class, over ontology + aligned vocabularies'
    axioms + the curated data."""
    assert check(curated) == []


def test_hermit_catches_an_event_typed_as_a_prov_entity(curated):
    """The test can fail: PROV-O's disjointness of activities and entities is in force."""
    g = Graph()
    s = URIRef("https://peninsula.invalid/id/event/bad")
    g.add((s, RDF.type, PEN.Summit))
    g.add((s, RDF.type, PEN.Source))
    with pytest.raises(OntologyError, match="inconsistent"):
        check(g)


def test_hermit_catches_a_person_equated_with_an_organization():
    doc = Graph()
    p = URIRef("https://peninsula.invalid/id/person/bad")
    doc.add((p, RDF.type, PEN.Person))
    doc.add((p, RDF.type, PEN.Forum))  # FOAF: persons and organizations are disjoint
    with pytest.raises(OntologyError):
        check(doc)


def test_a_person_is_no_place():
    """FOAF makes every foaf:Person a geo:SpatialThing; pen:Place is only a kind of spatial thing."""
    g = owl_document()
    assert (PEN.Place, OWL.equivalentClass, URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#SpatialThing")) not in g
    assert (URIRef(FOAF + "Person"), RDFS.subClassOf, URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#SpatialThing")) in g
