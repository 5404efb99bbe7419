"""Loading large RDF files: the streamed mapping written in batches, in bulk where the store is empty.

`load_stream(store, path)` reads the file through `peninsula.loaders.stream` (memory bounded
by sort buffers and one batch), and writes while it maps: a writer thread sends each batch to
the store while the main thread maps the next (the engine runs in another process, so the two
overlap). Into an empty store every element is new: it goes in through the store's bulk writer
where it has one (`Store.capabilities.bulk_insert`: FalkorDB's binary `GRAPH.BULK`, no Cypher,
graph/falkor_bulk.py, the indexes built once at the end), else with CREATE (Neo4j). Otherwise
each batch is compared in the engine with what it holds (only the keys of new or changed
elements come back): new ones are created, changed ones merged, unchanged ones skipped, so a
reload of the same file writes nothing. What the file adds to a store with data is its dataset,
`rdf:STEM`, by the rule of the normal load (loaders/datasets.py `tag_additions`, applied to each
batch the comparison finds new or changed); into an empty store nothing is tagged (a restore).

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
import tempfile
import threading
from contextlib import nullcontext
from pathlib import Path

from peninsula.graph.build import Report
from peninsula.graph.context import StoreContext
from peninsula.graph.store import Counters, Store, checked_groups
from peninsula.loaders.collector import without_collector
from peninsula.loaders.datasets import Additions, rdf_dataset
from peninsula.loaders.stream import presorted_first, stream_batches, stream_graph
from peninsula.ontology import InputError, StoreError

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


def _write_all(batches, task, size=len) -> dict:
    """Run `task(kind, rows)` for each batch in the writer thread while the next batch is made;
    the counts of nodes and relationships (`size(rows)` of each batch).

    The thread starts with the first batch: the mapping's worker processes are forked before it
    (stream.py), never from a process that runs other threads."""
    writer: _Writer | None = None
    counts = {"node": 0, "edge": 0}
    try:
        for kind, rows in batches:
            counts[kind] += size(rows)
            if writer is None:
                writer = _Writer()
            writer.submit(lambda kind=kind, rows=rows: task(kind, rows))
    finally:
        if writer is not None:
            writer.close()
    return counts


def _missing_in(context, ends: dict[str, dict], path: Path) -> None:
    """`ends`: keys the file uses but does not define -> a relationship using it; read-only lookup."""
    if not ends:
        return
    missing = context.missing(set(ends))
    if not missing:
        ends.clear()
        return
    key = missing[0]
    edge = ends[key]
    where = f"in the file nor in {context.name}" if context.name else "in the file (checked alone)"
    raise InputError(f"dangling reference: {edge['src']} -{edge['type']}-> {edge['dst']}: {key} is not defined "
                     f"{where}", where=str(path), field=edge["type"])


# With the dataset ledger (`ledger=True` below): a row that says no `dataset` (or no `loaded`) is
# compared as if it said the stored one, which is what tagging it would make of it (loaders/datasets.py).
_LEDGER = ("WITH row, {more}{x}, {row_props} AS p0 "
           "WITH row, {more}{x}, CASE WHEN p0.dataset IS NULL AND {x}.dataset IS NOT NULL "
           "THEN p0 {{.*, dataset: {x}.dataset}} ELSE p0 END AS p1 "
           "WITH row, {more}{x}, CASE WHEN p1.loaded IS NULL AND {x}.loaded IS NOT NULL "
           "THEN p1 {{.*, loaded: {x}.loaded}} ELSE p1 END AS props ")


def _differing(store: Store, kind: str, rows: list[dict], ledger: str | None = None) -> list[tuple[dict, bool]]:
    """The rows a write would change (new, or not as the store holds them), each with whether it is
    new, found read-only in the engine by the comparison `Store.upsert` makes; the others need no
    write. With `ledger`, a row
    that says no `dataset` or `loaded` entries is compared as if it said the stored ones (so a
    reload of a tagged file finds nothing to tag or write): at once (`ledger="only"`, for a reload
    of a dataset), or only for the held rows the plain comparison finds different (`"again"`: an
    unchanged or new row costs no second comparison)."""
    if ledger == "only":
        return _compare(store, kind, rows, ledger=True)
    differ = _compare(store, kind, rows)
    if not ledger:
        return differ
    again = {row["key"] for row, _ in _compare(store, kind, [row for row, new in differ if not new], ledger=True)}
    return [(row, new) for row, new in differ if new or row["key"] in again]


def _compare(store: Store, kind: str, rows: list[dict], ledger: bool = False) -> list[tuple[dict, bool]]:
    """(row, whether it is new) for each row that is new or not as the store holds it (see _differing)."""
    if not rows:
        return []
    # Each row is a list, not a map: its fields are read by place (`row[0]`), so the parameters carry no
    # field names (a quarter to a third less to write: 0.45 of 1.6 s for the synthetic 1M file's batches)
    if kind == "node":  # [key, labels, props]
        props = "props" if ledger else "row[2]"
        differ = {r["key"]: r["new"] for r in store.query(
            "UNWIND $rows AS row OPTIONAL MATCH (n:Entity {key: row[0]}) "
            + (_LEDGER.format(x="n", more="", row_props="row[2]") if ledger else "WITH row, n ")
            + f"WHERE n IS NULL OR properties(n) <> {props} OR any(l IN row[1] WHERE NOT l IN labels(n)) "
            "RETURN row[0] AS key, n IS NULL AS new",
            {"rows": [[n["key"], list(n["labels"]), n["props"]] for n in rows]})}
        return [(n, differ[n["key"]]) for n in rows if n["key"] in differ]
    out = []
    props = "props" if ledger else "row[3]"
    for rel_type, group in checked_groups(rows, "type").items():  # [key, src, dst, props]
        differ = {r["key"]: r["new"] for r in store.query(
            f"UNWIND $rows AS row OPTIONAL MATCH (a)-[r:`{rel_type}` {{key: row[0]}}]->(b) "
            + (_LEDGER.format(x="r", more="a, b, ", row_props="row[3]") if ledger else "WITH row, a, r, b ")
            + f"WHERE r IS NULL OR a.key <> row[1] OR b.key <> row[2] OR properties(r) <> {props} "
            "RETURN row[0] AS key, r IS NULL AS new",
            {"rows": [[e["key"], e["src"], e["dst"], e["props"]] for e in group]})}
        out.extend((e, differ[e["key"]]) for e in group if e["key"] in differ)
    return out


def check_stream(context, path: Path | str, fmt: str | None = None, *, batch: int = BATCH, store: Store | None = None,
                 spill=None, additions=None) -> dict:
    """See `_check_stream`: the file read as it is where it is sorted already, else sorted."""
    def attempt(presorted: bool) -> dict:
        if spill is not None:
            spill.seek(0)
            spill.truncate()
        return _check_stream(context, path, fmt, batch=batch, store=store, spill=spill, additions=additions,
                             presorted=presorted)

    return presorted_first(attempt, path, fmt)


def _check_stream(context, path: Path | str, fmt: str | None = None, *, batch: int = BATCH, store: Store | None = None,
                  spill=None, additions=None, presorted: bool = False) -> dict:
    """Every check of a streamed load, and no write: the first pass of a load into a store with
    data, and what `validate` runs on a file `load` would stream.

    Maps the whole file (all of stream_graph's checks), refuses two subjects with one key, and
    looks up in `context` (graph/context.py, read-only) every relationship end the file does not
    define. With `store` and `spill`, while the next batch is mapped, two threads compare batches
    with the store (read-only, `_Comparisons`) and pickle the elements that are new or changed to `spill`, a
    private temporary file the writing pass reads back (cheaper than mapping again; a reload of
    the same file spills nothing). With `additions` (loaders/datasets.py), the elements spilled are
    first tagged with the file's dataset by the rule of the normal load; the others are as the store
    holds them already (an element the file adds is never one of those). Memory holds a few batches
    and the set of node keys. Returns the counts of nodes and relationships."""
    path = Path(path)
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
                _missing_in(context, ends, path)
        if comparisons is not None:
            comparisons.submit(kind, rows)

    with _Comparisons(store, spill, additions) if spill is not None else nullcontext() as comparisons:
        counts = _write_all(_batches(stream_graph(path, fmt, presorted), batch), check)
        if comparisons is not None:
            comparisons.finish()
    _missing_in(context, ends, path)
    return counts


class _Comparisons:
    """The batches of a load into a store with data compared with the store (`_differing`, read-only),
    `threads` at once, and what differs spilled in the order the batches came (nodes before
    relationships, as the writing pass needs them).

    One comparison at a time kept the engine and this process taking turns, each waiting for the
    other: once the mapping was done, the last relationships' comparisons used one core of two
    (2.7 s of a 9.8 s reload of the synthetic 1M file). Two overlap: while the engine compares one
    batch, this process writes the next one's parameters and reads the last one's answer."""

    def __init__(self, store: Store, spill, additions=None, threads: int = 2, differing=None):
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor

        self.store, self.spill, self.additions, self.threads = store, spill, additions, threads
        self.differing = differing or _differing
        self.ledger = additions and ("only" if additions.reload else "again")
        self.pending: deque = deque()
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="peninsula-compare")

    def submit(self, kind: str, rows: list[dict]) -> None:
        """Compare a batch; spill the oldest batches whose turn has come (at most `threads` are
        compared while one more waits)."""
        self.pending.append((kind, self.pool.submit(self.differing, self.store, kind, rows, self.ledger)))
        while len(self.pending) > self.threads:
            self._spill_oldest()

    def finish(self) -> None:
        while self.pending:
            self._spill_oldest()

    def _spill_oldest(self) -> None:
        kind, future = self.pending.popleft()
        pairs = future.result()
        differing = [row for row, _ in pairs]
        if differing and self.additions is not None:  # those found new need no look-up in the store
            new = {row["key"] for row, is_new in pairs if is_new}
            nodes, edges = self.additions.tag(*((differing, []) if kind == "node" else ([], differing)), new=new)
            differing = nodes if kind == "node" else edges
        if differing:
            pickle.dump((kind, differing), self.spill, protocol=pickle.HIGHEST_PROTOCOL)

    def __enter__(self) -> _Comparisons:
        return self

    def __exit__(self, *exc) -> None:
        for _, future in self.pending:
            future.cancel()
        self.pool.shutdown(wait=True)


def _spilled(spill):
    """The batches `check_stream` spilled, in order."""
    spill.seek(0)
    while True:
        try:
            yield pickle.load(spill)
        except EOFError:
            return


@without_collector
def load_stream(store: Store, path: Path | str, fmt: str | None = None, *, batch: int = BATCH,
                progress=None) -> Report:
    """See `_load_stream`: the file read as it is where its subjects' lines are together (what a
    first reading wrote is undone if they are not, and `progress` goes back to 0), else sorted."""
    told = [0]

    def tell(n: int) -> None:
        told[0] += n
        progress(n)

    def attempt(presorted: bool) -> Report:
        if told[0]:
            progress(-told[0])
            told[0] = 0
        return _load_stream(store, path, fmt, batch=batch, progress=tell if progress else None, presorted=presorted)

    with store.snapshots_deferred():
        return presorted_first(attempt, path, fmt)


def _load_stream(store: Store, path: Path | str, fmt: str | None = None, *, batch: int = BATCH,
                 progress=None, presorted: bool = False) -> Report:
    """Stream an RDF file into the store: bounded memory, CREATE for new elements, MERGE otherwise.

    All or nothing. Into an empty store mapping and writing overlap, and any failure empties the
    store again (the graph dropped, its indexes recreated as they were). Into a store with data
    a first pass maps and checks the whole file and writes nothing (`check_stream`); only then
    does the writing pass run, from the spilled batches. Killed mid-write, a rerun completes
    the load to the state one clean run gives (the second pass is an upsert)."""
    path = Path(path)
    total = Counters()
    fresh = store.is_empty()
    if not fresh:
        def upsert(kind: str, rows: list[dict]) -> None:
            nodes, edges = (rows, []) if kind == "node" else ([], rows)
            c, asked = store.upsert(nodes, edges, batch)
            _check_ends(store, edges, c.relationships_created, asked, path)
            total.add(c)
            if progress:
                progress(len(rows))

        additions = Additions(store, rdf_dataset(path))  # what the file adds is its dataset, as in load_rdf
        with tempfile.TemporaryFile(prefix="peninsula-load-") as spill:
            counts = _check_stream(StoreContext(store), path, fmt, batch=batch, store=store, spill=spill,
                                   additions=additions, presorted=presorted)  # NotSorted: load_stream reads again
            when = additions.target is not None and not additions.reload
            _write_all(_spilled(spill), upsert)
        if when:
            total.add(additions.write_stamp())
        return Report(nodes=counts["node"], edges=counts["edge"], counters=total, files=[str(path)],
                      dataset=additions.dataset if additions.target is not None else None)

    bulk = store.bulk_writer(path) if store.capabilities.bulk_insert else None

    def create(kind: str, rows: list[dict]) -> None:
        nodes, edges = (rows, []) if kind == "node" else ([], rows)
        c = store.create(nodes, edges, batch)
        _check_ends(store, edges, c.relationships_created, len(edges), path)
        total.add(c)
        if progress:
            progress(len(rows))

    def send(kind: str, encoded: tuple) -> None:  # a chunk the mapping encoded for the bulk writer
        payload, n = encoded
        total.add(bulk.nodes_encoded(payload) if kind == "node" else bulk.edges_encoded(payload))
        if progress:
            progress(n)

    try:
        if bulk is not None:
            counts = _write_all(((kind, (payload, n)) for kind, payload, n in stream_batches(path, fmt, bulk.encode, presorted)),
                                send, size=lambda encoded: encoded[1])
        else:
            counts = _write_all(_batches(stream_graph(path, fmt, presorted), batch), create)
        if bulk is not None:
            bulk.finish()
    except BaseException as exc:
        try:  # back to the empty store the load started from
            if bulk is not None:
                bulk.abort()
            else:
                store.clear()
        except Exception as again:  # noqa: BLE001 - say both, keep the first
            raise StoreError(f"the load failed ({exc}) and the store could not be emptied again ({again}); "
                             "load it again into a new store") from exc
        raise
    return Report(nodes=counts["node"], edges=counts["edge"], counters=total, files=[str(path)])
