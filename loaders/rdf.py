"""Reading RDF files in any format `peninsula export` writes, with messages that name the line;
and the rdflib writers `export` uses where rdflib's own lose data (doubles, blank-node cycles).

TriG and N-Quads keep their named graphs: they read into a `NamedGraphs`, a plain graph of all
the triples (what SHACL, isomorphism and the graph-less formats see) that remembers the graph(s)
each triple came from; `to_dataset` writes it back graph by graph."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

from rdflib import XSD, BNode, ConjunctiveGraph, Dataset, Graph, Literal
from rdflib.plugin import Serializer, register
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import _GEN_QNAME_FOR_DT, TurtleSerializer
from rdflib.plugins.shared.jsonld.context import Context
from rdflib.plugins.shared.jsonld.keys import CONTEXT, GRAPH

from peninsula.loaders.formats import RdfFormat, guess_format
from peninsula.loaders.guard import check_graph, check_json_ld
from peninsula.loaders.mapping import check_graphs, quads_of
from peninsula.ontology import InputError


class NamedGraphs(Graph):
    """All the triples of a dataset as one graph, each remembering its graph name(s) (None: the
    default graph). Triples added with plain `add` are in the default graph."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.graphs_of: dict = {}  # triple -> set of graph names, only for triples in a named graph

    def add_quad(self, s, p, o, g=None) -> None:
        t = (s, p, o)
        names = self.graphs_of.get(t)
        if g is not None and names is None:
            names = self.graphs_of[t] = {None} if t in self else set()
        if names is not None:
            names.add(g)
        self.add(t)

    def named_quads(self):
        for t in self:
            for g in self.graphs_of.get(t, (None,)):
                yield (*t, g)


def to_dataset(graph: Graph, prefixes: dict | None = None) -> Dataset:
    """The rdflib Dataset of a `NamedGraphs` (or of any graph, all in the default graph), for the
    TriG and N-Quads writers."""
    ds = Dataset()
    for prefix, ns in (prefixes or {}).items():
        ds.bind(prefix, ns, override=True, replace=True)
    named: dict = {None: ds.default_graph}
    for s, p, o, g in quads_of(graph):
        if g not in named:
            named[g] = ds.graph(g)
        named[g].add((s, p, o))
    return ds


def read_rdf(path: Path | str, fmt: str | RdfFormat | None = None) -> Graph:
    """Parse one RDF file into a graph (TriG and N-Quads: a `NamedGraphs`), refusing XML entities."""
    path = Path(path)
    fmt = guess_format(path, fmt)
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    data = path.read_bytes()
    if not data.strip():
        raise InputError("the file is empty", where=str(path))
    if fmt.name == "xml":
        from peninsula.loaders.safexml import check_xml

        check_xml(data, str(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 ({exc.reason} at byte {exc.start})", where=str(path)) from None
    if fmt.triple_terms:
        from peninsula.loaders.rdf12 import from_turtle12

        try:
            return _checked(from_turtle12(text), path, text)
        except (SyntaxError, ValueError) as exc:
            raise InputError(f"malformed Turtle 1.2: {exc}", where=str(path)) from None
    if fmt.name == "jsonld":
        check_json_ld(text, str(path))  # refuses remote contexts before rdflib would fetch them
    graph = Dataset() if fmt.named_graphs else Graph()
    term_log = logging.getLogger("rdflib.term")  # its warnings and tracebacks about bad literals and IRIs
    level, term_log.level = term_log.level, logging.ERROR  # would bury our message; check_graph names them
    try:
        graph.parse(data=text, format=fmt.parser, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many types; all mean malformed input
        line, reason = _line_and_reason(exc)
        if line is None and reason.startswith("Invalid line: "):  # N-Triples / N-Quads name the line's text
            at = text.find(reason[len("Invalid line: "):][:80])
            line = text.count("\n", 0, at) + 1 if at >= 0 else None
        reason = reason if len(reason) <= 300 else reason[:300] + "..."
        where = f"{path}:{line}" if line else str(path)
        raise InputError(f"malformed {fmt.parser}: {reason}", where=where) from None
    finally:
        term_log.setLevel(level)
    if isinstance(graph, ConjunctiveGraph):
        merged = NamedGraphs()
        for quad in quads_of(graph):
            merged.add_quad(*quad)
        check_graphs(merged, where=lambda s: f"{path} <{s}>")  # one graph per subject, or refused
        return _checked(merged, path, text)
    return _checked(graph, path, text)


def _checked(graph: Graph, path: Path, text: str) -> Graph:
    """Refuse a file with no triples, and any term no store can hold unchanged (see guard)."""
    if len(graph) == 0:
        raise InputError("the file holds no RDF triples", where=str(path))
    check_graph(graph, str(path), text)
    return graph


def _line_and_reason(exc) -> tuple[int | None, str]:
    """The 1-based line and the reason from the exception each rdflib parser raises."""
    if hasattr(exc, "_why") and isinstance(getattr(exc, "lines", None), int):  # Turtle, TriG (0-based)
        return exc.lines + 1, str(exc._why)
    if isinstance(getattr(exc, "lineno", None), int):  # JSON-LD's json.JSONDecodeError
        return exc.lineno, str(getattr(exc, "msg", exc))
    if hasattr(exc, "getLineNumber"):  # RDF/XML's SAXParseException
        return exc.getLineNumber(), str(exc.getMessage())
    text = str(exc).strip()
    return None, text.splitlines()[0] if text else type(exc).__name__


# ---------------------------------------------------------------------------- writing
class _ExactDoubles:
    """rdflib's Turtle and TriG writers print an xsd:double with six digits ("%e", rdflib issues
    #1852 and #2918); these write its lexical form quoted, "0.123456789"^^xsd:double, instead."""

    def label(self, node, position):
        if isinstance(node, Literal) and node.datatype == XSD.double and isinstance(node.value, float) \
                and math.isfinite(node.value):
            return f'{node._quote_encode()}^^{self.get_pname(XSD.double, _GEN_QNAME_FOR_DT) or f"<{XSD.double}>"}'
        return super().label(node, position)


class ExactTurtleSerializer(_ExactDoubles, TurtleSerializer):
    pass


class ExactTrigSerializer(_ExactDoubles, TrigSerializer):
    pass


class _Converter(Converter):
    def from_graph(self, graph: Graph):
        """rdflib writes a blank node only when an IRI or an unreferenced blank node leads to it, so
        a blank-node cycle (b1 partOf b2 partOf b1, or a self-loop) vanished; write every subject."""
        nodemap: dict = {}
        subjects = set(graph.subjects())
        for s in subjects:
            if not isinstance(s, BNode) or not any(graph.subjects(None, s)):
                self.process_subject(graph, s, nodemap)
        for s in subjects:
            if isinstance(s, BNode):
                self.process_subject(graph, s, nodemap)  # skips the ones already written
        return list(nodemap.values())

    def to_raw_value(self, graph: Graph, s, o, nodemap):
        """A double as a typed string: JSON-LD reads a JSON number without a fraction (0.0, 2.0)
        as an xsd:integer, so native doubles changed type in any other reader (pyoxigraph)."""
        if isinstance(o, Literal) and o.datatype == XSD.double:
            return {self.context.type_key: self.context.to_symbol(o.datatype), self.context.value_key: str(o)}
        return super().to_raw_value(graph, s, o, nodemap)


class CompleteJsonLDSerializer(Serializer):
    """rdflib's JSON-LD writer (auto-compacted with the graph's prefixes) that loses no blank node
    and no datatype."""

    def serialize(self, stream, base=None, encoding=None, **kwargs):
        context_data = kwargs.get("context") or {pfx: str(ns) for pfx, ns in self.store.namespaces()
                                                 if pfx and str(ns) != "http://www.w3.org/XML/1998/namespace"}
        context = Context(context_data, base=base)
        result = _Converter(context, False, False).convert(self.store)
        if context.active:
            if isinstance(result, list):
                result = {context.get_key(GRAPH): result}
            result[CONTEXT] = context_data
        stream.write(json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8"))


register("peninsula-turtle", Serializer, __name__, "ExactTurtleSerializer")
register("peninsula-json-ld", Serializer, __name__, "CompleteJsonLDSerializer")
register("peninsula-trig", Serializer, __name__, "ExactTrigSerializer")
