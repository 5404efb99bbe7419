"""FalkorDB's bulk insert protocol (GRAPH.BULK, binary, no Cypher): the bulk writer of the FalkorDB
stores (`Store.bulk_writer`), which graph/bulk.py uses to stream a large file into an empty store."""

from __future__ import annotations

import struct
import time
from pathlib import Path

from peninsula.graph.store import Counters
from peninsula.ontology import InputError, StoreError, load

_I64, _F64, _U32 = struct.Struct("<q").pack, struct.Struct("<d").pack, struct.Struct("<I").pack
_ENDS = struct.Struct("<QQ").pack


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


class FalkorBulk:
    """FalkorDB's bulk insert protocol (GRAPH.BULK, what falkordb-bulk-loader speaks) into an empty
    store: no Cypher to parse, no index lookup per relationship, no index maintained while loading.

    The graph is created by the first call (BEGIN), so nodes get the ids 0, 1, 2, ... in the order
    sent; relationships name their ends by those ids, kept here as key -> id (the one structure
    that grows with the input: ~100 bytes a node, 4 MB for the 1M-triple benchmark file). The
    key indexes are created once all nodes are in, before the first relationship."""

    def __init__(self, store, path: Path):
        self.store, self.path = store, path
        self.ont = load()
        self.command = store.graph.execute_command
        self.name = store.graph.name
        self.ids: dict[str, int] = {}
        self.begun = False
        self.node_indexes = False
        self.indexed = _has_indexes(store)  # what abort() restores
        store.drop()  # the empty graph goes: BEGIN creates it

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
        """Build the indexes once over everything, check that the ids are the ones counted, and wait
        for the indexes to be built."""
        self.store.ensure_schema()
        if self.ids:
            key, i = max(self.ids.items(), key=lambda kv: kv[1])
            got = self.store.query("MATCH (n) WHERE id(n) = $i RETURN n.key AS k", {"i": i})
            if got != [{"k": key}]:
                raise StoreError(f"bulk insert: node id {i} is not {key}; clear the store and load again")
        _wait_for_indexes(self.store)

    def abort(self) -> None:
        """Back to the empty store the load started from, its indexes as they were."""
        self.store.drop()  # also forgets the schema names the failed load may have cached
        if self.indexed:
            self.store.ensure_schema()


def _wait_for_indexes(store, timeout: float = 600.0) -> None:
    """FalkorDB builds an index in the background: wait until every one is operational."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = store.query("CALL db.indexes() YIELD status RETURN status", write=True)
        if all("UNDER CONSTRUCTION" not in str(r["status"]) for r in rows):
            return
        time.sleep(0.02)


def _has_indexes(store) -> bool:
    try:
        return bool(store.query("CALL db.indexes() YIELD label RETURN label LIMIT 1", write=True))
    except Exception:  # noqa: BLE001 - a graph that does not exist yet has none
        return False
