"""FalkorDB's bulk insert protocol (GRAPH.BULK, binary, no Cypher): the bulk writer of the FalkorDB
stores (`Store.bulk_writer`), which graph/bulk.py uses to stream a large file into an empty store."""

from __future__ import annotations

import struct
from pathlib import Path

from peninsula.graph.store import Counters, checked_groups
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


def _header(name: str, columns: list[str]) -> bytes:
    """A GRAPH.BULK token's header: label(s) or type, then the property names."""
    return name.encode("utf-8") + b"\x00" + _U32(len(columns)) + b"".join(c.encode("utf-8") + b"\x00" for c in columns)


def _records(rows: list[dict], columns: list[str]) -> list[bytes]:
    """Each row's property values in the columns' order, in GRAPH.BULK's binary form."""
    records = []
    for r in rows:
        props, out = r["props"], []
        append = out.append
        for c in columns:
            v = props.get(c)
            if type(v) is str and "\x00" not in v:  # the common case, inline
                append(b"\x03" + v.encode("utf-8") + b"\x00")
            else:
                _encode(v, out)
        records.append(b"".join(out))
    return records


def _columns(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(k for r in rows for k in r["props"]))


def encode(kind: str, rows: list[dict]):
    """Nodes or relationships -> what `FalkorBulk.nodes_encoded` / `edges_encoded` send: one token per
    label set, with its nodes' keys in order; per relationship type, its header, ends (as keys) and
    records (the ends become node ids where they are sent). Pure and picklable: the streamed load runs
    it in the processes that map the file (loaders.stream.stream_batches), so the encoding, the
    largest part of a write, runs in parallel and the dicts never travel between processes."""
    out = []
    for name, group in checked_groups(rows, "labels" if kind == "node" else "type").items():
        columns = _columns(group)
        if kind == "node":
            out.append((_header(":".join(name), columns) + b"".join(_records(group, columns)),
                        [n["key"] for n in group]))
        else:
            out.append((name, _header(name, columns), [(e["src"], e["dst"]) for e in group], _records(group, columns)))
    return out


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
        self.indexed = bool(store._indexed())  # what abort() restores
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

    encode = staticmethod(encode)

    def nodes(self, rows: list[dict]) -> Counters:
        return self.nodes_encoded(encode("node", rows))

    def edges(self, rows: list[dict]) -> Counters:
        return self.edges_encoded(encode("edge", rows))

    def nodes_encoded(self, tokens: list) -> Counters:
        """Nodes as `encode` gives them: sent, and their ids (the order sent) remembered by key."""
        ids = self.ids
        keys = [k for _, group in tokens for k in group]
        if len(set(keys)) < len(keys) or any(k in ids for k in keys):
            seen: set = set()
            twice = next(k for k in keys if k in ids or k in seen or seen.add(k))
            raise InputError(f"two subjects map to the node key {twice}", where=str(self.path))
        self._send(len(keys), 0, [token for token, _ in tokens], [])
        ids.update(zip(keys, range(len(ids), len(ids) + len(keys)), strict=True))
        return Counters(nodes_created=len(keys))

    def edges_encoded(self, groups: list) -> Counters:
        """Relationships as `encode` gives them: their ends named by node id, then sent."""
        if not self.node_indexes:  # all nodes are in: their key indexes build (in the background) while
            # the relationships go in, which maintain their own key index as they arrive (cheaper inside
            # GRAPH.BULK than building it after the last one and waiting for it). A relationship index
            # must be built (empty, at once) before the first relationship: one still under construction
            # when relationships arrive indexes them a second time as it is built, and the engine's fork
            # GC then spends minutes collecting the copies after the load (a 10M load's reload: 62-85 s
            # where 44 s)
            self.node_indexes = True
            self.store.ensure_schema(only="RELATIONSHIP", wait=True)  # over no relationships: still waits
            self.store.ensure_schema(wait=False)  # every node index, each label's fields at once
        ids, tokens, n = self.ids, [], 0
        for rel_type, header, ends, records in groups:
            try:
                token = header + b"".join([_ENDS(ids[a], ids[b]) + r for (a, b), r in zip(ends, records, strict=True)])
            except KeyError as missing:
                a, b = next((a, b) for a, b in ends if a not in ids or b not in ids)
                raise InputError(f"dangling reference: {a} -{rel_type}-> {b}: {missing.args[0]} is not defined "
                                 "in the file", where=str(self.path), field=rel_type) from None
            tokens.append(token)
            n += len(ends)
        self._send(0, n, [], tokens)
        return Counters(relationships_created=n)

    def finish(self) -> None:
        """Build the indexes once over everything, check that the ids are the ones counted, and wait
        for the indexes to be built."""
        self.store.ensure_schema(wait=False)
        if self.ids:
            key, i = max(self.ids.items(), key=lambda kv: kv[1])
            got = self.store.query("MATCH (n) WHERE id(n) = $i RETURN n.key AS k", {"i": i})
            if got != [{"k": key}]:
                raise StoreError(f"bulk insert: node id {i} is not {key}; clear the store and load again")
        self.store.wait_for_indexes()

    def abort(self) -> None:
        """Back to the empty store the load started from, its indexes as they were."""
        self.store.drop()  # also forgets the schema names the failed load may have cached
        if self.indexed:
            self.store.ensure_schema()
