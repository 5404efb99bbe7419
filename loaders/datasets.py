"""Datasets: what each load contributed, kept through `build` and removed exactly by `unload`.

A loaded entity or relationship carries `dataset` (the datasets that created it: `cns:missile-tests`);
what a dataset added to an entity it did not create is written down on that entity in `loaded`
(`cns:missile-tests record_id`, `cns:missile-tests sources src/cns-missile-tests`). Curated facts
carry neither. So:

- `build` sets each curated entity to what data/ says, then puts back what the `loaded` entries
  name, unless data/ now says it itself (data/ wins; the entry is dropped);
- `unload(store, DATASET)` deletes the relationships and entities only that dataset created,
  takes it out of `dataset` where others created them too, and removes from other entities the
  properties and sources its `loaded` entries name.

When a dataset was loaded is one more `loaded` entry, `DATASET at TIME` (UTC, xsd:dateTime, such as
`cns:missile-tests at 2026-12-06T19:07:51Z`), on one entity of the load: the dataset's file Source
for a source format, the first entity an RDF file added (`tag_additions`) otherwise. It is written
by the first load of the dataset and kept by the next (a reload changes nothing); `unload` removes
it with the rest, and the PROV of the dataset's graph says it as prov:endedAtTime (graph/metadata.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_FIND_NODES = ("MATCH (n:Entity) WHERE n.dataset IS NOT NULL OR n.loaded IS NOT NULL "
               "RETURN n.key AS key, labels(n) AS labels, properties(n) AS props")
_FIND_EDGES = ("MATCH (a:Entity)-[r]->(b:Entity) WHERE r.dataset IS NOT NULL "
               "RETURN type(r) AS type, a.key AS src, b.key AS dst, properties(r) AS props")


@dataclass
class Unloaded:
    dataset: str
    nodes_deleted: int = 0
    relationships_deleted: int = 0
    nodes_changed: int = 0
    relationships_changed: int = 0

    def summary(self) -> str:
        return (f"unloaded {self.dataset}: {self.nodes_deleted} entities and {self.relationships_deleted} "
                f"relationships deleted, {self.nodes_changed} entities and {self.relationships_changed} "
                "relationships changed")


def keep_loaded(store, nodes: list[dict]) -> list[dict]:
    """The curated nodes with what loaders added to them in `store` put back (see the module doc)."""
    keys = {n["key"] for n in nodes}
    stored = {r["key"]: dict(r["props"]) for r in store.query(_FIND_NODES) if r["key"] in keys}
    if not stored:
        return nodes
    out = []
    for n in nodes:
        old = stored.get(n["key"])
        if old is None or not old.get("loaded"):
            out.append(n)
            continue
        props, entries = dict(n["props"]), []
        added_sources = []
        for entry in old["loaded"]:
            parts = entry.split(" ")
            if is_stamp(entry):
                entries.append(entry)
            elif len(parts) == 3 and parts[1] == "sources":
                if parts[2] not in (props.get("sources") or []):
                    added_sources.append(parts[2])
                    entries.append(entry)
            elif len(parts) == 2 and props.get(parts[1]) is None and old.get(parts[1]) is not None:
                props[parts[1]] = old[parts[1]]
                entries.append(entry)
        if added_sources:
            wanted = set(props.get("sources") or []) | set(added_sources)
            stored_sources = old.get("sources") or []
            props["sources"] = stored_sources if set(stored_sources) == wanted else sorted(wanted)
        if entries:
            props["loaded"] = sorted(entries)
        out.append({**n, "props": props})
    return out


def unload(store, dataset: str) -> Unloaded:
    """Remove one dataset's contribution from the store (see the module doc)."""
    from peninsula.ontology import InputError, load

    ont = load()
    report = Unloaded(dataset)
    nodes = store.query(_FIND_NODES)
    edges = store.query(_FIND_EDGES)
    if not any(dataset in (r["props"].get("dataset") or []) for r in nodes + edges) and not any(
            e.startswith(dataset + " ") for r in nodes for e in (r["props"].get("loaded") or [])):
        known = sorted({d for r in nodes + edges for d in (r["props"].get("dataset") or [])})
        raise InputError(f"no dataset {dataset!r} in the store; loaded datasets: {', '.join(known) or 'none'}",
                         where=store.describe(), field="dataset")
    drop_edges, keep_edges = [], []
    for r in edges:
        props = dict(r["props"])
        if dataset not in props["dataset"]:
            continue
        rest = [d for d in props["dataset"] if d != dataset]
        if rest:
            keep_edges.append({"type": r["type"], "key": props["key"], "src": r["src"], "dst": r["dst"],
                               "props": {**props, "dataset": rest}})
        else:
            drop_edges.append((r["type"], props["key"]))
    drop_nodes, keep_nodes = [], []
    for r in nodes:
        props = dict(r["props"])
        owners = props.get("dataset") or []
        if owners == [dataset]:
            drop_nodes.append(r["key"])
            continue
        changed = False
        if dataset in owners:
            props["dataset"] = [d for d in owners if d != dataset]
            changed = True
        entries = props.get("loaded") or []
        mine = [e for e in entries if e.startswith(dataset + " ")]
        if mine:
            changed = True
            for entry in mine:
                parts = entry.split(" ")
                if is_stamp(entry):
                    continue
                if len(parts) == 3:
                    props["sources"] = [s for s in props.get("sources") or [] if s != parts[2]]
                else:
                    props.pop(parts[1], None)
            rest = [e for e in entries if e not in mine]
            if rest:
                props["loaded"] = rest
            else:
                props.pop("loaded")
        if changed:
            keep_nodes.append({"key": r["key"], "labels": r["labels"], "props": props})
    for rel_type in sorted({t for t, _ in drop_edges}):
        if rel_type not in ont.rel_types:
            raise InputError(f"unknown relationship type {rel_type!r} in the store", where=store.describe())
        keys = [k for t, k in drop_edges if t == rel_type]
        c = store.execute(f"UNWIND $keys AS k MATCH ()-[r:`{rel_type}` {{key: k}}]->() DELETE r", {"keys": keys})
        report.relationships_deleted += c.extra.get("relationships_deleted", len(keys)) if c.extra else len(keys)
    if drop_nodes:
        store.execute("UNWIND $keys AS k MATCH (n:Entity {key: k}) DETACH DELETE n", {"keys": drop_nodes})
        report.nodes_deleted = len(drop_nodes)
    store.write(keep_nodes, keep_edges)
    report.nodes_changed, report.relationships_changed = len(keep_nodes), len(keep_edges)
    return report


# ---------------------------------------------------------------------------- when a dataset was loaded
def now() -> str:
    """The current UTC time as an xsd:dateTime to the second: `2026-12-06T19:07:51Z`."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def stamp(dataset: str, when: str | None = None) -> str:
    """The `loaded` entry saying when `dataset` was loaded: `DATASET at TIME`."""
    return f"{dataset} at {when or now()}"


def is_stamp(entry: str) -> bool:
    parts = entry.split(" ")
    return len(parts) == 3 and parts[1] == "at"


def load_times(entries) -> dict[str, str]:
    """dataset -> when it was loaded (the latest, should there be two), from `loaded` entries."""
    out: dict[str, str] = {}
    for entry in entries:
        if is_stamp(str(entry)):
            dataset, _, when = str(entry).split(" ")
            out[dataset] = max(out.get(dataset, when), when)
    return out


def stamped(entries_of, dataset: str) -> bool:
    """Whether any of the `loaded` lists in `entries_of` already says when `dataset` was loaded."""
    return any(is_stamp(e) and e.startswith(dataset + " ") for entries in entries_of for e in entries or [])


# ---------------------------------------------------------------------------- RDF additions
def rdf_dataset(path) -> str:
    """The dataset of an RDF file's additions: `rdf:` and the file's name, as the source formats
    name theirs (`cns:missile-tests`): `peninsula load additions.ttl` is `rdf:additions`."""
    from peninsula.loaders.sources import dataset_name

    return dataset_name("rdf", path)


def tagged(dataset: str, nodes: list[dict], edges: list[dict]) -> bool:
    """Whether `dataset` created or enriched any of these nodes and relationships."""
    return any(dataset in (x["props"].get("dataset") or []) for x in nodes + edges) or any(
        e.startswith(dataset + " ") for n in nodes for e in n["props"].get("loaded") or [])


def tag_additions(store, dataset: str, nodes: list[dict], edges: list[dict]) -> tuple[list, list]:
    """An RDF file's nodes and relationships with its additions to `store` tagged as `dataset`, so
    `unload` removes exactly them and the exports put them in the dataset's own graph. The rule:

    - into an empty store nothing is tagged: the file is the whole graph (a restore, such as an
      export loaded into a new store) and keeps what it says, `pen:dataset` and `pen:loaded` included;
    - an entity or relationship new to the store gets `dataset`, unless it carries one already (an
      export of a store keeps the datasets it carries), it is in the curated data (data/: an
      export of the curated graph tags nothing) or it is derived (CAN_REACH);
    - one the store holds keeps its stored `dataset` unless the file says one; what the file adds to
      an entity the store holds (a property it lacks, a source) is written down in its `loaded`
      entries, as the source formats do, so `unload` takes it off again, unless the file's own
      `loaded` entries say which dataset added it (an export of a store);
    - the first entity so tagged (else so enriched) says when: `DATASET at TIME`, unless the store
      has it already (a reload changes nothing).

    The streamed load applies the same rule batch by batch (`Additions`, graph/bulk.py)."""
    if not nodes and not edges or is_empty(store):
        return nodes, edges
    additions = Additions(store, dataset)
    out_nodes, out_edges = additions.tag(nodes, edges)
    target = additions.target
    if target is not None and not additions.reload:
        node = next((n for n in out_nodes if n["key"] == target), None)
        if node is None:  # the source entity of a relationship the file added, held by the store
            row = store.query("MATCH (n:Entity {key: $key}) RETURN labels(n) AS labels, properties(n) AS props",
                              {"key": target})[0]
            node = {"key": target, "labels": row["labels"], "props": dict(row["props"])}
            out_nodes.append(node)
        node["props"]["loaded"] = sorted(set(node["props"].get("loaded") or []) | {stamp(dataset)})
    return out_nodes, out_edges


def is_empty(store) -> bool:
    """A store without entities: a file loaded into it is a restore, and tags nothing (`tag_additions`)."""
    return not store.query("MATCH (n:Entity) RETURN n.key AS key LIMIT 1")


class Additions:
    """The rule of `tag_additions` for one file and a store that is not empty, applied to as many
    batches of the file's elements as it comes in (each looked up in the store in one query per
    kind). `target` is the entity that says when the dataset was loaded (the least key created, else
    enriched, else the least source of a relationship added); `write_stamp` writes that after a
    load that wrote the batches as they were tagged; `reload` says whether the dataset was loaded
    before."""

    def __init__(self, store, dataset: str):
        from peninsula.ontology import load

        ont = load()
        self.store, self.dataset = store, dataset
        self.derived = set(ont.derived) | {p.key for p in ont.properties.values() if p.derived}
        self.curated: set | None = None  # keys of the curated data, read when first needed
        self.firsts: dict[str, str] = {}  # "created", "enriched", "linked" -> the least key so far
        self.reload = self.stamped()  # the store says when the dataset was loaded: this load is a reload

    def is_curated(self, key: str) -> bool:
        if self.curated is None:  # data/ read only when the file has something new and untagged
            from peninsula.loaders.sources import _curated

            c_nodes, c_edges = _curated()
            self.curated = {n["key"] for n in c_nodes} | {e["key"] for e in c_edges if e.get("key")}
        return key in self.curated

    @property
    def target(self) -> str | None:
        return next((self.firsts[k] for k in ("created", "enriched", "linked") if k in self.firsts), None)

    def _first(self, kind: str, keys: list[str]) -> None:
        if keys:
            self.firsts[kind] = min(keys) if kind not in self.firsts else min(self.firsts[kind], *keys)

    def tag(self, nodes: list[dict], edges: list[dict], new: set = frozenset()) -> tuple[list, list]:
        """These nodes and relationships of the file, tagged as the module's rule says. `new`: keys of
        those the caller knows the store does not hold (they are not looked up)."""
        store, dataset, derived = self.store, self.dataset, self.derived
        keys = [n["key"] for n in nodes if n["key"] not in new]
        held = {r["key"]: r for r in store.query(  # what the rule reads of each held entity, no more
            "UNWIND $keys AS k MATCH (n:Entity {key: k}) RETURN n.key AS key, keys(n) AS keys, "
            "n.dataset AS dataset, n.loaded AS loaded, n.sources AS sources", {"keys": keys})} if keys else {}
        held_edges = {}
        for rel_type in sorted({e["type"] for e in edges if e["key"] not in new}):
            rows = [{"key": e["key"], "src": e["src"], "dst": e["dst"]} for e in edges
                    if e["type"] == rel_type and e["key"] not in new]
            held_edges.update({r["key"]: r for r in store.query(
                f"UNWIND $rows AS row MATCH (:Entity {{key: row.src}})-[r:`{rel_type}`]->(:Entity {{key: row.dst}}) "
                "WHERE r.key = row.key RETURN r.key AS key, r.dataset AS dataset", {"rows": rows})})
        created, enriched, linked = [], [], []  # keys: entities created, enriched; ends of relationships added
        out_nodes = []
        for n in nodes:
            props, old = dict(n["props"]), held.get(n["key"])
            if old is None:
                if not props.get("dataset") and not self.is_curated(n["key"]):
                    props["dataset"] = [dataset]
                    created.append(n["key"])
            else:
                if not props.get("dataset") and old.get("dataset"):
                    props["dataset"] = old["dataset"]
                entries = set(old.get("loaded") or []) | set(props.get("loaded") or [])
                if dataset not in (props.get("dataset") or []):
                    said = {" ".join(e.split(" ")[1:]) for e in props.get("loaded") or []}  # the file's own ledger
                    new = {f"{dataset} {k}" for k, v in props.items()
                           if v is not None and k not in old["keys"] and k not in ("sources", "loaded", "dataset")
                           and k not in derived and k not in said}
                    new |= {f"{dataset} sources {s}" for s in _as_list(props.get("sources"))
                            if s not in _as_list(old.get("sources")) and f"sources {s}" not in said}
                    if new - entries:
                        enriched.append(n["key"])
                    entries |= new
                if entries:
                    props["loaded"] = sorted(entries)
            out_nodes.append({**n, "props": props})
        out_edges = []
        for e in edges:
            props, old = dict(e["props"]), held_edges.get(e["key"])
            if old is None:
                if not props.get("dataset") and e["type"] not in derived and not self.is_curated(e["key"]):
                    props["dataset"] = [dataset]
                    linked.append(e["src"])
            elif not props.get("dataset") and old.get("dataset"):
                props["dataset"] = old["dataset"]
            out_edges.append({**e, "props": props})
        self._first("created", created)
        self._first("enriched", enriched)
        self._first("linked", linked)
        return out_nodes, out_edges

    def stamped(self) -> bool:
        """Whether the store already says when the dataset was loaded (one query in the engine)."""
        return bool(self.store.query("MATCH (n:Entity) WHERE any(e IN n.loaded WHERE e STARTS WITH $at) "
                                     "RETURN n.key AS key LIMIT 1", {"at": f"{self.dataset} at "}))

    def write_stamp(self):
        """After the tagged batches are written: the target's `DATASET at TIME` entry (one query;
        nothing to write when nothing was added); returns the engine's counters, or None."""
        key = self.target
        if key is None:
            return None
        rows = self.store.query("MATCH (n:Entity {key: $key}) RETURN n.loaded AS loaded", {"key": key})
        entries = sorted(set(_as_list(rows[0]["loaded"]) if rows else []) | {stamp(self.dataset)})
        return self.store.execute("MATCH (n:Entity {key: $key}) SET n.loaded = $loaded", {"key": key, "loaded": entries})


def _as_list(v) -> list:
    return [] if v is None else v if isinstance(v, list) else [v]
