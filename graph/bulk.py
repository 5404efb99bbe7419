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

A load is all or nothing. Into an empty store a failure at any point empties it again (the bulk
graph dropped, the indexes it had recreated): checking first would cost a second mapping pass,
and the empty state is cheap to restore. Into a store with data nothing is written before the
whole file is mapped and checked (a first, read-only pass whose batches are spilled to a
temporary file, so the writing pass does not map again).
"""

from __future__ import annotations

import pickle
import queue
import struct
import tempfile
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
            self.store.ensure_schema()  # every index the store wants, each label's fields at once
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
    store.drop()
    return _FalkorBulk(store, path)


def _batches(elements, batch: int):
    """("node" | "edge", rows) batches of at most `batch` elements of one kind, in stream order."""
    rows: list[dict] = []
    kind = "node"
    for element_kind, element in elements:
        if element_kind != kind:
            if rows:
                yield kind, rows
            rows, kind = [], element_kind
        rows.append(element)
        if len(rows) >= batch:
            yield kind, rows
            rows = []
    if rows:
        yield kind, rows


def _write_all(batches, task) -> dict:
    """Run `task(kind, rows)` for each batch in the writer thread while the next batch is made;
    the counts of nodes and relationships.

    The thread starts with the first batch: the mapping's worker processes are forked before it
    (stream.py), never from a process that runs other threads."""
    writer: _Writer | None = None
    counts = {"node": 0, "edge": 0}
    try:
        for kind, rows in batches:
            counts[kind] += len(rows)
            if writer is None:
                writer = _Writer()
            writer.submit(lambda kind=kind, rows=rows: task(kind, rows))
    finally:
        if writer is not None:
            writer.close()
    return counts


def _missing_in_store(store: Store, ends: dict[str, dict], path: Path) -> None:
    """`ends`: keys the file uses but does not define -> a relationship using it; read-only lookup."""
    if not ends:
        return
    missing = store.query("UNWIND $keys AS k OPTIONAL MATCH (n:Entity {key: k}) WITH k, n WHERE n IS NULL "
                          "RETURN k ORDER BY k LIMIT 1", {"keys": sorted(ends)})
    if not missing:
        ends.clear()
        return
    key = missing[0]["k"]
    edge = ends[key]
    raise InputError(f"dangling reference: {edge['src']} -{edge['type']}-> {edge['dst']}: {key} is not defined "
                     "in the file nor in the store", where=str(path), field=edge["type"])


def _differing(store: Store, kind: str, rows: list[dict]) -> list[dict]:
    """The rows a write would change (new, or not as the store holds them), found read-only in the
    engine by the comparison `Store.upsert` makes; the others need no write."""
    if kind == "node":
        differ = {r["key"] for r in store.query(
            "UNWIND $rows AS row OPTIONAL MATCH (n:Entity {key: row.key}) WITH row, n "
            "WHERE n IS NULL OR properties(n) <> row.props OR any(l IN row.labels WHERE NOT l IN labels(n)) "
            "RETURN row.key AS key",
            {"rows": [{"key": n["key"], "labels": list(n["labels"]), "props": n["props"]} for n in rows]})}
        return [n for n in rows if n["key"] in differ]
    ont, groups = load(), {}
    for e in rows:
        groups.setdefault(e["type"], []).append(e)
    out = []
    for rel_type, group in groups.items():
        if rel_type not in ont.rel_types:
            raise StoreError(f"refusing to write unknown relationship type {rel_type!r}")
        differ = {r["key"] for r in store.query(
            f"UNWIND $rows AS row OPTIONAL MATCH (a)-[r:`{rel_type}` {{key: row.key}}]->(b) "
            "WITH row, a, r, b WHERE r IS NULL OR a.key <> row.src OR b.key <> row.dst "
            "OR properties(r) <> row.props RETURN row.key AS key",
            {"rows": [{"key": e["key"], "src": e["src"], "dst": e["dst"], "props": e["props"]} for e in group]})}
        out.extend(e for e in group if e["key"] in differ)
    return out


def _checked(store: Store, path: Path, fmt: str | None, batch: int, spill) -> dict:
    """The first pass of a load into a store with data: every check, and no write.

    Maps the whole file (all of stream_graph's checks), refuses two subjects with one key, and
    looks up in the store (read-only) every relationship end the file does not define. While the
    next batch is mapped, a thread compares each batch with the store (read-only) and pickles
    the elements that are new or changed to `spill`, a private temporary file the writing pass
    reads back (cheaper than mapping again; a reload of the same file spills nothing). Memory
    holds a few batches and the set of node keys. Returns the counts of nodes and relationships."""
    keys: set[str] = set()
    ends: dict[str, dict] = {}  # ends not defined in the file, still to look up in the store

    def check(kind: str, rows: list[dict]) -> None:
        if kind == "node":
            for n in rows:
                if n["key"] in keys:
                    raise InputError(f"two subjects map to the node key {n['key']}", where=str(path))
                keys.add(n["key"])
        else:
            for e in rows:
                for k in (e["src"], e["dst"]):
                    if k not in keys and k not in ends:
                        ends[k] = e
            if len(ends) >= batch:
                _missing_in_store(store, ends, path)
        differing = _differing(store, kind, rows)
        if differing:
            pickle.dump((kind, differing), spill, protocol=pickle.HIGHEST_PROTOCOL)

    counts = _write_all(_batches(stream_graph(path, fmt), batch), check)
    _missing_in_store(store, ends, path)
    return counts


def _spilled(spill):
    """The batches `_checked` spilled, in order."""
    spill.seek(0)
    while True:
        try:
            yield pickle.load(spill)
        except EOFError:
            return


def _restore_empty(store: Store, bulk: bool, indexed: bool) -> None:
    """Back to the empty store a failed load into it started from (its indexes as they were)."""
    if not bulk:
        store.clear()
        return
    store.drop()  # also forgets the schema names the failed load may have cached
    if indexed:
        store.ensure_schema()


def _has_indexes(store: Store) -> bool:
    try:
        return bool(store.query("CALL db.indexes() YIELD label RETURN label LIMIT 1", write=True))
    except Exception:  # noqa: BLE001 - a graph that does not exist yet has none
        return False


def load_stream(store: Store, path: Path | str, fmt: str | None = None, *, batch: int = BATCH,
                progress=None) -> Report:
    """Stream an RDF file into the store: bounded memory, CREATE for new elements, MERGE otherwise.

    All or nothing. Into an empty store mapping and writing overlap, and any failure empties the
    store again (the graph dropped, its indexes recreated as they were). Into a store with data
    a first pass maps and checks the whole file and writes nothing (`_checked`); only then
    does the writing pass run, from the spilled batches. Killed mid-write, a rerun completes
    the load to the state one clean run gives (the second pass is an upsert)."""
    path = Path(path)
    total = Counters()
    fresh = not store.query("MATCH (n) RETURN 1 AS x LIMIT 1")
    if not fresh:
        def upsert(kind: str, rows: list[dict]) -> None:
            nodes, edges = (rows, []) if kind == "node" else ([], rows)
            c, asked = store.upsert(nodes, edges, batch)
            _check_ends(store, edges, c.relationships_created, asked, path)
            total.add(c)
            if progress:
                progress(len(rows))

        with tempfile.TemporaryFile(prefix="peninsula-load-") as spill:
            counts = _checked(store, path, fmt, batch, spill)
            _write_all(_spilled(spill), upsert)
        return Report(nodes=counts["node"], edges=counts["edge"], counters=total, files=[str(path)])

    indexed = _has_indexes(store)
    bulk = _bulk_writer(store, path)

    def create(kind: str, rows: list[dict]) -> None:
        nodes, edges = (rows, []) if kind == "node" else ([], rows)
        if bulk is not None:
            c = bulk.nodes(nodes) if nodes else bulk.edges(edges)
        else:
            c = store.create(nodes, edges, batch)
            _check_ends(store, edges, c.relationships_created, len(edges), path)
        total.add(c)
        if progress:
            progress(len(rows))

    try:
        counts = _write_all(_batches(stream_graph(path, fmt), batch), create)
        if bulk is not None:
            store.ensure_schema()  # the indexes, built once over everything
            bulk.finish()
    except BaseException as exc:
        try:
            _restore_empty(store, bulk is not None, indexed)
        except Exception as again:  # noqa: BLE001 - say both, keep the first
            raise StoreError(f"the load failed ({exc}) and the store could not be emptied again ({again}); "
                             "load it again into a new store") from exc
        raise
    return Report(nodes=counts["node"], edges=counts["edge"], counters=total, files=[str(path)])
