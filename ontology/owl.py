"""The OWL 2 DL view of Peninsula's RDF, and a DL reasoner's verdict on it (HermiT via owlready2).

The RDF exports keep what SPARQL users need: dates as ``xsd:date`` / ``xsd:gYearMonth`` /
``xsd:gYear``, launch times as ``xsd:time``, relationship annotations on ``rdf:Statement``s.
OWL 2 DL has none of those datatypes and no reification vocabulary, so `dl_view` maps them,
value for value (the documented mapping):

- a literal of an XSD type OWL 2 lacks becomes its lexical form as ``xsd:string``, which the
  property's range holds (``pen:PartialDate`` and ``pen:TimeOfDay`` are ``xsd:string`` restricted by
  an ISO 8601 pattern): ``"2006"^^xsd:gYear`` -> ``"2006"``;
- ``rdf:Statement`` becomes ``pen:Statement``; ``rdf:subject/predicate/object`` are left out (the
  asserted triple is in the data; the statement keeps its dates and sources).

`check` writes the ontology, the axioms of the aligned vocabularies (alignments.ttl) and the data
to one N-Triples file and runs HermiT on it (the jar owlready2 ships): it returns the
unsatisfiable classes, and raises when the whole is inconsistent.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef

from peninsula.ontology.errors import OntologyError, ValidationError
from peninsula.ontology.model import PEN, load, packaged

# the OWL 2 datatype map (OWL 2 Structural Specification, section 4), plus rdf:langString,
# which OWL 2 tools read as rdf:PlainLiteral with a language tag
OWL2_DATATYPES = {RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, RDF.langString, OWL.real, OWL.rational,
                  *(XSD[n] for n in (
                      "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger "
                      "long int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float "
                      "string normalizedString token language Name NCName NMTOKEN boolean hexBinary "
                      "base64Binary anyURI dateTime dateTimeStamp").split())}
REIFICATION = (RDF.subject, RDF.predicate, RDF.object)


def alignments() -> Graph:
    """The axioms of PROV-O, FOAF, ORG and WGS84 the ontology's alignments rely on."""
    g = Graph()
    g.parse(data=packaged("alignments.ttl"), format="turtle")
    return g


def _owl_ranges() -> dict:
    """Datatype property IRI -> its OWL range datatype, where that is one of ours (pen:PartialDate ...)."""
    g = load().graph
    return {p: r for p, r in g.subject_objects(RDFS.range)
            if isinstance(r, URIRef) and (r, RDF.type, RDFS.Datatype) in g}


def dl_view(data: Graph) -> Graph:
    """`data` (triples of a Peninsula export) as OWL 2 DL individuals, by the mapping above."""
    ranges = _owl_ranges()
    out = Graph()
    for s, p, o in data:
        if p in REIFICATION:
            continue
        if p == RDF.type and o == RDF.Statement:
            o = PEN.Statement
        elif isinstance(o, Literal) and o.datatype is not None and o.datatype not in OWL2_DATATYPES:
            if p not in ranges:
                raise ValidationError([f"<{s}> <{p}>: {o.datatype} is not an OWL 2 datatype and the property "
                                       "has no OWL range datatype to map it to"])
            o = Literal(str(o))  # xsd:string (RDF 1.1), in the value space of the range's pattern
        out.add((s, p, o))
    return out


def owl_document(data: Graph | None = None) -> Graph:
    """Ontology + aligned vocabularies' axioms (+ the DL view of `data`): what the reasoner reads."""
    g = Graph()
    g += load().graph
    g += alignments()
    if data is not None:
        g += dl_view(data)
    return g


def hermit_command() -> list[str]:
    """java + HermiT's command line, from the jar owlready2 ships."""
    import shutil

    import owlready2

    here = Path(owlready2.__file__).parent / "hermit"
    java = shutil.which(owlready2.JAVA_EXE) or shutil.which("java")
    if java is None:
        raise OntologyError("the DL reasoner needs Java (17 or later): apt-get install openjdk-17-jre-headless")
    return [java, "-cp", f"{here}{os.pathsep}{here / 'HermiT.jar'}", "org.semanticweb.HermiT.cli.CommandLine"]


def check(data: Graph | None = None, memory_mb: int = 2000, timeout: int = 1200) -> list[str]:
    """Run HermiT over `owl_document(data)`: consistency (-k) and the unsatisfiable classes (-U).
    Returns the IRIs of unsatisfiable classes (empty when every class can have members); raises
    OntologyError when the ontology and data are inconsistent or HermiT refuses the document."""
    import subprocess

    doc = owl_document(data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "peninsula-dl.nt"
        doc.serialize(path, format="nt", encoding="utf-8")
        cmd = [*hermit_command()[:1], f"-Xmx{memory_mb}M", *hermit_command()[1:], "-k", "-U", path.as_uri()]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    out = run.stdout + run.stderr
    if run.returncode != 0 or "is satisfiable" not in out:
        first = next((line for line in out.splitlines() if line.strip()), "no output")
        if "not satisfiable" in out or "Inconsistent" in out:
            raise OntologyError(f"the ontology with the data is inconsistent (HermiT): {first}")
        raise OntologyError(f"HermiT refused the OWL document: {first}")
    unsat = out.split("Classes equivalent to 'owl:Nothing':", 1)[-1].split()
    return sorted(c for c in unsat if c not in ("owl:Nothing", "<http://www.w3.org/2002/07/owl#Nothing>"))
