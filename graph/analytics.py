"""Network analytics with networkx: centralities, Louvain communities, brokers between them."""

from __future__ import annotations

import networkx as nx

SCORES = ("degree", "betweenness", "eigenvector", "community", "broker")
# Relationships derived from other facts (graph.reach writes CAN_REACH after scoring): never part
# of the network, so `build` (which scores before deriving them) and `analyze` (which reads the
# store) score one and the same projection.
DERIVED = frozenset({"CAN_REACH"})


def families() -> list[str]:
    """The relationship families of the ontology (pen:family), those `--family` accepts."""
    from peninsula.ontology import load

    return sorted({p.family for t, p in load().rel_types.items() if p.family and t not in DERIVED})


def check_date(text: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date (queries.partial_date); InputError otherwise."""
    from peninsula.ontology import InputError
    from peninsula.queries import partial_date

    try:
        return partial_date(text)
    except ValueError as exc:
        raise InputError(str(exc), field="as_of") from None


def _valid(props: dict, as_of: str | None) -> bool:
    if as_of is None:
        return True
    start = props.get("valid_from") or props.get("date")
    end = props.get("valid_to") or props.get("end_date")
    return (start is None or str(start) <= as_of) and (end is None or str(end) >= as_of[: len(str(end))])


def project(nodes, edges, *, as_of: str | None = None, family: str | None = None) -> nx.Graph:
    """An undirected networkx graph of the entities (sources left out), as of a date, one family.

    Derived relationships (CAN_REACH) are left out, whichever family is asked for."""
    from peninsula.ontology import load

    ont = load()
    g = nx.Graph()
    for n in sorted(nodes, key=lambda n: n["key"]):
        if "Source" not in n["labels"] and _valid(n["props"], as_of):
            g.add_node(n["key"])
    for e in sorted(edges, key=lambda e: (e["src"], e["dst"], e["type"], e["key"])):
        if e["type"] in DERIVED:
            continue
        prop = ont.rel_types.get(e["type"])
        if family and (prop is None or prop.family != family):
            continue
        if e["src"] in g and e["dst"] in g and _valid(e["props"], as_of):
            g.add_edge(e["src"], e["dst"])
    return g


def scores(g: nx.Graph) -> dict[str, dict]:
    """degree, betweenness, eigenvector, community and broker for every node, deterministic."""
    if g.number_of_nodes() == 0:
        return {}
    degree = nx.degree_centrality(g)
    between = nx.betweenness_centrality(g, normalized=True)
    try:
        eigen = nx.eigenvector_centrality(g, max_iter=1000, tol=1e-8)
    except nx.PowerIterationFailedConvergence:
        eigen = {k: 0.0 for k in g}
    communities = nx.community.louvain_communities(g, seed=7)
    community = {k: i for i, members in enumerate(sorted(communities, key=lambda c: (-len(c), min(c))))
                 for k in members}
    out = {}
    for k in sorted(g):
        neighbour_communities = {community[m] for m in g[k]} - {community[k]}
        out[k] = {"degree": round(degree[k], 6), "betweenness": round(between[k], 6),
                  "eigenvector": round(eigen[k], 6), "community": community[k],
                  "broker": len(neighbour_communities) >= 2}
    return out


def annotate(nodes, edges, **options) -> int:
    """Write the scores into node batches before they are stored (so build stays idempotent)."""
    result = scores(project(nodes, edges, **options))
    for n in nodes:
        if n["key"] in result:
            n["props"].update(result[n["key"]])
    return len(result)


def analyze(store, *, as_of: str | None = None, family: str | None = None, write: bool = True,
            top: int = 10) -> dict:
    """Project the store, score it and write the scores back as node properties.

    The scores are one set per node, which the influence pack and the views read: a projection
    as of a date or of one family replaces them, and nodes outside it lose theirs (stale scores
    of another projection would be worse than none); `build` or a plain `analyze` restores the
    scores of the whole graph. write=False computes without touching the store."""
    if as_of is not None:
        check_date(as_of)
    result = scores(project(list(store.nodes()), list(store.edges()), as_of=as_of, family=family))
    cleared = 0
    if write:
        if result:
            rows = [{"key": k, **v} for k, v in result.items()]
            store.execute(
                "UNWIND $rows AS row MATCH (n:Entity {key: row.key}) "
                "WITH n, row WHERE n.degree IS NULL OR n.degree <> row.degree OR n.betweenness <> row.betweenness "
                "OR n.eigenvector <> row.eigenvector OR n.community <> row.community OR n.broker <> row.broker "
                "SET n.degree = row.degree, n.betweenness = row.betweenness, n.eigenvector = row.eigenvector, "
                "n.community = row.community, n.broker = row.broker", {"rows": rows})
        stale = [r["key"] for r in store.query("MATCH (n:Entity) WHERE n.degree IS NOT NULL OR n.community IS NOT NULL "
                                               "RETURN n.key AS key") if r["key"] not in result]
        if stale:
            store.execute("UNWIND $keys AS k MATCH (n:Entity {key: k}) SET n.degree = NULL, n.betweenness = NULL, "
                          "n.eigenvector = NULL, n.community = NULL, n.broker = NULL", {"keys": stale})
        cleared = len(stale)
    ranked = sorted(result, key=lambda k: (-result[k]["betweenness"], -result[k]["degree"], k))[:top]
    return {"nodes": len(result), "communities": len({v["community"] for v in result.values()}),
            "brokers": sum(v["broker"] for v in result.values()), "cleared": cleared,
            "top": [{"key": k, **result[k]} for k in ranked]}
