"""Export from a store back to RDF, in every format; the inverse of the loaders' mapping."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

from rdflib import Graph

from peninsula.graph.files import replacing
from peninsula.loaders.collector import without_collector
from peninsula.loaders.formats import export_format
from peninsula.loaders.mapping import edge_quads, node_quads
from peninsula.loaders.rdf import NamedGraphs, to_dataset
from peninsula.ontology import PEN, StoreError, base_iri, load
from peninsula.ontology.model import GRAPH_KEY

XSD_STRING_IRI = "http://www.w3.org/2001/XMLSchema#string"
PREFIXES = {"pen": str(PEN), "id": base_iri(), "xsd": "http://www.w3.org/2001/XMLSchema#",
            "owl": "http://www.w3.org/2002/07/owl#", "wd": "http://www.wikidata.org/entity/"}
# one prefix per key prefix of the ontology's classes (state:PRK, unscr:1718, src:...) and for
# statements, so a person reading the Turtle sees keys rather than full IRIs
# A key prefix that is also a vocabulary prefix of the ontology file (org: is W3C ORG there) is bound
# under its class's name instead (organization:unsc), so no prefix means two things.
_VOCABULARY = {p for p, _ in load().graph.namespaces()}
_KEY_SPACES = {c.key_prefix: c.name.lower() for c in load().classes.values() if c.key_prefix} | {"stmt": "stmt"}
PREFIXES |= {(p if p not in _VOCABULARY else name): f"{base_iri()}{p}/" for p, name in sorted(_KEY_SPACES.items())
             if p not in PREFIXES}


def to_graph(store, keys: set | None = None) -> Graph:
    """The store (or the subgraph on `keys`) as an rdflib graph that remembers named graphs."""
    ont = load()
    g = NamedGraphs(bind_namespaces="core")  # only rdf/rdfs/xsd/owl: rdflib's other defaults (org:, ...) would take our names
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    graph_of = {}  # node key -> its named graph, where it has one
    # in key order: the serializers follow the graph's insertion order, so the same data gives the
    # same bytes whatever order a store returns it in
    for node in sorted(store.nodes(), key=lambda n: n["key"]):
        if keys is None or node["key"] in keys:
            if node["props"].get(GRAPH_KEY) is not None:
                graph_of[node["key"]] = node["props"][GRAPH_KEY]
            for q in node_quads(node["props"], ont):
                g.add_quad(*q)
    for edge in sorted(store.edges(), key=lambda e: (e["src"], e["type"], e["dst"], e["props"].get("key", ""))):
        if keys is None or (edge["src"] in keys and edge["dst"] in keys):
            for q in edge_quads(edge["src"], edge["type"], edge["dst"], edge["props"], ont, graph_of.get(edge["src"])):
                g.add_quad(*q)
    return g


def serialize(graph: Graph, fmt: str) -> str:
    """The graph in the export format named `fmt` (loaders/formats.py), in a fixed order where the
    format allows one: the same data gives the same bytes."""
    f = export_format(fmt)
    if f.triple_terms:
        from peninsula.loaders.rdf12 import to_turtle12

        return to_turtle12(graph)
    if f.named_graphs:  # each triple in its named graph (the default graph if none)
        text = to_dataset(graph, PREFIXES).serialize(format=f.serializer)
    elif f.name == "jsonld":
        return _sorted_json_ld(graph.serialize(format=f.serializer, auto_compact=True, context=json_ld_context()))
    else:
        text = graph.serialize(format=f.serializer)
    return _sorted_lines(text) if f.line_based else text


def _sorted_lines(text: str) -> str:
    """N-Triples / N-Quads with their lines sorted: one triple a line, so order carries no meaning."""
    return "".join(sorted(set(text.splitlines(keepends=True)) - {"\n"}))


def _sorted_json_ld(text: str) -> str:
    """JSON-LD with its nodes sorted by @id and keys sorted: the same graph, the same bytes."""
    import json

    doc = json.loads(text)
    graph_key = next((k for k in ("@graph", "graph") if isinstance(doc, dict) and k in doc), None)
    if graph_key is not None:
        doc[graph_key] = sorted((_sorted_values(n) for n in doc[graph_key]),
                                key=lambda n: json.dumps(n.get("@id", n.get("id", "")), ensure_ascii=False))
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _sorted_values(node):
    """A JSON-LD node with each property's values in a fixed order (they are a set; @list is not)."""
    import json

    if isinstance(node, dict):
        return {k: (v if k == "@list" else _sorted_values(v)) for k, v in node.items()}
    if isinstance(node, list):
        return sorted((_sorted_values(v) for v in node), key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return node


def json_ld_context() -> dict:
    """The JSON-LD @context of the exports: the prefixes, and one term per ontology class and
    property (``"name"``, ``"partyTo"``, ``"State"``), so the JSON reads as plain JSON: links are
    ``{"@id": ...}``-typed terms, numbers and booleans carry their XSD type, dates keep theirs
    (xsd:date, xsd:gYearMonth or xsd:gYear) on each value."""
    from rdflib import RDF

    ont = load()
    ctx: dict = dict(PREFIXES)
    ctx["rdf"] = str(RDF)
    for cls in sorted(ont.classes):
        ctx[cls] = f"pen:{cls}"
    for name, prop in sorted(ont.properties.items()):
        term: dict = {"@id": f"pen:{name}"}
        if prop.kind == "object":
            term["@type"] = "@id"
        elif prop.range is not None and not prop.is_date and not prop.is_lang and str(prop.range) != str(XSD_STRING_IRI):
            term["@type"] = str(prop.range)
        ctx[name] = term
    return ctx


def export(store, fmt: str, out: Path | str | None = None, keys: set | None = None) -> str:
    """The store (or the subgraph on `keys`) in format `fmt`; formats with named graphs (TriG, N-Quads)
    hold derived knowledge apart in ``<base>graph/derived`` (`derived_apart`) and each loaded dataset's
    contribution in ``<base>graph/dataset/NAME`` (`datasets_apart`)."""
    from peninsula.graph.named_graphs import to_named_graphs

    graph = to_named_graphs(store, keys) if export_format(fmt).named_graphs else to_graph(store, keys)
    text = serialize(graph, fmt)
    if out is not None:
        from peninsula.graph.files import write_text_safely

        write_text_safely(out, text)  # by rename: a symlink at `out` is replaced, never followed
    return text


# ---------------------------------------------------------------------------- streaming exports
class _NTriples:
    """N-Triples lines straight from a node's or relationship's properties, by string formatting.

    The same triples as `node_triples` / `edge_triples` (the tests compare them by isomorphism):
    the codec (``loaders.codec``) writes the values; this writes each asserted triple once. A string
    appended to `out` may hold several lines (a statement's four are made at once)."""

    def __init__(self, ont, recent: int | None = 4096):
        from collections import OrderedDict

        from peninsula.loaders.codec import EDGE_SKIP, NODE_SKIP, TRIPLE, codec

        self.codec = codec(ont)
        self.term, self.values = self.codec.nt, self.codec.nt_values
        self.node_skip, self.edge_skip, self.triple = NODE_SKIP, EDGE_SKIP, TRIPLE
        self.type = f"<{RDF_NS}type>"
        # what follows a statement's term in its four lines: rdf:type rdf:Statement, subject, predicate, object
        self.reified = (f" {self.type} <{RDF_NS}Statement> .\n", f" <{RDF_NS}subject> ", " .\n",
                        f" <{RDF_NS}predicate> ", f" <{RDF_NS}object> ")
        self.predicates: dict = {}  # relationship type -> its predicate in N-Triples
        self.terms: dict = {}  # node key -> its term, for the ends of relationships (at most TERMS kept)
        # asserted triples written, per source node (parallel relationships, such as two rounds
        # of talks, share theirs: written once). FalkorDB gives a node's relationships together,
        # so few sources are held; `recent` sources at most (None: all, for stores that do not)
        self.asserted: OrderedDict = OrderedDict()
        self.recent = recent

    TERMS = 1 << 16

    def node(self, props: dict, out: list) -> None:
        s = self.term(props["key"])
        classes = props.get("class")
        for cls in classes if isinstance(classes, list) else [classes]:
            out.append(f"{s} {self.type} <{PEN}{cls}> .\n")
        self.values(s, props, self.node_skip, out)

    def _end(self, key: str) -> str:
        """A relationship's end as a term, kept for the next relationships (most share their ends)."""
        if len(self.terms) >= self.TERMS:
            self.terms.clear()
        term = self.terms[key] = self.term(key)
        return term

    def edge(self, edge: dict, out: list, statement_out: list | None = None) -> None:
        """A relationship's asserted triple (once per source) into `out`, its statement's lines (if it
        has one) into `statement_out` (`out` if None)."""
        src, dst, terms = edge["src"], edge["dst"], self.terms
        p = self.predicates.get(edge["type"])
        if p is None:
            p = self.predicates[edge["type"]] = f"<{self.codec.ont.rel_types[edge['type']].iri}>"
        s, o = terms.get(src) or self._end(src), terms.get(dst) or self._end(dst)
        asserted = f"{s} {p} {o} .\n"
        seen = self.asserted.get(src)
        if seen is None:
            if self.recent is not None and len(self.asserted) >= self.recent:
                self.asserted.popitem(last=False)  # the source seen longest ago
            seen = self.asserted[src] = set()
        if asserted not in seen:
            seen.add(asserted)
            out.append(asserted)
        props = edge["props"]
        key = props.get("key", "")
        if key.startswith(self.triple):
            return
        st = self.term(key)
        a, b, end, c, d = self.reified
        out = out if statement_out is None else statement_out
        out.append(f"{st}{a}{st}{b}{s}{end}{st}{c}{p}{end}{st}{d}{o}{end}")
        self.values(st, props, self.edge_skip, out)


RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _prefetched(store, part=None, depth: int = 4, ids=None):
    """("node", [node, ...])... then ("edge", [edge, ...])..., chunks of up to 2,000 (of the nodes in
    `part`, k of n interleaved parts of the internal ids, if given, and the relationships leaving
    them; `ids`: the store's `id_range()`, if already read) read by a thread while the caller formats
    them, so the engine's work overlaps ours; at most `depth` chunks wait (memory stays flat)."""
    import queue
    import threading

    chunks: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def read():
        try:
            for kind, items in (("node", store.scan_nodes(ids=ids, part=part)),
                                ("edge", store.scan_edges(ids=ids, part=part))):
                chunk = []
                for item in items:
                    chunk.append(item)
                    if len(chunk) == 2000:
                        chunks.put((kind, chunk))
                        chunk = []
                        if stop.is_set():
                            return
                chunks.put((kind, chunk))
            chunks.put(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            chunks.put(exc)

    thread = threading.Thread(target=read, name="peninsula-export-reader", daemon=True)
    thread.start()
    try:
        while (chunk := chunks.get()) is not None:
            if isinstance(chunk, BaseException):
                raise chunk
            yield chunk
    finally:
        stop.set()
        while thread.is_alive():  # let the reader finish its page and see `stop`
            try:
                chunks.get(timeout=0.1)
            except queue.Empty:
                pass
        thread.join()


def _write_lines(store, files: list, part=None, progress=None, pivots: tuple = (), ids=None) -> int:
    """Write the N-Triples of the store (of the nodes in `part`, with `ids`, as for `_prefetched`, and
    the relationships leaving them) to the text files `files`, each line into the file of its
    subject's range: the subjects below `pivots[0]` into the first, and so on (`pivots`: one subject
    term fewer than `files`, ascending; none for one file); returns the number of lines."""
    from bisect import bisect_right

    # a scan that gives each source's relationships together needs to remember only the last sources'
    writer = _NTriples(load(), recent=4096 if store.capabilities.edges_by_source else None)
    node, edge, term, terms, end = writer.node, writer.edge, writer.term, writer.terms, writer._end
    n = 0
    outs: list[list[str]] = [[] for _ in files]
    first = outs[0]
    held = 0
    for kind, items in _prefetched(store, part, ids=ids):
        if kind == "node":
            for element in items:
                props = element["props"]
                node(props, outs[bisect_right(pivots, term(props["key"]))] if pivots else first)
        else:
            for element in items:
                if pivots:
                    src, key = element["src"], element["props"].get("key", "")
                    edge(element, outs[bisect_right(pivots, terms.get(src) or end(src))],
                         outs[bisect_right(pivots, term(key))])
                else:
                    edge(element, first)
        held += len(items)
        if held > 4000:
            n += sum(_flush(f, lines, progress) for f, lines in zip(files, outs, strict=True))
            held = 0
    return n + sum(_flush(f, lines, progress) for f, lines in zip(files, outs, strict=True))


def _flush(f, lines: list[str], progress=None) -> int:
    """Write the strings (each of one or more lines) to `f`, and empty the list; returns the number
    of lines."""
    text = "".join(lines)
    lines.clear()
    f.write(text)
    n = text.count("\n")
    if progress:
        progress(n)
    return n


def _forked_half(store, part, fds: list[int], conn, pivots: tuple = (), ids=None) -> None:
    """In a forked process: one half of the export into the open (unnamed) files `fds`, one per range
    of subjects (`_write_lines`); the line count (or the error) to `conn`."""
    from contextlib import ExitStack

    try:
        with ExitStack() as stack:
            files = [stack.enter_context(os.fdopen(os.dup(fd), "w", encoding="utf-8", newline="\n")) for fd in fds]
            conn.send(("ok", _write_lines(store, files, part, pivots=pivots, ids=ids)))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


FORK_ABOVE = 20000  # nodes: above, write_ntriples splits the work with a forked process


def _can_fork(store) -> bool:
    import multiprocessing
    import threading

    can = store.capabilities
    return (can.id_ranges and can.fork_safe and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


SORTS = 2  # `sort` processes of a large sorted export, each sorting one range of the subjects at once
SAMPLE = 500  # nodes whose lines, and their relationships', place the ranges' bounds


def _pivots(store, ids: tuple[int, int] | None) -> tuple[str, ...]:
    """Subject terms that cut a large export's lines into SORTS ranges of about the same size, for
    as many `sort` processes to sort at once (`_write_sorted`); none for a small store, a machine
    with one core or a store that cannot be sampled by internal ids. Weighed on a sample: every
    n-th node id, the lines of each node and of the relationships leaving it (an asserted triple
    under its source, a statement's lines under its own term). Where the bounds fall changes how
    the work is shared, never the file. `ids`: the store's `id_range()`, None where it has none."""
    from peninsula.loaders.codec import TRIPLE, codec

    if (os.cpu_count() or 1) < 2 or ids is None or ids[1] - ids[0] <= FORK_ABOVE:
        return ()
    term = codec(load()).nt
    nodes, edges = store.sample(SAMPLE, ids)
    weights: Counter[str] = Counter()
    for key, size in nodes:  # about a line a property: the class gives the type line, the key none, a list more
        weights[term(key)] += size
    for src, key, size in edges:
        weights[term(src)] += 1
        if not key.startswith(TRIPLE):  # type, subject, predicate, object, and the values but the key
            weights[term(key)] += 3 + size
    total, seen, pivots = sum(weights.values()), 0, []
    for subject, w in sorted(weights.items()):
        if seen >= total * (len(pivots) + 1) / SORTS and len(pivots) < SORTS - 1:
            pivots.append(subject)
        seen += w
    return tuple(pivots)


@without_collector
def write_ntriples(store, out: Path | str, *, progress=None, sort: bool = True) -> int:
    """The whole store as N-Triples, page by page (memory flat in the store's size); returns the
    number of lines, one per triple (an asserted triple shared by parallel relationships, each with
    its own statement, is written once). With `sort` (the default) the lines are sorted by GNU
    ``sort`` in the C locale, spilling to disk, as the other exports sort theirs: the same data gives
    the same bytes whatever order the store holds it in. Written to a fresh file beside `out`, then
    renamed over it (a symlink at `out` is replaced, never followed). `progress(n)` hears of the
    lines as they are written."""
    import shutil
    from contextlib import ExitStack

    out = Path(out)
    # read once (a pass over every node) for the sample, the fork and both halves' scans
    ids = store.id_range() if store.capabilities.id_ranges else None
    pivots = _pivots(store, ids) if sort else ()
    # the forked half's lines (see _write_store) wait in unnamed files, one per range of subjects: no
    # name to plant a link at
    with replacing(out) as f, ExitStack() as stack:
        parts = [stack.enter_context(tempfile.TemporaryFile(dir=out.parent)) for _ in range(len(pivots) + 1)]
        if sort:
            return _write_sorted(store, f, parts, out.parent, progress, pivots, ids)
        n = _write_store(store, [f], parts, progress, ids=ids)
        f.flush()
        parts[0].seek(0)
        shutil.copyfileobj(parts[0], f.buffer, 1 << 22)
        return n


def _write_sorted(store, f, parts: list, folder: Path, progress=None, pivots: tuple = (), ids=None) -> int:
    """`_write_store` through GNU ``sort -u``, one `sort` per range of subjects (`pivots`), all at
    once: this process's lines go to each through a pipe as they are made, the forked half's from
    `parts` after them (sort reads its inputs in turn, and this pipe ends only once that half is
    written); nothing is written whole and read back before sorting. The first range's sorted lines
    go straight into `f`, each other's into a file of its own, added after them. Ranges of subjects
    cut the lines of one sorted file, so no merge is needed: two sorts of half the lines each take
    0.70-0.88 s where one of them all takes 1.12-1.49 s (1M lines; `sort` reads and writes in one
    thread whatever its --parallel)."""
    import io
    import shutil
    import subprocess
    from contextlib import ExitStack

    from peninsula.loaders.ntlines import sort_cmd, sort_env

    with tempfile.TemporaryDirectory(dir=folder) as spill:
        f.flush()
        procs, sorted_files = [], [Path(spill) / f"range-{i}" for i in range(1, len(parts))]
        try:
            for i, part in enumerate(parts):
                target = open(sorted_files[i - 1], "xb") if i else f  # noqa: SIM115 - closed once sort has it
                try:
                    procs.append(subprocess.Popen([*sort_cmd(spill), "-", f"/dev/fd/{part.fileno()}"],
                                                  stdin=subprocess.PIPE, stdout=target, stderr=subprocess.PIPE,
                                                  env=sort_env(), pass_fds=(part.fileno(),)))
                finally:
                    if i:
                        target.close()
            n = None
            try:
                with ExitStack() as pipes:
                    files = [pipes.enter_context(io.TextIOWrapper(p.stdin, encoding="utf-8", newline="\n"))
                             for p in procs]
                    n = _write_store(store, files, parts, progress, pivots, ids)
            except BrokenPipeError:
                pass  # a sort ended early: its own message follows
            errors = [p.stderr.read() for p in procs]
            failed = [e for p, e in zip(procs, errors, strict=True) if p.wait() != 0]
        except BaseException:
            for p in procs:
                p.kill()
                p.wait()
            raise
        if failed or n is None:
            said = next((e.decode(errors="replace").strip() for e in failed if e.strip()), "it ended early")
            raise StoreError(f"export: `sort` failed: {said}")
        out = f.buffer
        out.seek(0, os.SEEK_END)  # after the first range, which its `sort` wrote
        for path in sorted_files:
            with open(path, "rb") as sorted_range:
                shutil.copyfileobj(sorted_range, out, 1 << 22)
    return n


def _write_store(store, files: list, parts: list, progress=None, pivots: tuple = (), ids=None) -> int:
    """The store's N-Triples lines into the open text files `files`, one per range of subjects
    (`pivots`; `_write_lines`), in the store's order. On a store that
    scans by internal ids and survives a fork (FalkorDB) a forked process writes half of them (the odd
    node ids, and their relationships) meanwhile into the binary files `parts` (one per range too),
    which the caller adds to the rest: reading and decoding the store's answers is most of the work,
    and the engine serves both. Odd and even ids share the work evenly, where two halves of the ids
    did not: nodes made together, such as the states, which hold most relationships, have
    neighbouring ids (`progress` hears of the forked half's lines all at once when it is done). `ids`:
    the store's `id_range()` (`write_ntriples` reads it once), None for a store without one."""
    child, conn = None, None
    try:
        lo, hi = ids if ids is not None and _can_fork(store) else (0, 0)
        if hi - lo > FORK_ABOVE:
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            conn, child_conn = ctx.Pipe(duplex=False)
            child = ctx.Process(target=_forked_half, args=(store, (1, 2), [p.fileno() for p in parts], child_conn,
                                                           pivots, ids), daemon=True)
            child.start()
            child_conn.close()
            n = _write_lines(store, files, (0, 2), progress, pivots, ids)
            status, value = conn.recv()
            child.join()
            if status != "ok":
                raise StoreError(f"export: the forked half failed: {value}")
            n += value
            if progress:
                progress(value)
        else:
            n = _write_lines(store, files, progress=progress, pivots=pivots, ids=ids)
    except BaseException:
        if child is not None and child.is_alive():
            child.kill()
        raise
    finally:
        if conn is not None:
            conn.close()
    return n
