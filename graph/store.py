"""One small store interface, chosen by URI, with lazy imports of each engine.

    embedded:PATH  (default: a file under the user's data dir)   FalkorDB in a child redis
    redis://HOST:PORT[/GRAPH]                                       FalkorDB server
    bolt:// neo4j:// neo4j+s:// bolt+s://                          Neo4j 5 (routing driver)

Labels and relationship types reach Cypher only from the ontology (checked here); every value
travels as a parameter.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from peninsula.ontology import StoreError, load

GRAPH_NAME = "peninsula"
BATCH = 5000
WRITE_CLAUSE = re.compile(
    # a `CALL { ... }` subquery writes only when its body does (the clauses are found inside it) or
    # when it commits in batches (IN TRANSACTIONS)
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|FOREACH)\b|\bIN\s+TRANSACTIONS\b"
    r"|\bCALL\s+(db|apoc|dbms|gds)\.[\w.]*(create|drop|set|delete|merge|remove|clear)",
    re.IGNORECASE,
)


@dataclass
class Counters:
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    labels_added: int = 0
    extra: dict = field(default_factory=dict)

    def add(self, other: Counters) -> None:
        self.nodes_created += other.nodes_created
        self.relationships_created += other.relationships_created
        self.properties_set += other.properties_set
        self.labels_added += other.labels_added

    @property
    def changed(self) -> bool:
        return any((self.nodes_created, self.relationships_created, self.properties_set, self.labels_added))


@dataclass(frozen=True)
class Capabilities:
    """What a store offers beyond the operations every engine has. Callers (export, bulk) read these,
    never the engine's name; the defaults are the honest answers for an engine with nothing more."""

    bulk_insert: bool = False  # bulk_writer(path): a faster protocol than Cypher into an empty store
    id_ranges: bool = False  # id_range(), sample(n), and scan_nodes / scan_edges(ids=(lo, hi), part=(k, n)) over internal ids
    fork_safe: bool = False  # a forked process may go on using the open store (its client reconnects)
    edges_by_source: bool = False  # scan_edges() gives each source node's relationships together


def default_store_uri() -> str:
    env = os.environ.get("PENINSULA_STORE")
    if env:
        return env
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"embedded:{data_home / 'peninsula' / 'peninsula.db'}"


def redact(uri: str) -> str:
    """The URI with any password replaced by ***."""
    parts = urlsplit(uri)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return uri


def strip_comments(cypher: str) -> str:
    cypher = re.sub(r"//[^\n]*", "", cypher)
    cypher = re.sub(r"/\*.*?\*/", "", cypher, flags=re.S)
    return re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`", "''", cypher)


def is_write(cypher: str) -> bool:
    return bool(WRITE_CLAUSE.search(strip_comments(cypher)))


class Store(ABC):
    """The store interface: write batches, query, count, clear, close; `capabilities` says what
    else a caller may use."""

    dialect = "falkordb"  # which variant of a pack query the engine runs (queries.Query.text_for)
    capabilities = Capabilities()
    uri = ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- the five operations every engine provides
    @abstractmethod
    def _run(self, cypher: str, params: dict | None, *, write: bool) -> tuple[list[dict], Counters]: ...

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def ensure_schema(self) -> None: ...

    def query(self, cypher: str, params: dict | None = None, *, write: bool = False) -> list[dict]:
        """Run parameterised Cypher; read-only unless write=True (refused otherwise)."""
        return self._run(cypher, params or {}, write=write)[0]

    def execute(self, cypher: str, params: dict | None = None) -> Counters:
        return self._run(cypher, params or {}, write=True)[1]

    def is_empty(self) -> bool:
        """Whether the store holds no node at all."""
        return not self.query("MATCH (n) RETURN 1 AS x LIMIT 1")

    # -- writing batches, grouped by label set / relationship type
    def write(self, nodes: list[dict], edges: list[dict], batch: int = BATCH, progress=None) -> Counters:
        total = Counters()
        groups, egroups = _grouped(nodes, "labels"), _grouped(edges, "type")
        for labels, rows in groups.items():
            extra = "".join(f":`{label}`" for label in labels if label != "Entity")
            cypher = ("UNWIND $rows AS row MERGE (n:Entity {key: row.key})"
                      + (f" SET n{extra}" if extra else "")
                      + " WITH n, row WHERE properties(n) <> row.props SET n = row.props")
            for i in range(0, len(rows), batch):
                total.add(self.execute(cypher, {"rows": rows[i:i + batch]}))
                if progress:
                    progress(len(rows[i:i + batch]))
        for rel_type, rows in egroups.items():
            cypher = (f"UNWIND $rows AS row MATCH (a:Entity {{key: row.src}}) MATCH (b:Entity {{key: row.dst}}) "
                      f"MERGE (a)-[r:`{rel_type}` {{key: row.key}}]->(b) "
                      "WITH r, row WHERE properties(r) <> row.props SET r = row.props")
            for i in range(0, len(rows), batch):
                total.add(self.execute(cypher, {"rows": rows[i:i + batch]}))
                if progress:
                    progress(len(rows[i:i + batch]))
        return total

    # -- CREATE for elements known to be new; MERGE only for those that exist and differ
    def create(self, nodes: list[dict], edges: list[dict], batch: int = BATCH) -> Counters:
        """Write elements the caller knows are not in the store yet (no MERGE, no lookup).

        A relationship whose end is missing is not created: compare relationships_created."""
        total = Counters()
        for labels, rows in _grouped(nodes, "labels").items():
            spec = ":Entity" + "".join(f":`{label}`" for label in labels if label != "Entity")
            for i in range(0, len(rows), batch):
                total.add(self.execute(f"UNWIND $rows AS row CREATE (n{spec}) SET n = row.props",
                                       {"rows": rows[i:i + batch]}))
        for rel_type, rows in _grouped(edges, "type").items():
            cypher = ("UNWIND $rows AS row MATCH (a:Entity {key: row.src}) MATCH (b:Entity {key: row.dst}) "
                      f"CREATE (a)-[r:`{rel_type}`]->(b) SET r = row.props")
            for i in range(0, len(rows), batch):
                total.add(self.execute(cypher, {"rows": rows[i:i + batch]}))
        return total

    def upsert(self, nodes: list[dict], edges: list[dict], batch: int = BATCH) -> tuple[Counters, int]:
        """Look the elements up by key: CREATE the new, MERGE the changed, skip the unchanged.

        The comparison runs in the engine (the batch goes in, only the keys of new or changed
        elements come back), so an unchanged batch costs one round trip and no reading back.
        Returns the counters and how many new relationships were asked for (to check ends)."""
        new_nodes, changed_nodes = [], []
        for i in range(0, len(nodes), batch):
            chunk = nodes[i:i + batch]
            differ = {r["key"]: r["new"] for r in self.query(
                "UNWIND $rows AS row OPTIONAL MATCH (n:Entity {key: row.key}) WITH row, n "
                "WHERE n IS NULL OR properties(n) <> row.props OR any(l IN row.labels WHERE NOT l IN labels(n)) "
                "RETURN row.key AS key, n IS NULL AS new",
                {"rows": [{"key": n["key"], "labels": list(n["labels"]), "props": n["props"]} for n in chunk]})}
            for n in chunk:
                if n["key"] in differ:
                    (new_nodes if differ[n["key"]] else changed_nodes).append(n)
        new_edges, changed_edges = [], []
        for rel_type, rows in _grouped(edges, "type").items():
            for i in range(0, len(rows), batch):
                chunk = rows[i:i + batch]
                differ = {r["key"]: r["new"] for r in self.query(
                    f"UNWIND $rows AS row OPTIONAL MATCH (a)-[r:`{rel_type}` {{key: row.key}}]->(b) "  # the index
                    "WITH row, a, r, b WHERE r IS NULL OR a.key <> row.src OR b.key <> row.dst "
                    "OR properties(r) <> row.props RETURN row.key AS key, r IS NULL AS new", {"rows": chunk})}
                for e in chunk:
                    if e["key"] in differ:
                        (new_edges if differ[e["key"]] else changed_edges).append({**e, "type": rel_type})
        total = self.create(new_nodes, [], batch)
        total.add(self.write(changed_nodes, [], batch))
        total.add(self.create([], new_edges, batch))
        total.add(self.write([], changed_edges, batch))
        return total, len(new_edges)

    # -- reading back
    def counts(self) -> dict:
        labels = {r["label"]: r["n"] for r in self.query(
            "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label")}
        types = {r["type"]: r["n"] for r in self.query(
            "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type")}
        return {"labels": labels, "types": types}

    def nodes(self, page: int = 10000):
        """Every node as {key, labels, props}, streamed in pages ordered by key."""
        last = ""
        while True:
            rows = self.query("MATCH (n:Entity) WHERE n.key > $last RETURN n.key AS key, labels(n) AS labels, "
                              "properties(n) AS props ORDER BY n.key LIMIT $page", {"last": last, "page": page})
            yield from ({"key": r["key"], "labels": r["labels"], "props": dict(r["props"])} for r in rows)
            if len(rows) < page:
                return
            last = rows[-1]["key"]

    def edges(self, page: int = 10000):
        """Every relationship as {type, key, src, dst, props}, streamed in pages: type by type,
        ordered by key and paged by key (the relationship key index answers `r.key > $last`; no
        SKIP, which would scan and sort everything skipped again on every page)."""
        types = sorted(r["t"] for r in self.query("CALL db.relationshipTypes() YIELD relationshipType "
                                                    "RETURN relationshipType AS t"))
        for rel_type in types:
            quoted = "`" + rel_type.replace("`", "``") + "`"
            last = ""
            while True:
                rows = self.query(f"MATCH (a)-[r:{quoted}]->(b) WHERE r.key > $last "  # labels: no index use
                                  "RETURN a.key AS src, b.key AS dst, properties(r) AS props "
                                  "ORDER BY r.key LIMIT $page", {"last": last, "page": page})
                yield from ({"type": rel_type, "key": r["props"]["key"], "src": r["src"], "dst": r["dst"],
                             "props": dict(r["props"])} for r in rows)
                if len(rows) < page:
                    break
                last = rows[-1]["props"]["key"]
            rows = self.query(f"MATCH (a)-[r:{quoted}]->(b) WHERE r.key IS NULL "  # written by other tools
                              "RETURN a.key AS src, b.key AS dst, properties(r) AS props")
            yield from ({"type": rel_type, "key": None, "src": r["src"], "dst": r["dst"], "props": dict(r["props"])}
                        for r in rows)

    def scan_nodes(self, page: int = 10000, ids=None, part=None):
        """Every node as `nodes()` gives them, in no particular order (for exports, which need none).
        A store may read faster without the order (FalkorDB: by ranges of internal ids, `ids`, and
        interleaved parts of them, `part`; see Capabilities.id_ranges)."""
        self._whole(ids, part)
        yield from self.nodes(page)

    def scan_edges(self, page: int = 10000, ids=None, part=None):
        """Every relationship as `edges()` gives them, in no particular order (see scan_nodes)."""
        self._whole(ids, part)
        yield from self.edges(page)

    def _whole(self, ids, part) -> None:
        if ids is not None or part is not None:
            self.id_range()  # refuses: this store scans only the whole graph

    def clear(self) -> None:
        self.execute("MATCH (n) DETACH DELETE n")

    # -- what only some engines offer (see Capabilities)
    def id_range(self) -> tuple[int, int]:
        """Internal node ids are at or above the first number and below the second (`id_ranges`)."""
        raise StoreError(f"{type(self).__name__} cannot scan by ranges of internal ids")

    def sample(self, count: int, ids: tuple[int, int] | None = None) -> tuple[list, list]:
        """About `count` nodes spread over the internal ids (in `ids`, the `id_range()` if not
        given), as (key, number of properties), and the relationships leaving them, as (source key,
        key, number of properties) (`id_ranges`)."""
        raise StoreError(f"{type(self).__name__} cannot sample by internal ids")

    @contextmanager
    def snapshots_deferred(self):
        """A block of heavy work (a streamed load) during which the engine takes no snapshot of
        itself, if it takes them on its own; here, nothing to defer."""
        yield

    def bulk_writer(self, path: Path):
        """A writer into this store, which must be empty (`bulk_insert`), for the streamed load of
        `path`: `nodes(rows)` for every batch of nodes, then `edges(rows)`, each returning Counters;
        `finish()` when all are in (indexes built, checked); `abort()` to leave the store empty again.
        Also `encode(kind, rows)`, a picklable function the streamed load runs where it maps the file,
        and `nodes_encoded` / `edges_encoded`, which take what it returns."""
        raise StoreError(f"{type(self).__name__} has no bulk writer")

    def describe(self) -> str:
        return redact(self.uri)


def checked_groups(items: list[dict], by: str) -> dict:
    """Nodes grouped by label set (`by="labels"`) or relationships by type (`by="type"`), in order;
    a label or type the ontology does not have is refused (StoreError), before anything is written."""
    ont = load()
    groups: dict = defaultdict(list)
    for item in items:
        groups[tuple(item[by]) if by == "labels" else item[by]].append(item)
    for name in groups:
        for one in (name if by == "labels" else (name,)):
            if one not in (ont.classes if by == "labels" else ont.rel_types):
                what = "label" if by == "labels" else "relationship type"
                raise StoreError(f"refusing to write unknown {what} {one!r}")
    return groups


def _grouped(items: list[dict], by: str) -> dict:
    """`checked_groups` as rows for the engine (key, ends and properties only), as write() sends them."""
    return {name: [{k: item[k] for k in ("key", "src", "dst", "props") if k in item} for item in group]
            for name, group in checked_groups(items, by).items()}


def open_store(uri: str | None = None, **options) -> Store:
    """Open the store a URI names (default: PENINSULA_STORE, else the embedded file)."""
    uri = uri or default_store_uri()
    scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
    if scheme == "embedded" or scheme == "":
        from peninsula.graph.falkor import EmbeddedFalkorStore

        return EmbeddedFalkorStore(uri.split(":", 1)[1] if scheme else uri, **options)
    if scheme in ("redis", "rediss"):
        from peninsula.graph.falkor import FalkorServerStore

        return FalkorServerStore(uri, **options)
    if scheme in ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"):
        from peninsula.graph.neo4j_store import Neo4jStore

        return Neo4jStore(uri, **options)
    raise StoreError(
        f"unknown store URI scheme {scheme!r} in {redact(uri)!r}. Use embedded:PATH for the built-in "
        "FalkorDB, redis://HOST:PORT for a FalkorDB server, or bolt://HOST:7687 / neo4j+s://HOST for Neo4j.")
