"""Loading large RDF files: the streamed mapping written in batches, in bulk where the store is empty.

`load_stream(store, path)` reads the file through `peninsula.loaders.stream` (memory bounded
by sort buffers and one batch), and writes while it maps: a writer thread sends each batch to
the store while the main thread maps the next (the engine runs in another process, so the two
overlap). Into an empty FalkorDB every element is new and goes in through FalkorDB's bulk insert
protocol (`GRAPH.BULK`, binary, no Cypher), the indexes built once at the end; into an empty
Neo4j with CREATE. Otherwise each batch is compared in the engine with what it holds (only the
keys of new or changed elements come back): new ones are created, changed ones merged,
unchanged ones skipped, so a reload of the same file writes nothing.

Unlike `build.load_rdf` this path does not run pySHACL (which needs the whole graph in memory);
it checks what the mapping checks (classes, properties, datatypes, statements), and that every
relationship's ends exist, in the file or already in the store.
"""

from __future__ import annotations

import queue
import struct
import threading
import time
from pathlib import Path

from peninsula.graph.build import Report
from peninsula.graph.store import Counters, Store
from peninsula.loaders.stream import stream_graph
from peninsula.ontology import InputError, StoreError, load

BATCH = 10000
_I64, _F64, _U32 = struct.Struct("<q").pack, struct.Struct("<d").pack, struct.Struct("<I").pack
_ENDS = struct.Struct("<QQ").pack


class _Writer:
    """One thread that runs store writes in order; at most `depth` batches wait for it."""

    def __init__(self, depth: int = 2):
        self.tasks: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="peninsula-writer", daemon=True)
        self.thread.start()

    def _run(self):
        while True:
            task = self.tasks.get()
            if task is None:
                return
            if self.error is None:
                try:
                    task()
                except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                    self.error = exc

    def submit(self, task) -> None:
        self._raise()
        self.tasks.put(task)

    def close(self) -> None:
        self.tasks.put(None)
        self.thread.join()
        self._raise()

    def _raise(self):
        if self.error is not None:
            raise self.error


def _check_ends(store: Store, edges: list[dict], created: int, asked: int, path: Path) -> None:
    """Fewer relationships created than asked: name the first missing end."""
    if created >= asked:
        return
    keys = sorted({k for e in edges for k in (e["src"], e["dst"])})
    missing = store.query("UNWIND $keys AS k OPTIONAL MATCH (n:Entity {key: k}) WITH k, n WHERE n IS NULL "
                          "RETURN k LIMIT 1", {"keys": keys})
    if not missing:
        return
    key = missing[0]["k"]
    edge = next((e for e in edges if key in (e["src"], e["dst"])), edges[0])
    raise InputError(f"dangling reference: {edge['src']} -{edge['type']}-> {edge['dst']}: {key} is not defined "
                     "in the file nor in the store", where=str(path), field=edge["type"])


def _encode(v, out: list) -> None:
    """One property value in GRAPH.BULK's binary form: a type byte, then the value."""
    t = type(v)
    if t is str:
        if "\x00" in v:
            raise StoreError("FalkorDB cannot store the character U+0000 (NUL); remove it from the input, "
                             f"in {v[:60]!r}")
        out.append(b"\x03" + v.encode("utf-8") + b"\x00")
    elif t is list:
        out.append(b"\x05" + _I64(len(v)))
        for x in v:
            _encode(x, out)
    elif t is bool:
        out.append(b"\x01\x01" if v else b"\x01\x00")
    elif t is int:
        out.append(b"\x04" + _I64(v))
    elif t is float:
        out.append(b"\x02" + _F64(v))
    elif v is None:
        out.append(b"\x00")
    else:
        raise StoreError(f"cannot store a value of type {t.__name__}: {v!r:.60}")


def _token(name: str, rows: list[dict], ends=None) -> bytes:
    """One GRAPH.BULK token: a header (label(s) or type, property names), then one record per row."""
    columns = list(dict.fromkeys(k for r in rows for k in r["props"]))
    out = [name.encode("utf-8") + b"\x00" + _U32(len(columns)) + b"".join(c.encode("utf-8") + b"\x00" for c in columns)]
    append = out.append
    for i, r in enumerate(rows):
        if ends is not None:
            append(ends[i])
        props = r["props"]
        for c in columns:
            v = props.get(c)
            if type(v) is str and "\x00" not in v:  # the common case, inline
                append(b"\x03" + v.encode("utf-8") + b"\x00")
            else:
                _encode(v, out)
    return b"".join(out)


class _FalkorBulk:
    """FalkorDB's bulk insert protocol (GRAPH.BULK, what falkordb-bulk-loader speaks) into an empty
    store: no Cypher to parse, no index lookup per relationship, no index maintained while loading.

    The graph is created by the first call (BEGIN), so nodes get the ids 0, 1, 2, ... in the order
    sent; relationships name their ends by those ids, kept here as key -> id (the one structure
    that grows with the input: ~100 bytes a node, 4 MB for the 1M-triple benchmark file). The
    key indexes are created once all nodes are in, before the first relationship."""

    def __init__(self, store: Store, path: Path):
        self.store, self.path = store, path
        self.ont = load()
        self.command = store.graph.execute_command
        self.name = store.graph.name
        self.ids: dict[str, int] = {}
        self.begun = False
        self.node_indexes = False

    def _send(self, n_nodes: int, n_edges: int, node_tokens: list, edge_tokens: list) -> None:
        if not self.begun:  # a token with no rows: the labels exist in the order ensure_schema gives them
            labels = ["Entity", *sorted(set(self.ont.classes) - {"Entity"})]
            node_tokens = [":".join(labels).encode("utf-8") + b"\x00" + _U32(0), *node_tokens]
        args = ["GRAPH.BULK", self.name, *(["BEGIN"] if not self.begun else []), n_nodes, n_edges,
                len(node_tokens), len(edge_tokens), *node_tokens, *edge_tokens]
        try:
            self.command(*args)
        except Exception as exc:  # noqa: BLE001 - redis errors of several kinds
            raise StoreError(f"FalkorDB refused the bulk insert: {exc}") from exc
        self.begun = True

    def nodes(self, rows: list[dict]) -> Counters:
        groups: dict = {}
        for n in rows:
            if n["key"] in self.ids:
                raise InputError(f"two subjects map to the node key {n['key']}", where=str(self.path))
            groups.setdefault(tuple(n["labels"]), []).append(n)
        for labels in groups:
            for label in labels:
                if label not in self.ont.classes:
                    raise StoreError(f"refusing to write unknown label {label!r}")
        tokens = [_token(":".join(labels), group) for labels, group in groups.items()]
        self._send(len(rows), 0, tokens, [])
        ids, next_id = self.ids, len(self.ids)
        for group in groups.values():
            for n in group:
                ids[n["key"]] = next_id
                next_id += 1
        return Counters(nodes_created=len(rows))

    def edges(self, rows: list[dict]) -> Counters:
        if not self.node_indexes:  # all nodes are in: their key indexes build (in the background) while
            # the relationships go in, which maintain their own key index as they arrive (cheaper inside
            # GRAPH.BULK than building it after the last one and waiting for it)
            self.node_indexes = True
            for label in ["Entity", *sorted(set(self.ont.classes) - {"Entity"})]:
                try:
                    self.store.execute(f"CREATE INDEX FOR (n:`{label}`) ON (n.key)")
                except StoreError:
                    pass  # already indexed
            for rel_type in sorted(self.ont.rel_types):
                try:
                    self.store.execute(f"CREATE INDEX FOR ()-[r:`{rel_type}`]-() ON (r.key)")
                except StoreError:
                    pass  # already indexed
        ids = self.ids
        groups: dict = {}
        for e in rows:
            src, dst = ids.get(e["src"]), ids.get(e["dst"])
            if src is None or dst is None:
                missing = e["src"] if src is None else e["dst"]
                raise InputError(f"dangling reference: {e['src']} -{e['type']}-> {e['dst']}: {missing} is not "
                                 "defined in the file", where=str(self.path), field=e["type"])
            groups.setdefault(e["type"], ([], []))
            groups[e["type"]][0].append(e)
            groups[e["type"]][1].append(_ENDS(src, dst))
        for rel_type in groups:
            if rel_type not in self.ont.rel_types:
                raise StoreError(f"refusing to write unknown relationship type {rel_type!r}")
        tokens = [_token(rel_type, group, ends) for rel_type, (group, ends) in groups.items()]
        self._send(0, len(rows), [], tokens)
        return Counters(relationships_created=len(rows))

    def finish(self) -> None:
        """Check that the ids are the ones counted; wait for the indexes `ensure_schema` started."""
        if self.ids:
            key, i = max(self.ids.items(), key=lambda kv: kv[1])
            got = self.store.query("MATCH (n) WHERE id(n) = $i RETURN n.key AS k", {"i": i})
            if got != [{"k": key}]:
                raise StoreError(f"bulk insert: node id {i} is not {key}; clear the store and load again")
        _wait_for_indexes(self.store)


def _wait_for_indexes(store: Store, timeout: float = 600.0) -> None:
    """FalkorDB builds an index in the background: wait until every one is operational."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = store.query("CALL db.indexes() YIELD status RETURN status", write=True)
        if all("UNDER CONSTRUCTION" not in str(r["status"]) for r in rows):
            return
        time.sleep(0.02)


def _bulk_writer(store: Store, path: Path) -> _FalkorBulk | None:
    """The bulk writer for an empty FalkorDB store (its empty graph is dropped: BEGIN creates it)."""
    if store.dialect != "falkordb" or getattr(store, "graph", None) is None:
        return None
    try:
        store.graph.delete()
    except Exception:  # noqa: BLE001 - no graph yet
        pass
    return _FalkorBulk(store, path)


def load_stream(store: Store, path: Path | str, fmt: str | None = None, *, batch: int = BATCH,
                progress=None) -> Report:
    """Stream an RDF file into the store: bounded memory, CREATE for new elements, MERGE otherwise."""
    path = Path(path)
    fresh = not store.query("MATCH (n) RETURN 1 AS x LIMIT 1")
    bulk = _bulk_writer(store, path) if fresh else None
    total = Counters()
    counts = {"node": 0, "edge": 0}
    writer: _Writer | None = None  # started with the first batch: the mapping's worker processes are
    # forked before it (stream.py), never from a process that runs other threads

    def write(kind: str, rows: list[dict]):
        nonlocal writer
        def task():
            nodes, edges = (rows, []) if kind == "node" else ([], rows)
            if bulk is not None:
                c = bulk.nodes(nodes) if nodes else bulk.edges(edges)
            elif fresh:
                c = store.create(nodes, edges, batch)
                _check_ends(store, edges, c.relationships_created, len(edges), path)
            else:
                c, asked = store.upsert(nodes, edges, batch)
                _check_ends(store, edges, c.relationships_created, asked, path)
            total.add(c)
            if progress:
                progress(len(rows))
        if writer is None:
            writer = _Writer()
        writer.submit(task)

    rows: list[dict] = []
    kind = "node"
    try:
        for element_kind, element in stream_graph(path, fmt):
            if element_kind != kind:
                if rows:
                    write(kind, rows)
                rows, kind = [], element_kind
            rows.append(element)
            counts[element_kind] += 1
            if len(rows) >= batch:
                write(kind, rows)
                rows = []
        if rows:
            write(kind, rows)
    finally:
        try:
            if writer is not None:
                writer.close()
        finally:
            if bulk is not None:
                store.ensure_schema()  # the indexes, built once over everything (also after a failure)
    if bulk is not None:
        bulk.finish()
    return Report(nodes=counts["node"], edges=counts["edge"], counters=total, files=[str(path)])
