"""Network analytics with networkx over the actor network: centralities, Louvain communities, brokers."""

from __future__ import annotations

import networkx as nx

from peninsula.ontology import load
from peninsula.ontology.temporal import holds, partial_date, period

SCORES = ("degree", "betweenness", "eigenvector", "community", "broker")
# Relationships derived from other facts (graph.reach writes CAN_REACH after scoring): never part
# of the network, so `build` (which scores before deriving them) and `analyze` (which reads the
# store) score one and the same projection.
DERIVED = load().derived  # pen:derived in the ontology


def families() -> list[str]:
    """The relationship families of the ontology (pen:family), those `--family` accepts."""
    return sorted({p.family for t, p in load().rel_types.items() if p.family and t not in DERIVED})


def check_date(text: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date (temporal.partial_date); InputError otherwise."""
    from peninsula.ontology import InputError

    try:
        return partial_date(text)
    except ValueError as exc:
        raise InputError(str(exc), field="as_of") from None


# How much one fact ties two actors (see README, "Analytics: the actor network"). Direct ties between
# two actors count in full; an agreement or a sanctions target shared by n actors ties each pair with
# weight / (n - 1), so a bilateral treaty weighs as much as an alliance-free joint statement of six.
WEIGHTS = {
    "ALLIED_WITH": 3.0,            # alliance (family alliance)
    "SUPPLIES_ARMS_TO": 2.0,       # arms supply (family influence)
    "SUPPORTS": 1.0,               # support of another kind (family influence)
    "SUPPORTS:military": 2.0,
    "SUPPORTS:intelligence": 2.0,
    "PARTY_TO": 1.0,               # parties to one agreement (family agreement)
    "IMPOSES": 0.5,                # imposers of sanctions on one target (family sanction)
}
# Which relationship types each projected tie comes from, and the family `--family` selects it by.
DIRECT = ("ALLIED_WITH", "SUPPLIES_ARMS_TO", "SUPPORTS")


def _valid(props: dict, as_of: str | None) -> bool:
    """The one as-of rule (temporal.holds) over a fact's period (temporal.period); no as_of: always."""
    return as_of is None or holds(*period(props), as_of)


def _is_actor(node) -> bool:
    labels = set(node["labels"])
    return "Actor" in labels and "Person" not in labels


def _family(rel: str) -> str | None:
    prop = load().rel_types.get(rel)
    return prop.family if prop else None


def ties(nodes, edges, *, as_of: str | None = None, family: str | None = None) -> dict:
    """Weighted ties between actors: {(a, b): {"weight": w, "kinds": {kind: count}}} with a < b."""
    by_key = {n["key"]: n for n in nodes}
    actors = {k for k, n in by_key.items() if _is_actor(n) and _valid(n["props"], as_of)}
    out: dict = {}

    def tie(a, b, weight, kind):
        if a == b or a not in actors or b not in actors:
            return
        pair = (min(a, b), max(a, b))
        entry = out.setdefault(pair, {"weight": 0.0, "kinds": {}})
        entry["weight"] += weight
        entry["kinds"][kind] = entry["kinds"].get(kind, 0) + 1

    shared: dict = {}
    for e in sorted(edges, key=lambda e: (e["type"], e["src"], e["dst"], e["key"])):
        rel, props = e["type"], e["props"]
        if rel in DERIVED or (family and _family(rel) != family) or not _valid(props, as_of):
            continue
        if rel in DIRECT:
            kind = f"{rel}:{props['kind']}" if rel == "SUPPORTS" and props.get("kind") else rel
            tie(e["src"], e["dst"], WEIGHTS.get(kind, WEIGHTS[rel]), rel)
        elif rel == "PARTY_TO":
            doc = by_key.get(e["dst"])
            if doc and "Agreement" in doc["labels"] and _valid(doc["props"], as_of):
                shared.setdefault(("PARTY_TO", e["dst"]), set()).add(e["src"])
        elif rel == "IMPOSES":
            shared.setdefault(("IMPOSES", e["dst"]), set()).add(e["src"])
    if not family or family == "sanction":  # instruments -> the actors they target
        targets: dict = {}
        for e in edges:
            if e["type"] == "TARGETS" and _valid(e["props"], as_of):
                targets.setdefault(e["src"], set()).add(e["dst"])
        by_target: dict = {}
        for (rel, doc), imposers in shared.items():
            if rel == "IMPOSES" and doc in by_key and _valid(by_key[doc]["props"], as_of):
                for target in targets.get(doc, ()):
                    by_target.setdefault(target, set()).update(imposers - {target})
        shared = {k: v for k, v in shared.items() if k[0] != "IMPOSES"}
        shared.update({("IMPOSES", t): v for t, v in by_target.items()})
    for (rel, _doc), members in sorted(shared.items()):
        members = sorted(m for m in members if m in actors)
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                tie(a, b, WEIGHTS[rel] / (len(members) - 1), rel)
    return out


def project(nodes, edges, *, as_of: str | None = None, family: str | None = None) -> nx.Graph:
    """The actor network: states and organizations (not persons, events, documents, places or weapons),
    tied by alliances, support and arms supply, by the agreements they are party to together and by the
    targets they sanction together, each tie weighted by kind (WEIGHTS), as of a date, one family.
    Actors with no tie are left out; derived relationships (CAN_REACH) never count."""
    g = nx.Graph()
    for (a, b), entry in sorted(ties(nodes, edges, as_of=as_of, family=family).items()):
        g.add_edge(a, b, weight=round(entry["weight"], 6), distance=round(1.0 / entry["weight"], 6),
                   kinds=dict(sorted(entry["kinds"].items())))
    return g


def scores(g: nx.Graph) -> dict[str, dict]:
    """degree, betweenness, eigenvector, community and broker for every node, deterministic."""
    if g.number_of_nodes() == 0:
        return {}
    degree = nx.degree_centrality(g)
    between = nx.betweenness_centrality(g, normalized=True, weight="distance")
    try:
        eigen = nx.eigenvector_centrality(g, max_iter=1000, tol=1e-8, weight="weight")
    except nx.PowerIterationFailedConvergence:
        eigen = {k: 0.0 for k in g}
    communities = nx.community.louvain_communities(g, weight="weight", seed=7)
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
