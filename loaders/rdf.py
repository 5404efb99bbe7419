"""Reading RDF files in any format `peninsula export` writes, with messages that name the line."""

from __future__ import annotations

from pathlib import Path

from rdflib import ConjunctiveGraph, Dataset, Graph

from peninsula.ontology import InputError

FORMATS = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".ntriples": "nt", ".jsonld": "json-ld",
    ".json": "json-ld", ".rdf": "xml", ".xml": "xml", ".owl": "xml", ".trig": "trig", ".nq": "nquads", ".ttl12": "turtle12",
}
NAMES = {"turtle": "turtle", "ntriples": "nt", "nt": "nt", "jsonld": "json-ld", "json-ld": "json-ld",
         "xml": "xml", "rdfxml": "xml", "trig": "trig", "nquads": "nquads", "turtle12": "turtle12"}


def guess_format(path: Path, fmt: str | None = None) -> str:
    if fmt:
        if fmt not in NAMES:
            raise InputError(f"unknown RDF format {fmt!r}; one of {', '.join(sorted(NAMES))}", where=str(path))
        return NAMES[fmt]
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"cannot tell the RDF format from {suffix!r}; pass --format", where=str(path))
    return FORMATS[suffix]


def read_rdf(path: Path | str, fmt: str | None = None) -> Graph:
    """Parse one RDF file into a graph (named graphs merged), refusing XML entities."""
    path = Path(path)
    fmt = guess_format(path, fmt)
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    data = path.read_bytes()
    if not data.strip():
        raise InputError("the file is empty", where=str(path))
    if fmt == "xml":
        from peninsula.loaders.safexml import check_xml

        check_xml(data, str(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 ({exc.reason} at byte {exc.start})", where=str(path)) from None
    if fmt == "turtle12":
        from peninsula.loaders.rdf12 import from_turtle12

        try:
            return from_turtle12(text)
        except (SyntaxError, ValueError) as exc:
            raise InputError(f"malformed Turtle 1.2: {exc}", where=str(path)) from None
    graph = Dataset() if fmt in ("trig", "nquads") else Graph()
    try:
        graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many types; all mean malformed input
        line = getattr(exc, "lines", None) or getattr(exc, "line", None)
        where = f"{path}:{line}" if isinstance(line, int) else str(path)
        raise InputError(f"malformed {fmt}: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}",
                         where=where) from None
    if isinstance(graph, ConjunctiveGraph):
        merged = Graph()
        for s, p, o, _ in graph.quads():
            merged.add((s, p, o))
        return merged
    return graph
