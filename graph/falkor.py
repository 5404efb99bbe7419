"""FalkorDB stores: embedded (falkordblite's child redis) and a FalkorDB server."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from peninsula.graph.store import GRAPH_NAME, Counters, Store, is_write, redact
from peninsula.ontology import QueryError, ReadOnlyError, StoreError, load

_SCALARS = frozenset((str, int, float, bool, type(None)))


def _plain(value):
    """FalkorDB result values -> plain Python (nodes and edges become dicts)."""
    if type(value) in _SCALARS:  # most values: returned as they are, without the checks below
        return value
    kind = type(value).__name__
    if kind == "Node":
        return {"_id": value.id, "_labels": list(value.labels), **dict(value.properties)}
    if kind == "Edge":
        return {"_id": value.id, "_type": value.relation, "_src": value.src_node, "_dst": value.dest_node,
                **dict(value.properties)}
    if kind == "Path":
        return {"nodes": [_plain(n) for n in value.nodes()], "edges": [_plain(e) for e in value.edges()]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# Replies of redis itself (not of the graph engine): the server, not the query, is at fault.
_SERVER_REPLIES = ("unknown command", "wrongtype", "misconf", "busy", "loading", "oom", "noauth", "readonly")


def _is_query_error(exc: Exception) -> bool:
    """The engine refused the query itself (syntax, unknown variable or function, bad argument):
    a plain redis ResponseError; its subclasses and connection errors are the store's trouble."""
    from redis.exceptions import ResponseError

    return type(exc) is ResponseError and not str(exc).lower().startswith(_SERVER_REPLIES)


class _FalkorStore(Store):
    dialect = "falkordb"
    graph = None

    def _run(self, cypher, params, *, write):
        if not write and is_write(cypher):
            raise ReadOnlyError("this query writes to the store; pass --write (write=True) if you mean it")
        try:
            result = (self.graph.query if write else self.graph.ro_query)(cypher, params)
        except Exception as exc:  # the client raises redis errors of several kinds
            msg = str(exc)
            if "read-only" in msg or "RO_QUERY" in msg:
                raise ReadOnlyError("this query writes to the store; pass --write (write=True) if you mean it") from exc
            if _is_query_error(exc):
                raise QueryError(f"FalkorDB refused the query: {msg}") from exc
            raise StoreError(f"FalkorDB refused the query: {msg}") from exc
        header = [h[1] if isinstance(h, (list, tuple)) else h for h in (result.header or [])]
        rows = [dict(zip(header, (_plain(v) for v in row), strict=False)) for row in result.result_set or []]
        counters = Counters(
            nodes_created=int(result.nodes_created or 0),
            relationships_created=int(result.relationships_created or 0),
            properties_set=int(result.properties_set or 0),
            labels_added=int(result.labels_added or 0),
        )
        counters.extra = {"properties_removed": int(getattr(result, "properties_removed", 0) or 0),
                          "nodes_deleted": int(result.nodes_deleted or 0),
                          "relationships_deleted": int(result.relationships_deleted or 0)}
        return rows, counters

    def ensure_schema(self) -> None:
        # FalkorDB uses an index only for the label a pattern names: `(m:WeaponSystem {key: $k})`
        # needs one on WeaponSystem, so every class gets its key index, not only Entity, and each
        # pen:indexed property (iso3, symbol, wikidata) one on its domain's classes. One statement
        # per label adds the fields it lacks (adding a field re-indexes the label).
        ont = load()
        wanted: dict[tuple[str, str], list[str]] = {}
        for label, key in ont.node_indexes():
            wanted.setdefault(("NODE", label), []).append(key)
        for t in sorted(ont.rel_types):
            wanted[("RELATIONSHIP", t)] = ["key"]
        have = self._indexed()
        statements = []
        for (kind, name), keys in wanted.items():
            fields = ", ".join(f"x.{k}" for k in keys if k not in have.get((kind, name), ()))
            if fields:
                statements.append(f"CREATE INDEX FOR (x:`{name}`) ON ({fields})" if kind == "NODE"
                                  else f"CREATE INDEX FOR ()-[x:`{name}`]-() ON ({fields})")
        for cypher in statements:
            try:
                self.graph.query(cypher)
            except Exception as exc:  # noqa: BLE001 - "already indexed" is the expected answer
                if "already indexed" not in str(exc):
                    raise StoreError(f"could not create index: {exc}") from exc

    def _indexed(self) -> dict[tuple[str, str], set[str]]:
        """(entity type, label or type) -> the properties FalkorDB indexes there now."""
        try:
            rows = self.graph.query("CALL db.indexes() YIELD label, properties, entitytype "
                                    "RETURN entitytype, label, properties").result_set
        except Exception:  # noqa: BLE001 - a graph that does not exist yet has no indexes
            return {}
        return {(kind, label): set(props) for kind, label, props in rows}

    def clear(self) -> None:
        try:
            self.graph.delete()
        except Exception:  # noqa: BLE001 - deleting a graph that does not exist yet
            pass
        self.ensure_schema()


class EmbeddedFalkorStore(_FalkorStore):
    """FalkorDB embedded: falkordblite starts a private redis with the module on a unix socket."""

    def __init__(self, path: str, graph: str = GRAPH_NAME):
        path = Path(path).expanduser()
        self.uri = f"embedded:{path}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            from redislite.falkordb_client import FalkorDB

            self.db = FalkorDB(str(path))
        except Exception as exc:  # noqa: BLE001 - report any start-up failure the same way
            raise StoreError(f"could not start the embedded FalkorDB at {path}: {exc}. Check that the "
                             "directory is writable and that falkordblite is installed (make demo does it).") from exc
        self.graph = self.db.select_graph(graph)
        self.ensure_schema()

    def close(self) -> None:
        db, self.db = getattr(self, "db", None), None
        if db is not None:
            try:
                from redis.backoff import NoBackoff
                from redis.retry import Retry

                # the server closes the socket as it shuts down; without this redis-py retries with
                # backoff for ~4 s before giving up
                db.client.set_retry(Retry(NoBackoff(), 0))
                # Another process that opened the same file shares this server (redislite connects
                # to a running one): shut it down (saving) only when no other client is connected.
                db.client.connection_pool.disconnect()
                if db.client._connection_count() <= 1:
                    db.client.shutdown(save=True, now=True)
                else:
                    db.client.connection_pool.disconnect()
            except Exception:  # noqa: BLE001 - the child may already be gone
                pass

    def versions(self) -> dict:
        info = self.db.client.info("server")
        return {"redis": info.get("redis_version"), "engine": "FalkorDB (falkordblite)"}


class FalkorServerStore(_FalkorStore):
    def __init__(self, uri: str, graph: str | None = None):
        self.uri = uri
        parts = urlsplit(uri)
        graph = graph or (parts.path.strip("/") or GRAPH_NAME)
        try:
            from falkordb import FalkorDB

            self.db = FalkorDB(host=parts.hostname or "localhost", port=parts.port or 6379,
                               username=parts.username, password=parts.password,
                               ssl=parts.scheme == "rediss")
            self.db.connection.ping()
        except Exception as exc:  # noqa: BLE001
            raise StoreError(f"cannot reach the FalkorDB server at {redact(uri)}: {type(exc).__name__}. "
                             "Start it (docker compose up -d falkordb) or check host, port and password.") from None
        self.graph = self.db.select_graph(graph)
        self.ensure_schema()

    def close(self) -> None:
        try:
            self.db.connection.close()
        except Exception:  # noqa: BLE001
            pass

    def versions(self) -> dict:
        info = self.db.connection.info("server")
        return {"redis": info.get("redis_version"), "engine": "FalkorDB server"}
