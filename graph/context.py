"""What a file is checked against before anything is written: the entities it may refer to.

`load` checks a file against the store it writes to; `validate` checks it, by the same function,
against the curated data (or a data folder), or against nothing (`--alone`). A context answers
two read-only questions, so the check itself does not know which one it was given:

    held(keys)     key -> {"labels", "props"} of the entities it holds among `keys`
    missing(keys)  the keys among `keys` it does not hold, sorted
"""

from __future__ import annotations

from dataclasses import dataclass, field


class StoreContext:
    """The entities of a store (one batched query per question)."""

    def __init__(self, store):
        self.store = store
        self.name = "the store"

    def held(self, keys) -> dict:
        if not keys:
            return {}
        rows = self.store.query("MATCH (n:Entity) WHERE n.key IN $keys RETURN n.key AS key, labels(n) AS labels, "
                                "properties(n) AS props", {"keys": sorted(keys)})
        return {r["key"]: {"labels": r["labels"], "props": r["props"]} for r in rows if r["props"].get("class")}

    def missing(self, keys) -> list[str]:
        if not keys:
            return []
        return [r["k"] for r in self.store.query(
            "UNWIND $keys AS k OPTIONAL MATCH (n:Entity {key: k}) WITH k, n WHERE n IS NULL RETURN k ORDER BY k",
            {"keys": sorted(keys)})]


@dataclass
class NodesContext:
    """Entities given as property-graph nodes: the curated data, a data folder, or none (alone)."""

    nodes: dict = field(default_factory=dict)  # key -> node
    name: str = "the curated data"

    @classmethod
    def of(cls, nodes, name: str = "the curated data") -> NodesContext:
        return cls({n["key"]: n for n in nodes}, name)

    def held(self, keys) -> dict:
        return {k: {"labels": list(self.nodes[k]["labels"]), "props": self.nodes[k]["props"]}
                for k in keys if k in self.nodes}

    def missing(self, keys) -> list[str]:
        return sorted(k for k in keys if k not in self.nodes)


def alone() -> NodesContext:
    """No context: the file by itself."""
    return NodesContext({}, "")
