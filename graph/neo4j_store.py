"""Neo4j 5 (local, Aura or a cluster) through the official driver.

Credentials come from the URI's user info or NEO4J_USER / NEO4J_PASSWORD; the database from
the `database` option or NEO4J_DATABASE. Read-only queries run in READ access mode, which a
cluster routes to a reader and which Neo4j itself refuses to write through.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from peninsula.graph.store import Counters, Store, is_write, redact
from peninsula.ontology import QueryError, ReadOnlyError, StoreError, load
from peninsula.ontology.model import snake


def schema_statements() -> list[str]:
    """The constraint and indexes Peninsula needs on Neo4j, derived from the ontology: `key` unique on
    Entity and indexed on every other class (the planner seeks only in an index of the label a pattern
    names), the pen:indexed properties on their domain's classes, `key` on every relationship type."""
    out = ["CREATE CONSTRAINT entity_key IF NOT EXISTS FOR (n:Entity) REQUIRE n.key IS UNIQUE"]
    out += [f"CREATE INDEX node_{snake(label)}_{key} IF NOT EXISTS FOR (n:`{label}`) ON (n.{key})"
            for label, key in load().node_indexes() if (label, key) != ("Entity", "key")]
    out += [f"CREATE INDEX rel_key_{t.lower()} IF NOT EXISTS FOR ()-[r:`{t}`]-() ON (r.key)"
            for t in sorted(load().rel_types)]
    return out


def _plain(value):
    kind = type(value).__name__
    if kind == "Node":
        return {"_id": value.element_id, "_labels": sorted(value.labels), **dict(value)}
    if kind == "Relationship":
        return {"_id": value.element_id, "_type": value.type, "_src": value.start_node.element_id,
                "_dst": value.end_node.element_id, **dict(value)}
    if kind == "Path":
        return {"nodes": [_plain(n) for n in value.nodes], "edges": [_plain(r) for r in value.relationships]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class Neo4jStore(Store):
    dialect = "neo4j"

    def __init__(self, uri: str, database: str | None = None):
        import neo4j

        self.uri = uri
        parts = urlsplit(uri)
        user = parts.username or os.environ.get("NEO4J_USER", "neo4j")
        password = parts.password or os.environ.get("NEO4J_PASSWORD", "")
        clean = parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")).geturl()
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self._neo4j = neo4j
        try:
            self.driver = neo4j.GraphDatabase.driver(clean, auth=(user, password))
            self.driver.verify_connectivity()
        except neo4j.exceptions.AuthError:
            raise StoreError(f"Neo4j at {redact(uri)} refused the credentials for user {user!r}. "
                             "Set NEO4J_USER and NEO4J_PASSWORD.") from None
        except Exception as exc:  # noqa: BLE001 - unreachable, DNS, TLS: one message
            raise StoreError(f"cannot reach Neo4j at {redact(uri)}: {type(exc).__name__}. Start it "
                             "(docker compose up -d neo4j) or check the URI.") from None
        self.ensure_schema()

    def _run(self, cypher, params, *, write):
        if not write and is_write(cypher):
            raise ReadOnlyError("this query writes to the store; pass --write (write=True) if you mean it")
        neo4j = self._neo4j
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        try:
            with self.driver.session(database=self.database, default_access_mode=mode) as session:
                result = session.run(cypher, params)
                rows = [{k: _plain(v) for k, v in record.items()} for record in result]
                c = result.consume().counters
        except neo4j.exceptions.ClientError as exc:
            code = exc.code or ""
            if not write and code == "Neo.ClientError.Statement.AccessMode":
                raise ReadOnlyError(str(exc)) from None
            if isinstance(exc, neo4j.exceptions.CypherSyntaxError) or code.startswith("Neo.ClientError.Statement."):
                # syntax, unknown function, type or argument errors: the query is at fault, not the store
                raise QueryError(f"Neo4j refused the query: {exc.message} ({code})") from None
            if not write and "write" in str(exc).lower():
                raise ReadOnlyError(str(exc)) from None
            raise StoreError(f"Neo4j refused the query: {exc.message}") from None
        return rows, Counters(nodes_created=c.nodes_created, relationships_created=c.relationships_created,
                              properties_set=c.properties_set, labels_added=c.labels_added)

    def ensure_schema(self) -> None:
        for cypher in schema_statements():
            self._run(cypher, {}, write=True)

    def close(self) -> None:
        self.driver.close()

    def versions(self) -> dict:
        info = self.driver.get_server_info()
        return {"engine": info.agent, "protocol": ".".join(map(str, info.protocol_version))}
