"""Streaming RDF -> property graph for files too large to hold: bounded memory, same mapping.

The mapping of ``peninsula.loaders.mapping`` needs two things a plain stream does not give:
all triples of one subject together (to build a node), and each ``rdf:Statement`` joined to
the triple it annotates, which may come before it, after it, or anywhere in the file. Both are
solved by sorting on disk, never by holding the graph:

1. pyoxigraph parses the file (any format it reads) and writes N-Triples into GNU ``sort -u``
   (C locale, bounded buffer, spilling to temporary files). An N-Triples file goes to ``sort``
   as it is. The output has every subject's triples contiguous, duplicates removed.
2. pyoxigraph parses the sorted stream; each subject's run becomes a node, or a statement.
   A node yields one *asserted* record per relationship triple; a statement yields one
   *statement* record with its annotations; both go into a second ``sort`` keyed on the triple.
3. That second sort is a sort-merge join: a triple with statements becomes one relationship
   per statement, a triple without becomes one ``triple/`` relationship, and a statement with
   no asserted triple is an error, exactly as in ``to_property_graph``.

So nodes stream out first (all of them), then relationships; memory is the sort buffers plus
one subject's triples. What cannot be checked in bounded memory here is left to the store: a
relationship whose end is not a node is reported by the writer (``peninsula.graph.bulk``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import groupby
from pathlib import Path

from rdflib import RDF, XSD, Literal, URIRef

from peninsula.loaders.mapping import GENID, TRIPLE, _collapse, date_type, literal_to_value
from peninsula.ontology import InputError, base_iri, load

OX_FORMATS = {"nt": "N_TRIPLES", "turtle": "TURTLE", "xml": "RDF_XML", "json-ld": "JSON_LD",
              "trig": "TRIG", "nquads": "N_QUADS"}
SORT_BUFFER = os.environ.get("PENINSULA_SORT_BUFFER", "256M")
TYPE, STATEMENT_NT = str(RDF.type), f"<{RDF.Statement}>"
REIFY = {str(RDF.subject): 0, str(RDF.predicate): 1, str(RDF.object): 2}
STRING, DATES = str(XSD.string), {str(d) for d in (XSD.date, XSD.gYearMonth, XSD.gYear)}
SAMEAS = "http://www.w3.org/2002/07/owl#sameAs"
_IRI = r'<[A-Za-z][A-Za-z0-9+.\-]*:[^<>"{}|^`\\\x00-\x20]*>'
_BNODE = r"_:[A-Za-z0-9_][A-Za-z0-9_.\-]*"
# One triple in the plain form pyoxigraph and Peninsula write: one space apart, no escapes.
# Any other line (comments, tabs, escapes) is parsed by pyoxigraph itself.
CANONICAL = re.compile(rf'({_IRI}|{_BNODE}) ({_IRI}) ({_IRI}|{_BNODE}|"[^"\\\n\r]*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^{_IRI})?) \.\n?')


def _sort_cmd(tmp: str) -> list[str]:
    exe = shutil.which("sort")
    if exe is None:
        raise InputError("streaming load needs the `sort` program (GNU coreutils); use the normal load instead")
    return [exe, "-u", "-S", SORT_BUFFER, "-T", tmp]


def _sort_env() -> dict:
    return {**os.environ, "LC_ALL": "C"}


def _canonical_line(line: bytes, path: Path, lineno: int) -> bytes:
    """One N-Triples line that is not in the plain form, through pyoxigraph (b"" for a comment)."""
    import pyoxigraph

    try:
        triples = [q.triple for q in pyoxigraph.parse(line, format=pyoxigraph.RdfFormat.N_TRIPLES)]
    except SyntaxError as exc:
        raise InputError(f"malformed N-Triples: {exc}", where=f"{path}:{lineno}") from None
    return b"".join(f"{t} .\n".encode() for t in triples)


def _feed_ntriples(path: Path, sink) -> None:
    """Copy an N-Triples file into `sink` line by line, each line checked (and made plain if need be)."""
    match = CANONICAL.fullmatch
    with path.open("rb") as f:
        for lineno, line in enumerate(f, 1):
            try:
                ok = match(line.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 ({exc.reason})", where=f"{path}:{lineno}") from None
            sink.write(line if ok and line.endswith(b"\n") else _canonical_line(line, path, lineno))


@contextmanager
def _sorted_ntriples(path: Path, fmt: str, tmp: str):
    """A binary stream of the file as unique N-Triples lines, sorted (so grouped by subject)."""
    import pyoxigraph

    proc = subprocess.Popen(_sort_cmd(tmp), stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_sort_env())
    try:
        if fmt == "nt":
            _feed_ntriples(path, proc.stdin)
        else:
            quads = pyoxigraph.parse(path=str(path), format=getattr(pyoxigraph.RdfFormat, OX_FORMATS[fmt]))
            pyoxigraph.serialize((q.triple for q in quads), proc.stdin, format=pyoxigraph.RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        proc.kill()
        raise InputError(f"malformed {fmt}: {exc}", where=f"{path}:{exc.lineno}" if exc.lineno else str(path)) from None
    except BaseException:
        proc.kill()
        raise
    finally:
        proc.stdin.close()
    try:
        yield proc.stdout
    finally:
        proc.stdout.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def _triples(lines) -> Iterator[tuple[str, str, str]]:
    """Sorted plain N-Triples lines -> (subject, predicate IRI, object) as text, without brackets
    on the predicate; the subject and object keep their N-Triples form."""
    match = CANONICAL.fullmatch
    for raw in lines:
        line = raw.decode("utf-8")
        m = match(line)
        if m is not None:
            yield m.group(1), m.group(2)[1:-1], m.group(3)
        else:  # escapes: pyoxigraph decodes them; the object travels as a parsed term
            import pyoxigraph

            for q in pyoxigraph.parse(raw, format=pyoxigraph.RdfFormat.N_TRIPLES):
                yield str(q.subject), q.predicate.value, q.object


def _literal(o) -> tuple[str, str | None, str]:
    """An object in N-Triples form (or a pyoxigraph Literal) -> (lexical form, language, datatype)."""
    if not isinstance(o, str):
        return o.value, o.language, o.datatype.value
    end = o.rindex('"')
    text, suffix = o[1:end], o[end + 1:]
    if not suffix:
        return text, None, STRING
    if suffix[0] == "@":
        return text, suffix[1:], str(RDF.langString)
    return text, None, suffix[3:-1]


def _is_literal(o) -> bool:
    return o[0] == '"' if isinstance(o, str) else True


class _Mapper:
    """Maps one subject's triples at a time, with the ontology lookups cached by IRI."""

    def __init__(self, path: Path):
        self.ont = load()
        self.path = path
        self.base = base_iri()
        self.props: dict = {}
        self.classes: dict = {}
        self.keys: dict = {}

    def where(self, term: str) -> str:
        return f"{self.path} {term}"

    def key(self, term) -> str:
        """An IRI or blank node in N-Triples form -> node key, as mapping.key_of does."""
        if not isinstance(term, str) or term[0] == '"':
            raise InputError(f"expected an IRI, got the literal {term}", where=str(self.path))
        if term[0] == "_":
            return GENID + term[2:]
        iri = term[1:-1]
        rest = iri[len(self.base):]
        return rest if iri.startswith(self.base) and ":" not in rest else iri

    def prop(self, iri: str):
        if iri not in self.props:
            self.props[iri] = self.ont.by_iri(iri)
        return self.props[iri]

    def value(self, prop, o, s) -> tuple[str, object]:
        """A literal's (graph key, value): the common cases fast, everything else as mapping does it."""
        if not _is_literal(o):
            raise InputError(f"{prop.name} needs a literal, got {o}", where=self.where(s), field=prop.name)
        text, lang, dt = _literal(o)
        if lang:
            if prop.is_lang:
                lang = lang.lower().replace("-", "_")
                return (prop.key if lang == "en" else f"{prop.key}_{lang}"), text
        elif not prop.is_lang:
            if prop.is_date:
                if dt in DATES and str(date_type(text)) == dt:
                    return prop.key, text
            elif dt == STRING and prop.range in (None, XSD.string):
                return prop.key, text
        lit = Literal(text, lang=lang) if lang else Literal(text, datatype=URIRef(dt))
        return literal_to_value(lit, prop, self.where(s))

    def node(self, s: str, pos: list) -> tuple[dict, list]:
        """One entity's triples -> (node, [(src, predicate IRI, dst) asserted relationships])."""
        ont, where = self.ont, self.where
        classes, multi, asserted = [], defaultdict(list), []
        src = self.key(s)
        for p, o in pos:
            if p == TYPE:
                cls = self.classes.get(o)
                if cls is None:
                    cls = self.classes[o] = ont.class_of_iri(o[1:-1]) if not _is_literal(o) else None
                if cls is None:
                    raise InputError(f"unknown class {o}", where=where(s), field="rdf:type")
                classes.append(cls.name)
                continue
            if p == SAMEAS:
                from peninsula.ontology.model import WIKIDATA

                if _is_literal(o) or not o[1:-1].startswith(WIKIDATA):
                    raise InputError(f"owl:sameAs only links Wikidata items, got {o}", where=where(s), field="owl:sameAs")
                multi["wikidata"].append(o[1 + len(WIKIDATA):-1])
                continue
            prop = self.prop(p)
            if prop is None:
                raise InputError(f"unknown property <{p}>", where=where(s), field=p)
            if prop.kind == "datatype":
                k, v = self.value(prop, o, s)
                multi[k].append(v)
            elif _is_literal(o):
                raise InputError(f"{prop.name} links to an entity, got the literal {o}", where=where(s), field=prop.name)
            elif prop.name == "source":
                multi["sources"].append(self.key(o))
            else:
                asserted.append((src, p, self.key(o)))
        if not classes:
            raise InputError("entity has no class (rdf:type)", where=where(s), field="rdf:type")
        classes.sort()
        props = {"key": src, "class": classes[0] if len(classes) == 1 else classes}
        props.update(_collapse(ont, multi))
        labels = self.keys.get(tuple(classes))
        if labels is None:
            labels = self.keys[tuple(classes)] = ont.labels(classes)
        return {"key": src, "labels": list(labels), "props": props}, asserted

    def statement(self, s: str, pos: list) -> tuple[tuple, dict]:
        """One rdf:Statement's triples -> ((src, predicate IRI, dst), annotations incl. key)."""
        parts: list = [[], [], []]
        multi: dict = defaultdict(list)
        for p, o in pos:
            if p == TYPE:
                continue
            if p in REIFY:
                parts[REIFY[p]].append(o)
                continue
            ann = self.prop(p)
            if ann is None or not ann.on_relationship:
                raise InputError(f"<{p}> cannot annotate a relationship", where=self.where(s), field=p)
            if ann.name == "source":
                multi["sources"].append(self.key(o))
            else:
                k, v = self.value(ann, o, s)
                multi[k].append(v)
        if any(len(x) != 1 for x in parts) or _is_literal(parts[1][0]):
            raise InputError("a statement needs exactly one rdf:subject, rdf:predicate and rdf:object",
                             where=self.where(s))
        eprops = {"key": self.key(s)}
        eprops.update(_collapse(self.ont, multi))
        return (self.key(parts[0][0]), parts[1][0][1:-1], self.key(parts[2][0])), eprops

    def edges(self, spo: tuple, records: list) -> list[dict]:
        """The join of one triple: its asserted record (if any) and its statements."""
        src, p, dst = spo
        asserted = any(r[0] == "A" for r in records)
        stmts = [json.loads(r[1]) for r in records if r[0] == "S"]
        if not asserted:
            raise InputError(f"statement about a triple that is not asserted: {src} <{p}> {dst}",
                             where=f"{self.path} <{stmts[0]['key']}>")
        prop = self.prop(p)
        if not stmts:
            key = TRIPLE + hashlib.sha1(repr((src, prop.name, dst)).encode("utf-8")).hexdigest()[:16]
            return [{"type": prop.rel_type, "key": key, "src": src, "dst": dst, "props": {"key": key}}]
        return [{"type": prop.rel_type, "key": e["key"], "src": src, "dst": dst, "props": e}
                for e in sorted(stmts, key=lambda e: e["key"])]


def stream_graph(path: Path | str, fmt: str | None = None) -> Iterator[tuple[str, dict]]:
    """Yield ("node", node) for every entity, then ("edge", edge) for every relationship.

    The dicts are those of ``to_property_graph``; memory stays bounded whatever the file size.
    """
    from peninsula.loaders.rdf import guess_format

    path = Path(path)
    fmt = guess_format(path, fmt)
    if fmt not in OX_FORMATS:
        raise InputError(f"streaming load reads {', '.join(sorted(OX_FORMATS))}, not {fmt}; use the normal load",
                         where=str(path))
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    mapper = _Mapper(path)
    with tempfile.TemporaryDirectory(prefix="peninsula-sort-") as tmp:
        join = subprocess.Popen(_sort_cmd(tmp), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, env=_sort_env())
        try:
            out = join.stdin
            with _sorted_ntriples(path, fmt, tmp) as lines:
                for s, group in groupby(_triples(lines), key=lambda t: t[0]):
                    pos = [(p, o) for _, p, o in group]
                    if (TYPE, STATEMENT_NT) in pos:
                        spo, eprops = mapper.statement(s, pos)
                        out.write(f"{spo[0]}\t{spo[1]}\t{spo[2]}\tS\t{json.dumps(eprops, ensure_ascii=False)}\n"
                                  .encode())
                        continue
                    node, asserted = mapper.node(s, pos)
                    for src, p, dst in asserted:
                        out.write(f"{src}\t{p}\t{dst}\tA\n".encode())
                    yield "node", node
            out.close()
            records = (line.rstrip(b"\n").decode("utf-8").split("\t", 4) for line in join.stdout)
            for spo, group in groupby(records, key=lambda r: (r[0], r[1], r[2])):
                for edge in mapper.edges(spo, [r[3:] for r in group]):
                    yield "edge", edge
        finally:
            if not join.stdin.closed:
                join.stdin.close()
            join.stdout.close()
            if join.poll() is None:
                join.kill()
            join.wait()
