"""Readers (one per source format) -> RDF, and the RDF -> property-graph mapping.

The names below are imported on first use, so importing a light module of the package (such as
`peninsula.loaders.formats`, which the CLI reads at start-up) does not load rdflib."""

from importlib import import_module

_WHERE = {"Curated": "curated", "read_dir": "curated", "read_files": "curated", "validate_curated": "curated",
          "codec": "codec", "Node": "codec", "Edge": "codec", "key_of": "mapping", "term_of": "mapping", "to_property_graph": "mapping", "read_rdf": "rdf"}
__all__ = ["Curated", "read_dir", "read_files", "validate_curated", "codec", "Node", "Edge", "key_of", "term_of",
           "to_property_graph", "read_rdf"]


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f"peninsula.loaders.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
