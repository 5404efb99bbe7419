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
"""

from __future__ import annotations

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
            if len(parts) == 3 and parts[1] == "sources":
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
