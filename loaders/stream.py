"""Streaming RDF -> property graph for files too large to hold: bounded memory, same mapping.

The mapping of ``peninsula.loaders.mapping`` needs two things a plain stream does not give:
all triples of one subject together (to build a node), and each ``rdf:Statement`` joined to
the triple it annotates, which may come before it, after it, or anywhere in the file. Both are
solved by sorting on disk, never by holding the graph:

1. GNU ``sort -u`` (C locale, bounded buffer, spilling to temporary files) reads an N-Triples
   file itself; any other format pyoxigraph parses and writes to ``sort`` as N-Triples. The
   output has every subject's triples contiguous, duplicates removed. TriG and N-Quads travel as
   N-Quads lines (an N-Quads file is sorted as it is), so each subject's named graph is kept
   (``GRAPH_KEY``, as ``mapping.to_property_graph`` keeps it) and a subject or statement with
   triples in several graphs is refused, never merged.
2. The sorted stream is cut into chunks of about 4 MB at subject boundaries. In each chunk one
   regular expression matches every line in the plain form (lines with escapes, comments or odd
   spacing go through pyoxigraph one by one, and a bad one is reported with its line number in
   the file); each subject's run becomes a node, or a statement. A node gives one *asserted*
   record per relationship triple, a statement one *statement* record with its annotations;
   both go into a second ``sort`` keyed on the triple. Large files are mapped by two worker
   processes (forked, chunks in order, two in flight each): the per-triple Python work is
   what a load spends its time on.
3. That second sort is a sort-merge join: a triple with statements becomes one relationship
   per statement, a triple without becomes one ``triple/`` relationship, and a statement with
   no asserted triple is an error, exactly as in ``to_property_graph``.

So nodes stream out first (all of them), then relationships; memory is the sort buffers plus
a few chunks. What cannot be checked in bounded memory here is left to the store: a
relationship whose end is not a node is reported by the writer (``peninsula.graph.bulk``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain, groupby
from operator import itemgetter
from pathlib import Path

from rdflib import RDF, XSD, Literal, URIRef

from peninsula.loaders.formats import STREAMED, RdfFormat, guess_format
from peninsula.loaders.guard import MAX_TEXT, text_problem
from peninsula.loaders.mapping import (
    DATE_PATTERNS,
    GENID,
    NUMERIC,
    literal_to_value,
    prop_for_key,
    triple_key,
)
from peninsula.ontology import InputError, base_iri, load
from peninsula.ontology.model import GRAPH_KEY

SORT_BUFFER = os.environ.get("PENINSULA_SORT_BUFFER", "256M")
CHUNK = 1 << 22  # bytes of sorted N-Triples decoded and matched at a time
KEY_CACHE = 200_000  # node keys remembered by term (then forgotten: memory stays bounded)
PARALLEL_ABOVE = 16_000_000  # bytes: larger files are mapped in worker processes (see _workers)
TYPE, STATEMENT_NT = str(RDF.type), f"<{RDF.Statement}>"
REIFY = {str(RDF.subject): 0, str(RDF.predicate): 1, str(RDF.object): 2}
STRING, DATES = str(XSD.string), {str(d) for d in DATE_PATTERNS}  # the date datatypes (ontology.temporal)
SAMEAS = "http://www.w3.org/2002/07/owl#sameAs"
_IRI_BODY = r'[A-Za-z][A-Za-z0-9+.\-]*:[^<>"{}|^`\\\x00-\x20]*'
_IRI = rf"<{_IRI_BODY}>"
_BNODE = r"_:[A-Za-z0-9_][A-Za-z0-9_.\-]*"
# a literal without escapes, control characters (loaders.guard refuses them) or more than MAX_TEXT characters
_OBJECT = (rf'{_IRI}|{_BNODE}|"[^"\\\x00-\x08\x0a-\x1f\x7f-\x9f]{{0,{MAX_TEXT}}}"'
           rf'(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^{_IRI})?')
# One triple in the plain form pyoxigraph and Peninsula write: one space apart, no escapes; the
# predicate is captured without its brackets. Any other line (escapes, tabs, comments) is parsed
# by pyoxigraph itself. ROWS matches a whole chunk of such lines at once (one C call, no objects).
CANONICAL = re.compile(rf"({_IRI}|{_BNODE}) <({_IRI_BODY})> ({_OBJECT}) \.\n?")
ROWS = re.compile(rf"^({_IRI}|{_BNODE}) <({_IRI_BODY})> ({_OBJECT}) \.$", re.M)
# the same for N-Quads (TriG and N-Quads input): a fourth group, the graph name ('' for the default graph)
CANONICAL_QUAD = re.compile(rf"({_IRI}|{_BNODE}) <({_IRI_BODY})> ({_OBJECT})(?: ({_IRI}|{_BNODE}))? \.\n?")
ROWS_QUAD = re.compile(rf"^({_IRI}|{_BNODE}) <({_IRI_BODY})> ({_OBJECT})(?: ({_IRI}|{_BNODE}))? \.$", re.M)
_first = itemgetter(0)
_SUBJECT = re.compile(rb"([^ \t\r\n]+)[ \t]")
_spo = itemgetter(0, 1, 2)

# what a predicate does, in _Mapper.handler
_TYPE, _SAMEAS, _DATA, _SOURCE, _LINK, _UNKNOWN = range(6)


def _sort_cmd(tmp: str) -> list[str]:
    exe = shutil.which("sort")
    if exe is None:
        raise InputError("streaming load needs the `sort` program (GNU coreutils); use the normal load instead")
    return [exe, "-u", "-S", SORT_BUFFER, "-T", tmp]


def _sort_env() -> dict:
    return {**os.environ, "LC_ALL": "C"}


def _line_number(path: Path, line: bytes) -> int | None:
    """Where a line of the sorted stream was in the file (only asked when reporting an error)."""
    line = line.rstrip(b"\r\n")
    with path.open("rb") as f:
        for lineno, raw in enumerate(f, 1):
            if raw.rstrip(b"\r\n") == line:
                return lineno
    return None


@contextmanager
def _sorted_ntriples(path: Path, fmt: RdfFormat, tmp: str):
    """A binary stream of the file as unique N-Triples lines (N-Quads lines for TriG and N-Quads:
    a named graph is kept), sorted (so grouped by subject).

    An N-Triples or N-Quads file is sorted as it is, by `sort` reading it itself (lines are checked
    after); any other format is parsed by pyoxigraph and written to `sort` as N-Triples (N-Quads)."""
    import pyoxigraph

    if fmt.line_based:
        proc = subprocess.Popen([*_sort_cmd(tmp), "--", str(path)], stdout=subprocess.PIPE, env=_sort_env())
    else:
        proc = subprocess.Popen(_sort_cmd(tmp), stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_sort_env())
        try:
            quads = pyoxigraph.parse(path=str(path), format=fmt.ox_format)
            if fmt.named_graphs:
                pyoxigraph.serialize(quads, proc.stdin, format=pyoxigraph.RdfFormat.N_QUADS)
            else:
                pyoxigraph.serialize((q.triple for q in quads), proc.stdin, format=pyoxigraph.RdfFormat.N_TRIPLES)
        except SyntaxError as exc:
            proc.kill()
            raise InputError(f"malformed {fmt.parser}: {exc}", where=f"{path}:{exc.lineno}" if exc.lineno else str(path)) from None
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
        code = proc.wait()
    if code > 0:
        raise InputError(f"`sort` failed (exit status {code}) on the file", where=str(path))


def _slow_rows(data: bytes, path: Path, quads: bool = False) -> list:
    """Sorted lines that are not all in the plain form: one by one, through pyoxigraph where needed.

    A literal parsed by pyoxigraph travels as its term (escapes decoded); IRIs as N-Triples text.
    N-Quads (`quads`): each row has a fourth item, the graph name as N-Triples text ('' if none)."""
    import pyoxigraph

    canonical = CANONICAL_QUAD if quads else CANONICAL
    syntax, name = (pyoxigraph.RdfFormat.N_QUADS, "N-Quads") if quads else (pyoxigraph.RdfFormat.N_TRIPLES, "N-Triples")
    rows = []
    for raw in data.splitlines(keepends=True):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            lineno = _line_number(path, raw)
            raise InputError(f"not UTF-8 ({exc.reason})", where=f"{path}:{lineno}" if lineno else str(path)) from None
        m = canonical.fullmatch(line)
        if m is not None:
            rows.append(m.groups("") if quads else m.groups())
            continue
        try:
            parsed = list(pyoxigraph.parse(raw, format=syntax))
        except SyntaxError as exc:
            lineno = _line_number(path, raw)
            raise InputError(f"malformed {name}: {exc}", where=f"{path}:{lineno}" if lineno else str(path)) from None
        for q in parsed:
            t = q.triple
            o = t.object
            if isinstance(o, pyoxigraph.Literal):
                problem = text_problem(o.value)  # what loaders.guard refuses in every reader
                if problem:
                    lineno = _line_number(path, raw)
                    raise InputError(problem, where=f"{path}:{lineno}" if lineno else f"{path} {t.subject}",
                                     field=t.predicate.value.rsplit("#", 1)[-1])
            row = (str(t.subject), t.predicate.value, o if isinstance(o, pyoxigraph.Literal) else str(o))
            if quads:
                row += ("" if isinstance(q.graph_name, pyoxigraph.DefaultGraph) else str(q.graph_name),)
            rows.append(row)
    return rows


def _subject_chunks(stream) -> Iterator[bytes]:
    """Sorted N-Triples in pieces of about CHUNK bytes, each cut where a subject's lines begin
    (so every subject's triples are in one piece; a subject larger than CHUNK makes a larger one)."""
    rest = b""
    while data := stream.read(CHUNK):
        data = rest + data
        end = data.rfind(b"\n") + 1
        cut = _last_subject_start(data, end) if end else 0
        if cut == 0:
            rest = data
            continue
        yield data[:cut]
        rest = data[cut:]
    if rest:
        yield rest


def _last_subject_start(data: bytes, end: int) -> int:
    """Where the lines of the subject of the last complete line (ending at `end`) begin."""
    start = data.rfind(b"\n", 0, end - 1) + 1
    m = _SUBJECT.match(data, start, end)
    if m is None:
        return start
    token = m.group(1)
    while start > 0:
        prev = data.rfind(b"\n", 0, start - 1) + 1
        if not (data.startswith(token, prev) and data[prev + len(token):prev + len(token) + 1] in (b" ", b"\t")):
            break
        start = prev
    return start


def _chunk_rows(data: bytes, path: Path, quads: bool = False) -> list:
    """Whole sorted lines -> (subject, predicate IRI, object) text rows: one regular expression
    over the chunk where every line is plain, else line by line. The subject and object keep
    their N-Triples form; the predicate is the bare IRI. N-Quads (`quads`): a fourth item, the
    graph name in N-Triples form, '' for the default graph."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _slow_rows(data, path, quads)
    rows = (ROWS_QUAD if quads else ROWS).findall(text)
    return rows if len(rows) == text.count("\n") else _slow_rows(data, path, quads)


def _records(stream) -> Iterator[list]:
    """The join's sorted tab-separated records, a chunk of lists at a time."""
    rest = b""
    while data := stream.read(CHUNK):
        data = rest + data
        cut = data.rfind(b"\n") + 1
        data, rest = data[:cut], data[cut:]
        yield [line.split("\t", 4) for line in data.decode("utf-8").split("\n")[:-1]]
    if rest:
        yield [line.split("\t", 4) for line in rest.decode("utf-8").splitlines()]


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
    """Maps one subject's triples at a time, with every ontology lookup cached by IRI.

    The hot loop does one dict lookup per triple for what the predicate does, and one per
    literal for what its (predicate, language or datatype) pair becomes."""

    def __init__(self, path: Path):
        self.ont = load()
        self.path = path
        self.base = base_iri()
        self.handlers: dict = {}
        self.keys: dict = {}  # N-Triples term -> node key
        self.classes: dict = {}
        self.labels: dict = {}  # classes -> labels
        self.many: dict = {}

    def where(self, term: str) -> str:
        return f"{self.path} {term}"

    def graph(self, s: str, rows: list) -> str:
        """The one graph of a subject's (or statement's) N-Quads rows, as its GRAPH_KEY value ('' for
        the default graph); triples in several graphs are refused, as `mapping.to_property_graph` does."""
        names = {r[3] for r in rows}
        if len(names) > 1:
            what = "statement" if (s, TYPE, STATEMENT_NT) in {r[:3] for r in rows} else "subject"
            listed = ", ".join(sorted(f"<{self.graph_value(n)}>" if n else "the default graph" for n in names))
            raise InputError(f"the {what} {self.key(s)} has triples in {len(names)} graphs ({listed}); a node or "
                             "statement keeps one graph, so put all its triples in one", where=self.where(s),
                             field=GRAPH_KEY)
        return self.graph_value(names.pop())

    def graph_value(self, name: str) -> str:
        """A graph name in N-Triples form -> the GRAPH_KEY value (mapping.graph_value); '' stays ''."""
        if not name:
            return ""
        return self.base + GENID + name[2:] if name[0] == "_" else name[1:-1]

    def key(self, term) -> str:
        """An IRI or blank node in N-Triples form -> node key, as mapping.key_of does; remembered
        (up to KEY_CACHE terms) in `self.keys`, which callers read first."""
        if not isinstance(term, str) or term[0] == '"':
            raise InputError(f"expected an IRI, got the literal {term}", where=str(self.path))
        if term[0] == "_":
            key = GENID + term[2:]
        else:
            key = iri = term[1:-1]
            if iri.startswith(self.base):
                rest = iri[len(self.base):]
                if ":" not in rest:
                    key = rest
        if len(self.keys) >= KEY_CACHE:
            self.keys.clear()
        self.keys[term] = key
        return key

    def handler(self, p: str, s: str) -> tuple:
        h = self.handlers.get(p)
        if h is None:
            if p == TYPE:
                h = (_TYPE, None, {})
            elif p == SAMEAS:
                h = (_SAMEAS, None, {})
            else:
                prop = self.ont.by_iri(p)
                if prop is None:
                    h = (_UNKNOWN, None, {})
                elif prop.kind == "datatype":
                    h = (_DATA, prop, {})  # the dict: literal suffix -> literal_rule
                elif prop.name == "source":
                    h = (_SOURCE, prop, {})
                else:
                    h = (_LINK, prop, {})
            self.handlers[p] = h
        return h

    def literal_rule(self, prop, suffix: str):
        """(graph key, None or the date pattern to check) for values taking the fast path, else None."""
        rule = None
        if suffix.startswith("@"):
            if prop.is_lang:
                lang = suffix[1:].lower().replace("-", "_")
                rule = (prop.key if lang == "en" else f"{prop.key}_{lang}", None)
        elif not prop.is_lang:
            dt = suffix[3:-1] if suffix else STRING
            if prop.is_date:
                if dt in DATES:
                    rule = (prop.key, DATE_PATTERNS[URIRef(dt)])
            elif dt == str(prop.range or XSD.string) and (prop.range or XSD.string) not in NUMERIC:
                rule = (prop.key, None)
        return rule

    def value(self, h: tuple, o, s) -> tuple[str, object]:
        """A literal's (graph key, value) for the predicate handler `h`: the common cases by the
        cached rule for its language or datatype, the rest as mapping does it."""
        prop = h[1]
        if isinstance(o, str):
            if o[0] != '"':
                raise InputError(f"{prop.name} needs a literal, got {o}", where=self.where(s), field=prop.name)
            end = o.rindex('"')
            suffix = o[end + 1:]
            rule = h[2].get(suffix, False)
            if rule is False:
                rule = h[2][suffix] = self.literal_rule(prop, suffix)
            if rule is not None:
                text = o[1:end]
                if rule[1] is None or rule[1].match(text):
                    return rule[0], text
        text, lang, dt = _literal(o)
        lit = Literal(text, lang=lang) if lang else Literal(text, datatype=URIRef(dt))
        return literal_to_value(lit, prop, self.where(s))

    def collapse(self, props: dict, multi: dict) -> dict:
        """As mapping._collapse: multi-valued properties always lists, others scalars unless repeated."""
        many = self.many
        for k, vs in multi.items():
            m = many.get(k)
            if m is None:
                prop = prop_for_key(self.ont, k)
                m = many[k] = prop is not None and prop.multi
            props[k] = sorted(vs, key=repr) if m or len(vs) > 1 else vs[0]
        return props

    def node(self, s: str, rows: list) -> tuple[dict, list]:
        """One entity's triples -> (node, [(src, predicate IRI, dst) asserted relationships])."""
        where = self.where
        classes, multi, asserted = [], {}, []
        src = self.key(s)
        handlers, keys = self.handlers, self.keys
        for _, p, o in rows:
            h = handlers.get(p) or self.handler(p, s)
            code = h[0]
            if code == _DATA:
                k, v = self.value(h, o, s)
                if k in multi:
                    multi[k].append(v)
                else:
                    multi[k] = [v]
            elif code == _SOURCE:
                if _is_literal(o):
                    raise InputError(f"source links to an entity, got the literal {o}", where=where(s), field="source")
                multi.setdefault("sources", []).append(keys.get(o) or self.key(o))
            elif code == _LINK:
                if _is_literal(o):
                    raise InputError(f"{h[1].name} links to an entity, got the literal {o}", where=where(s),
                                     field=h[1].name)
                asserted.append((src, p, keys.get(o) or self.key(o)))
            elif code == _TYPE:
                cls = self.classes.get(o) if isinstance(o, str) else None
                if cls is None:
                    cls = self.ont.class_of_iri(o[1:-1]) if not _is_literal(o) else None
                    if cls is None:
                        raise InputError(f"unknown class {o}", where=where(s), field="rdf:type")
                    self.classes[o] = cls
                classes.append(cls.name)
            elif code == _SAMEAS:
                from peninsula.ontology.model import WIKIDATA

                if _is_literal(o) or not o[1:-1].startswith(WIKIDATA):
                    raise InputError(f"owl:sameAs only links Wikidata items, got {o}", where=where(s), field="owl:sameAs")
                multi.setdefault("wikidata", []).append(o[1 + len(WIKIDATA):-1])
            else:
                raise InputError(f"unknown property <{p}>", where=where(s), field=p)
        if not classes:
            raise InputError("entity has no class (rdf:type)", where=where(s), field="rdf:type")
        classes.sort()
        ckey = tuple(classes)
        labels = self.labels.get(ckey)
        if labels is None:
            labels = self.labels[ckey] = list(self.ont.labels(classes))
        props = self.collapse({"key": src, "class": classes[0] if len(classes) == 1 else classes}, multi)
        return {"key": src, "labels": list(labels), "props": props}, asserted

    def statement(self, s: str, rows: list) -> tuple[tuple, dict]:
        """One rdf:Statement's triples -> ((src, predicate IRI, dst), annotations incl. key)."""
        parts: list = [[], [], []]
        multi: dict = {}
        handlers, keys = self.handlers, self.keys
        for _, p, o in rows:
            if p in REIFY:
                parts[REIFY[p]].append(o)
                continue
            h = handlers.get(p) or self.handler(p, s)
            code = h[0]
            if code == _TYPE:
                continue
            ann = h[1]
            if ann is None or not ann.on_relationship:
                raise InputError(f"<{p}> cannot annotate a relationship", where=self.where(s), field=p)
            if code == _SOURCE:
                multi.setdefault("sources", []).append(keys.get(o) or self.key(o))
            else:
                k, v = self.value(h, o, s)
                if k in multi:
                    multi[k].append(v)
                else:
                    multi[k] = [v]
        if any(len(x) != 1 for x in parts) or _is_literal(parts[1][0]):
            raise InputError("a statement needs exactly one rdf:subject, rdf:predicate and rdf:object",
                             where=self.where(s))
        eprops = self.collapse({"key": self.key(s)}, multi)
        a, b = parts[0][0], parts[2][0]
        return (keys.get(a) or self.key(a), parts[1][0][1:-1], keys.get(b) or self.key(b)), eprops

    def edges(self, spo: tuple, records: list) -> list[dict]:
        """The join of one triple: its asserted record (if any; with its subject's graph, if named)
        and its statements."""
        src, p, dst = spo
        asserted = next((r for r in records if r[0] == "A"), None)
        stmts = [json.loads(r[1]) for r in records if r[0] == "S"]
        if asserted is None:
            raise InputError(f"statement about a triple that is not asserted: {src} <{p}> {dst}",
                             where=f"{self.path} <{stmts[0]['key']}>")
        prop = self.handler(p, src)[1]
        if not stmts:
            key = triple_key(src, prop.name, dst)
            props = {"key": key, GRAPH_KEY: asserted[1]} if len(asserted) > 1 and asserted[1] else {"key": key}
            return [{"type": prop.rel_type, "key": key, "src": src, "dst": dst, "props": props}]
        if len(stmts) > 1:
            stmts.sort(key=lambda e: e["key"])
        return [{"type": prop.rel_type, "key": e["key"], "src": src, "dst": dst, "props": e} for e in stmts]


def _map_rows(mapper: _Mapper, rows: list, dumps, quads: bool = False) -> tuple[list[dict], list[str]]:
    """Rows of whole subjects -> their nodes, and the join records (a statement with its
    annotations, or an asserted relationship triple) for the second sort. N-Quads rows (`quads`):
    each subject's graph is kept (GRAPH_KEY), the asserted record carries it for a plain relationship."""
    nodes, records = [], []
    graph = ""
    for s, group in groupby(rows, key=_first):
        triples = list(group)
        if quads:
            graph = mapper.graph(s, triples)
            triples = [r[:3] for r in triples]
        if (s, TYPE, STATEMENT_NT) in triples:
            spo, eprops = mapper.statement(s, triples)
            if graph:
                eprops[GRAPH_KEY] = graph
            records.append(f"{spo[0]}\t{spo[1]}\t{spo[2]}\tS\t{dumps(eprops)}\n")
            continue
        node, asserted = mapper.node(s, triples)
        if graph:
            node["props"][GRAPH_KEY] = graph
            records.extend(f"{a}\t{p}\t{b}\tA\t{graph}\n" for a, p, b in asserted)
        else:
            records.extend(f"{a}\t{p}\t{b}\tA\n" for a, p, b in asserted)
        nodes.append(node)
    return nodes, records


_DUMPS = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
_WORKER_MAPPER: dict = {}


def _map_chunk(path: str, data: bytes, quads: bool = False) -> tuple[list[dict], bytes]:
    """In a worker process: one chunk of whole subjects -> (nodes, join records)."""
    mapper = _WORKER_MAPPER.get(path)
    if mapper is None:
        _WORKER_MAPPER.clear()
        mapper = _WORKER_MAPPER[path] = _Mapper(Path(path))
    nodes, records = _map_rows(mapper, _chunk_rows(data, mapper.path, quads), _DUMPS, quads)
    return nodes, "".join(records).encode()


def _workers(path: Path) -> int:
    """Mapping processes: PENINSULA_MAP_WORKERS if set, else 2 on a machine with 2 cores or more
    for a file above PARALLEL_ABOVE bytes, else 1 (in this process). Workers are forked: the
    caller (graph.bulk) starts its writer thread only after them."""
    import multiprocessing
    import threading

    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1  # workers are forked (spawning would re-run the caller's script), never beside threads
    if os.environ.get("PENINSULA_MAP_WORKERS"):
        return max(1, int(os.environ["PENINSULA_MAP_WORKERS"]))
    return 2 if (os.cpu_count() or 1) >= 2 and path.stat().st_size > PARALLEL_ABOVE else 1


def _mapped_chunks(chunks: Iterator[bytes], mapper: _Mapper, workers: int,
                   quads: bool = False) -> Iterator[tuple[list, bytes]]:
    """(nodes, join records) per chunk, in chunk order: here, or in `workers` processes with at
    most two chunks each in flight (memory stays bounded)."""
    if workers <= 1:
        for data in chunks:
            nodes, records = _map_rows(mapper, _chunk_rows(data, mapper.path, quads), _DUMPS, quads)
            yield nodes, "".join(records).encode()
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        pending: deque = deque()
        for data in chunks:
            pending.append(pool.submit(_map_chunk, str(mapper.path), data, quads))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def stream_graph(path: Path | str, fmt: str | RdfFormat | None = None) -> Iterator[tuple[str, dict]]:
    """Yield ("node", node) for every entity, then ("edge", edge) for every relationship.

    The dicts are those of ``to_property_graph``; memory stays bounded whatever the file size.
    TriG and N-Quads keep their named graphs as ``to_property_graph`` does (GRAPH_KEY; a subject
    or statement with triples in several graphs is refused).
    """
    path = Path(path)
    fmt = guess_format(path, fmt)
    if not fmt.streams:
        raise InputError(f"streaming load reads {', '.join(STREAMED)}, not {fmt.name}; use the normal load",
                         where=str(path))
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    mapper = _Mapper(path)
    workers = _workers(path)
    with tempfile.TemporaryDirectory(prefix="peninsula-sort-") as tmp:
        join = subprocess.Popen(_sort_cmd(tmp), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, env=_sort_env())
        try:
            out = join.stdin
            with _sorted_ntriples(path, fmt, tmp) as lines:
                for nodes, records in _mapped_chunks(_subject_chunks(lines), mapper, workers, fmt.named_graphs):
                    out.write(records)
                    for node in nodes:
                        yield "node", node
            out.close()
            for spo, group in groupby(chain.from_iterable(_records(join.stdout)), key=_spo):
                for edge in mapper.edges(spo, [r[3:] for r in group]):
                    yield "edge", edge
        finally:
            if not join.stdin.closed:
                join.stdin.close()
            join.stdout.close()
            if join.poll() is None:
                join.kill()
            join.wait()
