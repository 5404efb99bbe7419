"""Network analytics with networkx: centralities, Louvain communities, brokers between them."""

from __future__ import annotations

import networkx as nx

SCORES = ("degree", "betweenness", "eigenvector", "community", "broker")


def _valid(props: dict, as_of: str | None) -> bool:
    if as_of is None:
        return True
    start = props.get("valid_from") or props.get("date")
    end = props.get("valid_to") or props.get("end_date")
    return (start is None or str(start) <= as_of) and (end is None or str(end) >= as_of[: len(str(end))])


def project(nodes, edges, *, as_of: str | None = None, family: str | None = None) -> nx.Graph:
    """An undirected networkx graph of the entities (sources left out), as of a date, one family."""
    from peninsula.ontology import load

    ont = load()
    g = nx.Graph()
    for n in sorted(nodes, key=lambda n: n["key"]):
        if "Source" not in n["labels"] and _valid(n["props"], as_of):
            g.add_node(n["key"])
    for e in sorted(edges, key=lambda e: (e["src"], e["dst"], e["type"], e["key"])):
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


def analyze(store, *, as_of: str | None = None, family: str | None = None, write: bool = True) -> dict:
    """Project the store, score it and write the scores back as node properties."""
    result = scores(project(list(store.nodes()), list(store.edges()), as_of=as_of, family=family))
    if write and result:
        rows = [{"key": k, **v} for k, v in result.items()]
        store.execute(
            "UNWIND $rows AS row MATCH (n:Entity {key: row.key}) "
            "WITH n, row WHERE n.degree IS NULL OR n.degree <> row.degree OR n.betweenness <> row.betweenness "
            "OR n.eigenvector <> row.eigenvector OR n.community <> row.community OR n.broker <> row.broker "
            "SET n.degree = row.degree, n.betweenness = row.betweenness, n.eigenvector = row.eigenvector, "
            "n.community = row.community, n.broker = row.broker", {"rows": rows})
    return {"nodes": len(result), "communities": len({v["community"] for v in result.values()}),
            "brokers": sum(v["broker"] for v in result.values())}
