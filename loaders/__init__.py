"""Readers (one per source format) -> RDF, and the RDF -> property-graph mapping."""

from peninsula.loaders.curated import Curated, read_dir, read_files, validate_curated
from peninsula.loaders.mapping import key_of, term_of, to_property_graph
from peninsula.loaders.rdf import read_rdf

__all__ = ["Curated", "read_dir", "read_files", "validate_curated", "key_of", "term_of",
           "to_property_graph", "read_rdf"]
