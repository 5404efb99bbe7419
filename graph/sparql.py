"""SPARQL over the store's RDF with its ontology, answered by a persistent pyoxigraph store.

The copy of the graph lives on disk beside the store's data (`cache_dir`) and is kept in step
with the store: each use reads a digest of the store (one query per element kind, hashed) and
reloads the copy only when the graph changed since; inferred triples are computed once per
change and kept too. What the copy holds, as named graphs:

- the data's own default graph and named graphs (TriG/N-Quads loads keep theirs);
- ``<…/graph/derived>``: what `build` and `analyze` derived (CAN_REACH, network scores), with its
  PROV description, apart from the curated facts;
- ``<…/graph/dataset/NAME>``: each loaded dataset's contribution (``cns:missile-tests``), with its PROV
  description (graph/named_graphs.py `datasets_apart` says which triples);
- the ontology's IRI (``PEN``, ``https://peninsula.invalid/ontology#`` unless moved): peninsula.ttl, so
  ``?x a/rdfs:subClassOf* pen:Agreement`` reaches every subclass;
- ``<…/graph/inferred-rdfs>`` and ``<…/graph/inferred-owlrl>``: what RDFS or OWL 2 RL rules add
  (graph/inference.py), present in the default graph of a query only with ``infer="rdfs"`` / ``"owlrl"``.

A query's default graph is the union of the data's default graph, its named graphs, the ontology
and the inferred graph asked for; GRAPH patterns see each named graph by its name.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pyoxigraph as ox

from peninsula.loaders.formats import RDF_FORMATS
from peninsula.ontology import QueryError, base_iri, load
from peninsula.ontology.model import PEN

INFERENCE = ("none", "rdfs", "owlrl")
RESULT_FORMATS = {  # SELECT / ASK: name -> (pyoxigraph format, media type)
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "csv": (ox.QueryResultsFormat.CSV, "text/csv"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values"),
}
GRAPH_MEDIA = {f.name: f.media_type for f in RDF_FORMATS.values()}  # CONSTRUCT / DESCRIBE: format -> media type
ONTOLOGY_GRAPH = ox.NamedNode(str(PEN))
LAYOUT = 2  # how the copy's graphs are laid out (2: a graph per loaded dataset); a copy of another is reloaded


def inferred_graph(level: str) -> ox.NamedNode:
    return ox.NamedNode(f"{base_iri()}graph/inferred-{level}")


def default_cache_dir(store) -> Path:
    """Where the copy of `store` lives: beside an embedded store's file, else in the user's cache."""
    uri = getattr(store, "uri", "")
    if uri.startswith("embedded:"):
        return Path(uri[len("embedded:"):] + ".sparql")
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return home / "peninsula" / "sparql" / hashlib.sha256(store.describe().encode()).hexdigest()[:16]


def store_digest(store) -> str:
    """SHA-256 over every node's and relationship's properties, read in one query each: equal digests,
    equal graphs (and so equal RDF)."""
    digest = hashlib.sha256(base_iri().encode())
    for cypher in ("MATCH (n) RETURN properties(n) AS p", "MATCH (a)-[r]->(b) RETURN a.key AS s, type(r) AS t, "
                   "b.key AS o, properties(r) AS p"):
        rows = sorted(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in store.query(cypher))
        for line in rows:
            digest.update(line.encode())
            digest.update(b"\n")
    return digest.hexdigest()


def derived_graph() -> ox.NamedNode:
    from peninsula.loaders.codec import derived_graph_iri

    return ox.NamedNode(derived_graph_iri())


def _nquads(store) -> bytes:
    """The store's RDF as N-Quads in the named graphs of the exports (`named_graphs.to_named_graphs`): the
    curated facts in the default graph, what `build` and `analyze` derived in ``<…/graph/derived>``,
    each loaded dataset's contribution in ``<…/graph/dataset/NAME>``; each named graph holds its own
    VoID + PROV description (`metadata.graph_descriptions`)."""
    from peninsula.graph.metadata import graph_descriptions
    from peninsula.graph.named_graphs import to_named_graphs
    from peninsula.loaders.rdf import to_dataset

    g = to_named_graphs(store)
    for name, description in graph_descriptions(g):
        if name is not None:  # the curated facts' description stays out of the curated graph
            for t in description:
                g.add_quad(*t, name)
    return to_dataset(g).serialize(format="nquads").encode("utf-8")


class SparqlStore:
    """A persistent pyoxigraph copy of one store's RDF, with its ontology (see the module doc)."""

    def __init__(self, store, cache_dir: Path | str | None = None):
        self.store = store
        self.dir = Path(cache_dir) if cache_dir is not None else default_cache_dir(store)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.persistent = True
        try:
            self.ox = ox.Store(str(self.dir / "oxigraph"))
        except OSError:  # held by another process (a running `serve`), or unreadable: a copy in memory
            self.ox = ox.Store()
            self.persistent = False
        self.reloads = 0  # how many times this object reloaded the copy (the tests read it)

    # ------------------------------------------------------------------ keeping in step
    def _state(self) -> dict:
        if not self.persistent:
            return getattr(self, "_memory_state", {})
        try:
            return json.loads((self.dir / "state.json").read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def _save_state(self, state: dict) -> None:
        if not self.persistent:
            self._memory_state = state
            return
        tmp = self.dir / "state.json.tmp"
        tmp.write_text(json.dumps(state), "utf-8")
        tmp.replace(self.dir / "state.json")

    def sync(self, infer: str = "none") -> bool:
        """Bring the copy in step with the store (and compute `infer` once); True if it reloaded."""
        if infer not in INFERENCE:
            raise QueryError(f"unknown inference {infer!r}; one of {', '.join(INFERENCE)}")
        digest = store_digest(self.store)
        state = self._state()
        reloaded = False
        if state.get("digest") != digest or state.get("layout") != LAYOUT:
            self._save_state({})  # a crash from here on leaves a copy marked stale
            self.ox.clear()
            self.ox.bulk_load(_nquads(self.store), format=ox.RdfFormat.N_QUADS)
            self.ox.bulk_load(load().graph.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
                              to_graph=ONTOLOGY_GRAPH)
            state = {"digest": digest, "layout": LAYOUT, "inferred": []}
            self._save_state(state)
            self.reloads += 1
            reloaded = True
        if infer != "none" and infer not in state["inferred"]:
            self._infer(infer)
            state["inferred"].append(infer)
            self._save_state(state)
        return reloaded

    def _infer(self, level: str) -> None:
        """What RDFS or OWL 2 RL entails from the data and the ontology, in its own graph (graph/inference.py)."""
        from peninsula.graph.inference import infer

        into = inferred_graph(level)
        if self.ox.contains_named_graph(into):
            self.ox.remove_graph(into)
        over = [g for g in self.graphs("none")[0]]
        infer(self.ox, level, into, over)

    # ------------------------------------------------------------------ asking
    def graphs(self, infer: str = "none") -> tuple[list, list]:
        """(the default graph a query sees, the named graphs GRAPH patterns see)."""
        inferred = {inferred_graph(level) for level in INFERENCE}
        named = [g for g in self.ox.named_graphs() if g not in inferred]
        if infer != "none":
            named.append(inferred_graph(infer))
        return [ox.DefaultGraph(), *named], named

    def query(self, text: str, infer: str = "none", default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None):
        """The pyoxigraph result (QuerySolutions, QueryBoolean or QueryTriples) of a SPARQL query.
        `default_graphs` / `named_graphs` (IRIs, the protocol's default-graph-uri / named-graph-uri)
        replace the dataset described in the module doc."""
        self.sync(infer)
        default, named = self.graphs(infer)
        if default_graphs:
            default = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            named = [ox.NamedNode(g) for g in named_graphs]
        try:
            return self.ox.query(text, default_graph=default, named_graphs=named)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}") from None
        except OSError as exc:
            raise QueryError(f"SPARQL evaluation failed: {exc}") from None

    def close(self) -> None:
        self.ox.flush()
        del self.ox


# ---------------------------------------------------------------------------- results
def kind_of(result) -> str:
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    if isinstance(result, ox.QuerySolutions):
        return "select"
    return "graph"


def serialize_result(result, fmt: str) -> tuple[bytes, str]:
    """A result in a W3C format (SELECT/ASK: json, xml, csv, tsv) or, for CONSTRUCT/DESCRIBE, in any
    export format (turtle, ntriples, jsonld, xml, trig, nquads, turtle12). Returns (bytes, media type)."""
    if kind_of(result) == "graph":
        from rdflib import Graph

        from peninsula.graph.export import serialize

        if fmt not in GRAPH_MEDIA:
            raise QueryError(f"CONSTRUCT/DESCRIBE results are RDF: --format one of {', '.join(GRAPH_MEDIA)}")
        g = Graph()
        g.parse(data=result.serialize(format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")
        from peninsula.graph.export import PREFIXES

        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns, override=True, replace=True)
        return serialize(g, fmt).encode("utf-8"), GRAPH_MEDIA[fmt]
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"SELECT/ASK results: --format one of table, {', '.join(RESULT_FORMATS)}")
    out_fmt, media = RESULT_FORMATS[fmt]
    return result.serialize(format=out_fmt), media


def rows(result) -> list[dict]:
    """SELECT solutions as plain rows of terms in SPARQL syntax (``"조선"@ko``, ``"2006"^^xsd:gYear``),
    for the table printer; ASK as one row."""
    if kind_of(result) == "ask":
        return [{"result": bool(result)}]
    names = [v.value for v in result.variables]
    return [{n: _show(sol[n]) for n in names} for sol in result]


def _show(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.language:
            return f'"{term.value}"@{term.language}'
        dt = term.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return term.value
        short = dt.replace("http://www.w3.org/2001/XMLSchema#", "xsd:")
        return f'"{term.value}"^^{short if short != dt else "<" + dt + ">"}'
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def run_sparql(store, text: str, fmt: str | None = None, infer: str = "none", cache_dir=None):
    """Answer `text` over `store`'s RDF (see SparqlStore). fmt "table" (None: the default for
    SELECT/ASK): rows (see `rows`); else (bytes, media type) in that format (`serialize_result`;
    None: Turtle for CONSTRUCT/DESCRIBE)."""
    sp = SparqlStore(store, cache_dir)
    try:
        result = sp.query(text, infer)
        if fmt is None:
            fmt = "turtle" if kind_of(result) == "graph" else "table"
        if fmt == "table":
            if kind_of(result) == "graph":
                raise QueryError("CONSTRUCT/DESCRIBE results are RDF: give --format turtle (or another RDF format)")
            return rows(result)
        return serialize_result(result, fmt)
    finally:
        sp.close()
