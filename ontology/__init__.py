"""The Peninsula ontology: OWL classes and properties, SHACL shapes, and the derived schema."""

from peninsula.ontology.errors import (
    InputError,
    OntologyError,
    PeninsulaError,
    QueryError,
    ReadOnlyError,
    StoreError,
    ValidationError,
)
from peninsula.ontology.model import PEN, Ontology, base_iri, load

__all__ = [
    "PEN", "Ontology", "base_iri", "load",
    "PeninsulaError", "OntologyError", "InputError", "ValidationError", "StoreError",
    "ReadOnlyError", "QueryError",
]
