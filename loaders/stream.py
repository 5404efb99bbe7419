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
   no asserted triple is an error, exactly as in ``to_property_graph``. The joined stream is cut
   into chunks at triple boundaries and joined by the same workers.
4. A writer may pass an `encode` function (`stream_batches`): the workers then hand back each
   chunk in the writer's wire format (FalkorDB's GRAPH.BULK records, graph/falkor_bulk.py), so
   the encoding runs in parallel and no dict crosses between processes. The workers are forked
   before either sort starts, so none holds a pipe of the other processes.

5. A file already sorted as `sort` would sort it (Peninsula's N-Triples exports are) need not
   wait for the first sort, which reads the whole file before the first chunk comes out:
   `presorted_first` reads it as it is, each chunk checked to be in order, and reads it again
   sorted if a line is out of order (or an input error comes up while the nodes are mapped); the
   caller undoes what the first reading wrote. Only sorted order will do, not just each subject's
   lines together: nodes are numbered in the order they are sent, and relationships, which the
   join sorts by their source's key, go into FalkorDB's matrices far faster in that same order
   (a 10M-triple file grouped by subject but not sorted loaded in 199 s read as it was, 92 s sorted).

So nodes stream out first (all of them), then relationships; memory is the sort buffers plus
a few chunks. What cannot be checked in bounded memory here is left to the store: a
relationship whose end is not a node is reported by the writer (``peninsula.graph.bulk``).
The sorting and chunking are ``loaders.ntlines``'; what each triple becomes is ``loaders.codec``'s,
shared with the normal mapping.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from rdflib import RDF, URIRef

from peninsula.loaders import ntlines
from peninsula.loaders.codec import DATA, KEYREF, LINK, SAMEAS, TYPE, Edge, Node, codec
from peninsula.loaders.collector import without_collector
from peninsula.loaders.formats import STREAMED, RdfFormat, guess_format
from peninsula.ontology import InputError
from peninsula.ontology.model import GRAPH_KEY, WIKIDATA

CHUNK = ntlines.CHUNK  # bytes of sorted N-Triples decoded and matched at a time
KEY_CACHE = 200_000  # node keys remembered by term (then forgotten: memory stays bounded)
PARALLEL_ABOVE = 16_000_000  # bytes: larger files are mapped in worker processes (see _workers)
TYPE_IRI, STATEMENT_NT = str(RDF.type), f"<{RDF.Statement}>"
REIFY = {str(RDF.subject): 0, str(RDF.predicate): 1, str(RDF.object): 2}
_first = itemgetter(0)


def _is_literal(o) -> bool:
    return o[0] == '"' if isinstance(o, str) else True


class _Mapper:
    """Maps one subject's text rows at a time by the codec (``loaders.codec``), with node keys
    cached by N-Triples term. The hot loop does one dict lookup per triple for what the predicate
    does (the codec's `Handler`), and one per literal for the rule of its language or datatype."""

    def __init__(self, path: Path):
        self.codec = codec()
        self.path = path
        self.handlers = self.codec.handlers
        self.keys: dict = {}  # N-Triples term -> node key
        self.statement_table: dict = dict(REIFY)  # predicate IRI -> its place in a statement, or its handler

    def where(self, term: str) -> str:
        return f"{self.path} {term}"

    def graph(self, s: str, rows: list) -> str | None:
        """The one graph of a subject's (or statement's) N-Quads rows, as its GRAPH_KEY value (None for
        the default graph); triples in several graphs are refused (`Codec.one_graph`)."""
        names = {r[3] for r in rows}
        c = self.codec
        if len(names) == 1:
            return c.graph_value_nt(names.pop())
        statement = (s, TYPE_IRI, STATEMENT_NT) in {r[:3] for r in rows}
        return c.one_graph(self.key(s), {c.graph_value_nt(n) for n in names}, statement, self.where(s))

    def key(self, term) -> str:
        """An IRI or blank node in N-Triples form -> node key (`Codec.key_nt`); remembered (up to
        KEY_CACHE terms) in `self.keys`, which callers read first."""
        if not isinstance(term, str) or term[0] == '"':
            raise InputError(f"expected an IRI, got the literal {term}", where=str(self.path))
        key = self.codec.key_nt(term)
        if len(self.keys) >= KEY_CACHE:
            self.keys.clear()
        self.keys[term] = key
        return key

    def ref(self, h, o, s: str) -> str:
        if _is_literal(o):
            raise InputError(f"{h.prop.name} links to an entity, got the literal {o}", where=self.where(s),
                             field=h.prop.name)
        return self.keys.get(o) or self.key(o)

    def values(self, h, p: str, o, s: str, multi: dict) -> None:
        """A DATA, KEYREF or SAMEAS triple's value -> `multi` (graph key -> values)."""
        code = h.code
        if code == DATA:
            k, v = self.codec.decode_nt(h, o, self.where, s)
        elif code == KEYREF:
            k, v = h.prop.key, self.ref(h, o, s)
        elif code == SAMEAS:
            if _is_literal(o) or not o[1:-1].startswith(WIKIDATA):
                raise InputError(f"owl:sameAs only links Wikidata items, got {o}", where=self.where(s), field="owl:sameAs")
            k, v = "wikidata", o[1 + len(WIKIDATA):-1]
        else:
            raise InputError(f"unknown property <{p}>", where=self.where(s), field=p)
        if k in multi:
            multi[k].append(v)
        else:
            multi[k] = [v]

    def node(self, s: str, rows: list, graph: str | None) -> tuple[Node, list]:
        """One entity's triples -> (node, [(src, predicate IRI, dst) asserted relationships])."""
        c, where = self.codec, self.where
        classes, multi, asserted = [], {}, []
        src = self.key(s)
        handlers, keys = self.handlers, self.keys
        for _, p, o in rows:
            h = handlers.get(p) or c.handler(p)
            code = h[0]
            if code == DATA:
                k, v = c.decode_nt(h, o, where, s)
                if k in multi:
                    multi[k].append(v)
                else:
                    multi[k] = [v]
            elif code == LINK:
                if _is_literal(o):
                    raise InputError(f"{h.prop.name} links to an entity, got the literal {o}", where=where(s),
                                     field=h.prop.name)
                asserted.append((src, p, keys.get(o) or self.key(o)))
            elif code == TYPE:
                cls = c.class_name(o[1:-1]) if not _is_literal(o) and o[0] == "<" else None
                if cls is None:
                    if s[0] == "<":  # the cause, when the file was exported under another PENINSULA_BASE
                        c.refuse_foreign_base([(URIRef(s[1:-1]), RDF.type, None)], where(s))
                    raise InputError(f"unknown class {o}", where=where(s), field="rdf:type")
                classes.append(cls)
            else:
                self.values(h, p, o, s, multi)
        if not classes:
            raise InputError("entity has no class (rdf:type)", where=where(s), field="rdf:type")
        classes.sort()
        return c.node(src, classes, multi, graph), asserted

    def statement(self, s: str, rows: list, graph: str | None) -> tuple[tuple, dict]:
        """One rdf:Statement's triples -> ((src, predicate IRI, dst), annotations incl. key)."""
        c = self.codec
        parts: list = [[], [], []]
        multi: dict = {}
        table, keys, where = self.statement_table, self.keys, self.where
        for _, p, o in rows:
            h = table.get(p)
            if h is None:
                h = table[p] = c.handler(p)
            elif type(h) is int:  # rdf:subject, rdf:predicate or rdf:object
                parts[h].append(o)
                continue
            if h[0] == TYPE:
                continue
            prop = h[1]
            if prop is None or not prop.on_relationship:
                raise InputError(f"<{p}> cannot annotate a relationship", where=where(s), field=p)
            self.values(h, p, o, s, multi)
        if any(len(x) != 1 for x in parts) or _is_literal(parts[1][0]):
            raise InputError("a statement needs exactly one rdf:subject, rdf:predicate and rdf:object",
                             where=self.where(s))
        eprops = c.collapse(multi, {"key": self.key(s), GRAPH_KEY: graph} if graph is not None else {"key": self.key(s)})
        a, b = parts[0][0], parts[2][0]
        return (keys.get(a) or self.key(a), parts[1][0][1:-1], keys.get(b) or self.key(b)), eprops

    def edges(self, data: bytes) -> list[Edge]:
        """The join of whole triples' sorted records: per triple, its asserted record (A, with its
        subject's graph, if named) and its statements (S, each one relationship), in one pass. A
        triple's records are together and its A sorts before its S (the kind follows the triple)."""
        loads = _loads
        out: list[Edge] = []
        spo = asserted = None  # the triple of the last A record, and its graph field ('' if none)
        stmts: list = []
        for line in data.decode("utf-8").split("\n"):
            if not line:
                continue
            f = line.split("\t", 4)
            if f[3] == "A":
                if spo is not None:
                    self._flush(spo, asserted, stmts, out)
                spo, asserted, stmts = f[:3], f[4] if len(f) > 4 else "", []
            elif spo is not None and f[:3] == spo:
                stmts.append(loads(f[4]))
            else:
                raise InputError(f"statement about a triple that is not asserted: {f[0]} <{f[1]}> {f[2]}",
                                 where=f"{self.path} <{loads(f[4])['key']}>")
        if spo is not None:
            self._flush(spo, asserted, stmts, out)
        return out

    def _flush(self, spo: list, graph: str, stmts: list, out: list) -> None:
        """One triple's relationships: one per statement (by key), or one plain relationship."""
        src, p, dst = spo
        prop = self.codec.handler(p).prop
        if not stmts:
            out.append(self.codec.plain_edge(src, prop, dst, graph or None))
            return
        if len(stmts) > 1:
            stmts.sort(key=lambda e: e["key"])
        rel_type = prop.rel_type
        out += [{"type": rel_type, "key": e["key"], "src": src, "dst": dst, "props": e} for e in stmts]


def _map_rows(mapper: _Mapper, rows: list, dumps, quads: bool = False,
              once: bool = False) -> tuple[list[Node], list[str]]:
    """Rows of whole subjects -> their nodes, and the join records (a statement with its
    annotations, or an asserted relationship triple) for the second sort. N-Quads rows (`quads`):
    each subject's graph is kept (GRAPH_KEY), the asserted record carries it for a plain relationship.
    `once`: rows read from the file as it is, not made unique by `sort -u`, so a line given twice
    in a run counts once."""
    nodes, records = [], []
    graph = None
    for s, group in groupby(rows, key=_first):
        triples = list(group)
        if once and len(triples) > 1:
            triples = list(dict.fromkeys(triples))
        if quads:
            graph = mapper.graph(s, triples)
            triples = [r[:3] for r in triples]
        if (s, TYPE_IRI, STATEMENT_NT) in triples:
            spo, eprops = mapper.statement(s, triples, graph)
            records.append(f"{spo[0]}\t{spo[1]}\t{spo[2]}\tS\t{dumps(eprops)}\n")
            continue
        node, asserted = mapper.node(s, triples, graph)
        if graph is not None:
            records.extend(f"{a}\t{p}\t{b}\tA\t{graph}\n" for a, p, b in asserted)
        else:
            records.extend(f"{a}\t{p}\t{b}\tA\n" for a, p, b in asserted)
        nodes.append(node)
    return nodes, records


def _dumps_function():
    """A statement's annotations -> JSON text, as `JSONEncoder(ensure_ascii=False).encode` writes it: by
    the C encoder made once, where `encode` makes a new one each call (1.9 where 3.3-5.3 µs a statement)."""
    encoder = json.JSONEncoder(ensure_ascii=False, check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator (another Python)
        return encoder.encode
    c_encode = make(None, encoder.default, json.encoder.encode_basestring, None, encoder.key_separator,
                    encoder.item_separator, False, False, True)
    return lambda value: "".join(c_encode(value, 0))


_DUMPS = _dumps_function()
_SCAN = json.JSONDecoder().scan_once  # the C scanner: `json.loads` matches whitespace around it first


def _loads(text: str):
    """One record's annotations (`_DUMPS` wrote them: no space around) -> the dict."""
    value, end = _SCAN(text, 0)
    if end != len(text):
        raise ValueError(f"extra data in a join record: {text[end:end + 40]!r}")
    return value
_WORKER_MAPPER: dict = {}


def _identity(kind: str, elements: list) -> list:
    return elements


def _mapper(path: str) -> _Mapper:
    """This process's mapper of the file (a worker maps many chunks of one file)."""
    mapper = _WORKER_MAPPER.get(path)
    if mapper is None:
        _WORKER_MAPPER.clear()
        mapper = _WORKER_MAPPER[path] = _Mapper(Path(path))
    return mapper


@without_collector
def _map_chunk(mapper: _Mapper | str, data: bytes, quads: bool, encode, presorted: bool = False) -> tuple:
    """One chunk of whole subjects -> (its nodes, encoded; how many; the join records; and for a
    chunk read `presorted` from the file as it is, its first and last lines, or None if its lines
    are out of order)."""
    mapper = _mapper(mapper) if isinstance(mapper, str) else mapper
    ends = None
    if presorted:
        lines = data.rstrip(b"\n").split(b"\n")
        if lines != sorted(lines):
            return None, 0, b"", None
        ends = (lines[0], lines[-1])
    nodes, records = _map_rows(mapper, ntlines.chunk_rows(data, mapper.path, quads), _DUMPS, quads, presorted)
    return encode("node", nodes), len(nodes), "".join(records).encode(), ends


@without_collector
def _join_chunk(mapper: _Mapper | str, data: bytes, quads: bool, encode) -> tuple:
    """One chunk of the join's sorted records (whole triples) -> (its relationships, encoded; how many)."""
    mapper = _mapper(mapper) if isinstance(mapper, str) else mapper
    edges = mapper.edges(data)
    return encode("edge", edges), len(edges)


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


class _Chunks:
    """Runs a chunk function here, or in `workers` forked processes with at most two chunks each in
    flight (memory stays bounded); results in chunk order either way."""

    def __init__(self, mapper: _Mapper, workers: int):
        self.mapper, self.workers, self.pool = mapper, workers, None

    def start(self) -> None:
        """Fork the workers now, before the sort processes' pipes exist: a worker holding the write
        end of the join's input would keep `sort` waiting for its end forever."""
        if self.workers > 1 and self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
            self.pool.submit(int).result()  # the pool forks all its workers with the first task

    def map(self, fn, chunks: Iterator[bytes], *args) -> Iterator[tuple]:
        if self.workers <= 1:
            for data in chunks:
                yield fn(self.mapper, data, *args)
            return
        self.start()
        from collections import deque

        pending: deque = deque()
        for data in chunks:
            pending.append(self.pool.submit(fn, str(self.mapper.path), data, *args))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def __enter__(self) -> _Chunks:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


class NotSorted(Exception):
    """A stream read `presorted` met a line out of order, or an error that a chunk read out of
    order could cause: read the file again, sorted (`presorted_first` does)."""


SORTED_SAMPLE = CHUNK  # bytes at the start of a file (the first chunk) that must be in order


def may_be_sorted(path: Path | str, fmt: str | RdfFormat | None = None) -> bool:
    """Whether the file is read as it is first (`stream_batches(presorted=True)`): N-Triples and
    N-Quads, whose lines `sort` would read as they are, if their first chunk is in order."""
    path = Path(path)
    if not guess_format(path, fmt).line_based:
        return False
    with path.open("rb") as f:
        lines = f.read(SORTED_SAMPLE).split(b"\n")[:-1]
    return lines == sorted(lines)


def presorted_first(attempt, path: Path | str, fmt: str | RdfFormat | None = None):
    """`attempt(presorted)`, first reading the file as it is where it may be sorted already (as
    Peninsula's N-Triples exports are), and sorted if a line is out of order: the first `sort`
    reads the whole file before the mapping can start. `attempt` must leave everything as it found
    it when it raises."""
    if may_be_sorted(path, fmt):
        try:
            return attempt(True)
        except NotSorted:
            pass
    return attempt(False)


def stream_batches(path: Path | str, fmt: str | RdfFormat | None = None, encode=_identity,
                   presorted: bool = False) -> Iterator[tuple[str, object, int]]:
    """Yield ("node", nodes, count) for every chunk of entities, then ("edge", relationships, count):
    the dicts of ``to_property_graph``, or what `encode(kind, elements)` makes of them. `encode`
    runs where the chunk is mapped (in the worker processes for a large file), so a writer can have
    its wire format made in parallel (graph.falkor_bulk.encode); it must be a picklable function.

    Memory stays bounded whatever the file size. TriG and N-Quads keep their named graphs as
    ``to_property_graph`` does (GRAPH_KEY; a subject or statement with triples in several graphs
    is refused).

    `presorted` (N-Triples and N-Quads only): the file is read as it is, not sorted first, on the
    promise that its lines are in the order `sort` (C locale) gives. A line out of order, or an
    input error while the nodes are mapped (a chunk out of order may cause it), raises NotSorted,
    after nodes may have been yielded: the caller undoes them and reads again sorted
    (`presorted_first`). A line given twice counts once, as `sort -u` makes it.
    """
    path = Path(path)
    fmt = guess_format(path, fmt)
    if not fmt.streams:
        raise InputError(f"streaming load reads {', '.join(STREAMED)}, not {fmt.name}; use the normal load",
                         where=str(path))
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    if presorted and not fmt.line_based:
        raise ValueError(f"only line-based formats are read as they are, not {fmt.name}")
    chunks = _Chunks(_Mapper(path), _workers(path))
    with chunks, tempfile.TemporaryDirectory(prefix="peninsula-sort-") as tmp:
        join = subprocess.Popen(ntlines.sort_cmd(tmp), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, env=ntlines.sort_env())
        try:
            out = join.stdin
            last = b""
            with (path.open("rb") if presorted else ntlines.sorted_lines(path, fmt, tmp)) as lines:
                try:
                    for nodes, n, records, ends in chunks.map(_map_chunk, ntlines.subject_chunks(lines, CHUNK),
                                                              fmt.named_graphs, encode, presorted):
                        if presorted:
                            if ends is None or ends[0] < last:
                                raise NotSorted(f"{path}: a line is out of order")
                            last = ends[1]
                        out.write(records)
                        yield "node", nodes, n
                except InputError as exc:
                    if presorted:
                        raise NotSorted(f"{path}: {exc}") from exc
                    raise
            out.close()
            for edges, n in chunks.map(_join_chunk, ntlines.record_chunks(join.stdout, CHUNK), fmt.named_graphs, encode):
                yield "edge", edges, n
        finally:
            if not join.stdin.closed:
                join.stdin.close()
            join.stdout.close()
            if join.poll() is None:
                join.kill()
            join.wait()


def stream_graph(path: Path | str, fmt: str | RdfFormat | None = None, presorted: bool = False) -> Iterator[tuple[str, dict]]:
    """Yield ("node", node) for every entity, then ("edge", edge) for every relationship
    (`stream_batches`, one element at a time)."""
    for kind, elements, _ in stream_batches(path, fmt, presorted=presorted):
        for element in elements:
            yield kind, element
