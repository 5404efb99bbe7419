"""Neo4j 5 (local, Aura or a cluster) through the official driver.

Credentials come from the URI's user info or NEO4J_USER / NEO4J_PASSWORD; the database from
the `database` option or NEO4J_DATABASE. Every query runs in a managed transaction
(`execute_read` / `execute_write`), so the driver retries transient failures (leader changes,
deadlocks, a lost connection) for up to `retry_seconds`. Read-only queries run in READ access mode,
which a cluster routes to a reader and which Neo4j itself refuses to write through.

The driver's errors become Peninsula's, each a one-line message with its exit code:

    neo4j.exceptions.AuthError                       -> StoreError (4): credentials refused
    ServiceUnavailable, SessionExpired               -> StoreError (4): Neo4j cannot be reached
    TransientError (after the retries)               -> StoreError (4): try again
    ClientError  Neo.ClientError.Statement.AccessMode-> ReadOnlyError (5)
                 Neo.ClientError.Statement.*         -> QueryError (6): the query is at fault
                 other                               -> StoreError (4)
    DatabaseError                                    -> StoreError (4)
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from peninsula.graph.store import Capabilities, Counters, Store, is_write, redact
from peninsula.ontology import QueryError, ReadOnlyError, StoreError, load
from peninsula.ontology.model import snake

CLEAR_BATCH = 10000
IN_TRANSACTIONS = re.compile(r"\bIN\s+TRANSACTIONS\b", re.IGNORECASE)


def schema_statements() -> list[str]:
    """The constraint and indexes Peninsula needs on Neo4j, derived from the ontology: `key` unique on
    Entity and indexed on every other class (the planner seeks only in an index of the label a pattern
    names), the pen:indexed properties on their domain's classes, `key` on every relationship type."""
    return [statement for _, statement in _schema()]


def _schema() -> list[tuple[str, str]]:
    """(name, statement) of every constraint and index, named so that SHOW reports what exists."""
    out = [("entity_key", "CREATE CONSTRAINT entity_key IF NOT EXISTS FOR (n:Entity) REQUIRE n.key IS UNIQUE")]
    for label, key in load().node_indexes():
        if (label, key) != ("Entity", "key"):
            name = f"node_{snake(label)}_{key}"
            out.append((name, f"CREATE INDEX {name} IF NOT EXISTS FOR (n:`{label}`) ON (n.{key})"))
    for t in sorted(load().rel_types):
        name = f"rel_key_{t.lower()}"
        out.append((name, f"CREATE INDEX {name} IF NOT EXISTS FOR ()-[r:`{t}`]-() ON (r.key)"))
    return out


def _plain(value):
    kind = type(value).__name__
    if kind == "Node":
        return {"_id": value.element_id, "_labels": sorted(value.labels), **{k: _plain(v) for k, v in value.items()}}
    if kind == "Relationship":
        return {"_id": value.element_id, "_type": value.type, "_src": value.start_node.element_id,
                "_dst": value.end_node.element_id, **{k: _plain(v) for k, v in value.items()}}
    if kind == "Path":
        return {"nodes": [_plain(n) for n in value.nodes], "edges": [_plain(r) for r in value.relationships]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if kind in ("Date", "DateTime", "Time", "LocalTime", "LocalDateTime", "Duration"):
        return value.iso_format()
    return value


class Neo4jStore(Store):
    dialect = "neo4j"
    # no bulk protocol over Bolt (neo4j-admin import wants a stopped database), elementIds are no
    # ranges, the driver's connections do not survive a fork, scans go by key
    capabilities = Capabilities()

    def __init__(self, uri: str, database: str | None = None, retry_seconds: float = 15.0):
        import neo4j

        self.uri = uri
        parts = urlsplit(uri)
        self.user = parts.username or os.environ.get("NEO4J_USER", "neo4j")
        password = parts.password or os.environ.get("NEO4J_PASSWORD", "")
        clean = parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")).geturl()
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self._neo4j = neo4j
        try:
            self.driver = neo4j.GraphDatabase.driver(clean, auth=(self.user, password),
                                                     max_transaction_retry_time=retry_seconds,
                                                     connection_acquisition_timeout=retry_seconds,
                                                     # deprecations and unknown property keys are the
                                                     # linter's business, not a log line per query
                                                     notifications_min_severity="OFF")
            self.driver.verify_connectivity()
        except Exception as exc:  # noqa: BLE001 - mapped to one message each
            raise self._mapped(exc, write=False) from None
        self.ensure_schema()

    # -- running queries
    def _run(self, cypher, params, *, write):
        if not write and is_write(cypher):
            raise ReadOnlyError("this query writes to the store; pass --write (write=True) if you mean it")

        def work(tx):
            result = tx.run(cypher, params)
            rows = [{k: _plain(v) for k, v in record.items()} for record in result]
            return rows, result.consume().counters

        try:
            with self.driver.session(database=self.database) as session:
                if write and IN_TRANSACTIONS.search(cypher):  # needs an auto-commit transaction
                    result = session.run(cypher, params)
                    rows = [{k: _plain(v) for k, v in record.items()} for record in result]
                    c = result.consume().counters
                else:
                    rows, c = (session.execute_write if write else session.execute_read)(work)
        except Exception as exc:  # noqa: BLE001 - every driver error becomes one of ours
            raise self._mapped(exc, write=write) from None
        counters = Counters(nodes_created=c.nodes_created, relationships_created=c.relationships_created,
                            properties_set=c.properties_set, labels_added=c.labels_added)
        counters.extra = {"nodes_deleted": c.nodes_deleted, "relationships_deleted": c.relationships_deleted}
        return rows, counters

    def _auto(self, cypher: str, params: dict | None = None) -> list[dict]:
        """An auto-commit transaction: schema commands and `CALL {...} IN TRANSACTIONS` need one."""
        try:
            with self.driver.session(database=self.database) as session:
                return [dict(r) for r in session.run(cypher, params or {})]
        except Exception as exc:  # noqa: BLE001
            raise self._mapped(exc, write=True) from None

    def _mapped(self, exc: Exception, *, write: bool) -> Exception:
        """A driver error -> ReadOnlyError, QueryError or StoreError, with a one-line message."""
        errors = self._neo4j.exceptions
        where = redact(self.uri)
        if isinstance(exc, errors.AuthError):
            return StoreError(f"Neo4j at {where} refused the credentials for user {self.user!r}. "
                              "Set NEO4J_USER and NEO4J_PASSWORD.")
        if isinstance(exc, (errors.ServiceUnavailable, errors.SessionExpired)) or isinstance(exc, OSError):
            return StoreError(f"cannot reach Neo4j at {where}: {type(exc).__name__}. Start it (make neo4j, "
                              "or docker compose up -d neo4j) or check the URI.")
        if isinstance(exc, errors.TransientError):
            return StoreError(f"Neo4j at {where} kept failing transiently ({exc.code}); try again: {exc.message}")
        if isinstance(exc, errors.ClientError):
            code = exc.code or ""
            if code == "Neo.ClientError.Statement.AccessMode" or (not write and "write" in (exc.message or "").lower()
                                                                  and "read" in (exc.message or "").lower()):
                return ReadOnlyError("this query writes to the store; pass --write (write=True) if you mean it")
            if isinstance(exc, errors.CypherSyntaxError) or code.startswith("Neo.ClientError.Statement."):
                # syntax, unknown function, type or argument errors: the query is at fault, not the store
                return QueryError(f"Neo4j refused the query: {_one_line(exc.message)} ({code})")
            return StoreError(f"Neo4j refused the query: {_one_line(exc.message)} ({code})")
        if isinstance(exc, errors.Neo4jError):
            return StoreError(f"Neo4j failed: {_one_line(exc.message)} ({exc.code})")
        if isinstance(exc, errors.DriverError):
            return StoreError(f"the Neo4j driver failed talking to {where}: {type(exc).__name__}: {exc}")
        if isinstance(exc, (TypeError, ValueError)):  # a parameter the driver cannot send
            return QueryError(f"a parameter cannot be sent to Neo4j: {exc}")
        return StoreError(f"Neo4j at {where}: {type(exc).__name__}: {exc}")

    # -- schema, clearing
    def ensure_schema(self) -> None:
        """Create only the constraints and indexes that SHOW CONSTRAINTS / SHOW INDEXES do not list."""
        have = {r["name"] for r in self._auto("SHOW CONSTRAINTS YIELD name RETURN name")}
        have |= {r["name"] for r in self._auto("SHOW INDEXES YIELD name RETURN name")}
        for name, statement in _schema():
            if name not in have:
                self._auto(statement)

    def clear(self) -> None:
        """Delete everything, in batches (one transaction per CLEAR_BATCH nodes), keeping the schema."""
        self._auto(f"MATCH (n) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF {CLEAR_BATCH} ROWS")

    def close(self) -> None:
        self.driver.close()

    def versions(self) -> dict:
        info = self.driver.get_server_info()
        return {"engine": info.agent, "protocol": ".".join(map(str, info.protocol_version))}


def _one_line(message: str | None) -> str:
    return " ".join((message or "").split())
