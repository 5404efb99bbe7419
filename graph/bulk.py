"""Loading large RDF files: the streamed mapping written in batches, CREATE where new.

`load_stream(store, path)` reads the file through `peninsula.loaders.stream` (memory bounded
by sort buffers and one batch), and writes while it maps: a writer thread sends each batch to
the store while the main thread maps the next (the engine runs in another process, so the two
overlap). Into an empty store every element is known to be new and goes in with CREATE;
otherwise each batch is looked up by key and only new elements are created, changed ones
merged, unchanged ones skipped, so a reload of the same file writes nothing.

Unlike `build.load_rdf` this path does not run pySHACL (which needs the whole graph in memory);
it checks what the mapping checks (classes, properties, datatypes, statements), and that every
relationship's ends exist, in the file or already in the store.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from peninsula.graph.build import Report
from peninsula.graph.store import Counters, Store
from peninsula.loaders.stream import stream_graph
from peninsula.ontology import InputError

BATCH = 10000


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


def load_stream(store: Store, path: Path | str, fmt: str | None = None, *, batch: int = BATCH,
                progress=None) -> Report:
    """Stream an RDF file into the store: bounded memory, CREATE for new elements, MERGE otherwise."""
    path = Path(path)
    fresh = not store.query("MATCH (n) RETURN 1 AS x LIMIT 1")
    total = Counters()
    counts = {"node": 0, "edge": 0}
    writer = _Writer()

    def write(kind: str, rows: list[dict]):
        def task():
            nodes, edges = (rows, []) if kind == "node" else ([], rows)
            if fresh:
                c = store.create(nodes, edges, batch)
                asked = len(edges)
            else:
                c, asked = store.upsert(nodes, edges, batch)
            if edges:
                _check_ends(store, edges, c.relationships_created, asked, path)
            total.add(c)
            if progress:
                progress(len(rows))
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
        writer.close()
    return Report(nodes=counts["node"], edges=counts["edge"], counters=total, files=[str(path)])
