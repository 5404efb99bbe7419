"""The formats Peninsula reads and writes, in one table: RDF formats (each with its suffixes, media
type, rdflib parser and serializer, pyoxigraph format, whether it carries named graphs and whether
`load --stream` reads it) and the source formats with their readers.

Read by the RDF reader (loaders/rdf.py), the streaming path (loaders/stream.py), the exporter
(graph/export.py), SPARQL results (graph/sparql.py), the CLI's choices and the tests. Light on
purpose (no rdflib, no pyoxigraph at import): the CLI builds its options from it at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from peninsula.ontology.errors import InputError


@dataclass(frozen=True)
class RdfFormat:
    """One RDF syntax as Peninsula reads and writes it."""

    name: str  # what --format and `export` call it
    suffixes: tuple[str, ...]  # the file suffixes it is guessed from; the first is what `export` writes
    media_type: str
    parser: str | None  # rdflib's parser; None: read by loaders/rdf12.py (triple terms)
    serializer: str | None  # rdflib's serializer (peninsula-*: loaders/rdf.py's exact ones); None: loaders/rdf12.py
    oxigraph: str  # the pyoxigraph.RdfFormat member that parses it (streaming, independent checks)
    named_graphs: bool = False  # keeps each triple's graph (GRAPH_KEY); the others hold one graph
    streams: bool = True  # `load --stream` reads it (through pyoxigraph and `sort`)
    line_based: bool = False  # one triple (quad) a line: the streaming path sorts the file as it is,
    # the exporter sorts the lines
    triple_terms: bool = False  # statements as RDF 1.2 reifiers of triple terms (loaders/rdf12.py)
    aliases: tuple[str, ...] = ()  # other names --format accepts when reading

    @property
    def suffix(self) -> str:
        """The suffix of the files `export` writes."""
        return self.suffixes[0]

    @property
    def ox_format(self):
        """The pyoxigraph.RdfFormat."""
        import pyoxigraph

        return getattr(pyoxigraph.RdfFormat, self.oxigraph)


RDF_FORMATS: dict[str, RdfFormat] = {f.name: f for f in (
    RdfFormat("turtle", (".ttl", ".turtle"), "text/turtle", "turtle", "peninsula-turtle", "TURTLE"),
    RdfFormat("ntriples", (".nt", ".ntriples"), "application/n-triples", "nt", "nt", "N_TRIPLES",
              line_based=True, aliases=("nt",)),
    RdfFormat("jsonld", (".jsonld", ".json"), "application/ld+json", "json-ld", "peninsula-json-ld", "JSON_LD",
              aliases=("json-ld",)),
    RdfFormat("xml", (".rdf", ".xml", ".owl"), "application/rdf+xml", "xml", "xml", "RDF_XML", aliases=("rdfxml",)),
    RdfFormat("trig", (".trig",), "application/trig", "trig", "peninsula-trig", "TRIG", named_graphs=True),
    RdfFormat("nquads", (".nq",), "application/n-quads", "nquads", "nquads", "N_QUADS", named_graphs=True,
              line_based=True),
    RdfFormat("turtle12", (".ttl12",), "text/turtle", None, None, "TURTLE", streams=False, triple_terms=True),
)}
BY_NAME = {n: f for f in RDF_FORMATS.values() for n in (f.name, *f.aliases)}  # every name --format accepts
BY_SUFFIX = {s: f for f in RDF_FORMATS.values() for s in f.suffixes}
NAMED_GRAPHS = tuple(n for n, f in RDF_FORMATS.items() if f.named_graphs)
STREAMED = tuple(n for n, f in RDF_FORMATS.items() if f.streams)

SOURCE_FORMATS = {  # source format -> module with read(path, kb, **options) -> Batch; imported lazily
    "cns": "peninsula.loaders.cns",
    "un-xml": "peninsula.loaders.unlist",
    "ftm": "peninsula.loaders.ftm",
    "wikidata": "peninsula.loaders.wikidata",
}


def guess_format(path: Path, fmt: str | RdfFormat | None = None) -> RdfFormat:
    """The RDF format named by `fmt` (any name in BY_NAME), else the one the file's suffix says."""
    if isinstance(fmt, RdfFormat):
        return fmt
    if fmt:
        if fmt not in BY_NAME:
            raise InputError(f"unknown RDF format {fmt!r}; one of {', '.join(sorted(BY_NAME))}", where=str(path))
        return BY_NAME[fmt]
    suffix = Path(path).suffix.lower()
    if suffix not in BY_SUFFIX:
        raise InputError(f"cannot tell the RDF format from {suffix!r}; pass --format", where=str(path))
    return BY_SUFFIX[suffix]


def export_format(name: str) -> RdfFormat:
    """The RDF format `export` writes under `name` (its own names only, no aliases)."""
    if name not in RDF_FORMATS:
        raise InputError(f"unknown export format {name!r}; one of {', '.join(RDF_FORMATS)}", field="--format")
    return RDF_FORMATS[name]
