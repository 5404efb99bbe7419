"""Analytics: the projection and the scores, checked against networkx run independently on a
hand-made graph, against values known by hand, and for determinism."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from peninsula.graph.analytics import analyze, project, scores
from peninsula.ontology import load

ONT = load()
TRIANGLES = {"a": ["state/AA1", "state/AA2", "state/AA3"], "b": ["state/BB1", "state/BB2", "state/BB3"],
             "c": ["state/CC1", "state/CC2", "state/CC3"]}
HUB = "state/HUB"


def _node(key, cls="State", **props):
    return {"key": key, "labels": ONT.labels([cls]), "props": {"key": key, "class": cls, "name": key, **props}}


def _edge(src, dst, rel="ALLIED_WITH", **props):
    key = f"stmt/{src}-{rel}-{dst}".replace("/", "_")
    return {"type": rel, "key": key, "src": src, "dst": dst, "props": {"key": key, "sources": ["src/s"], **props}}


def hand_graph():
    """Three triangles joined by one hub, plus things the projection must leave out or filter."""
    nodes = [_node(k) for members in TRIANGLES.values() for k in members] + [_node(HUB)]
    edges = []
    for members in TRIANGLES.values():
        edges += [_edge(members[0], members[1]), _edge(members[1], members[2]), _edge(members[2], members[0])]
        edges.append(_edge(HUB, members[0], "SUPPORTS", kind="economic"))
    nodes.append(_node("src/s", "Source"))  # sources are never part of the network
    nodes.append(_node("state/NEW", valid_from="2020-01-01"))  # exists only from 2020
    edges.append(_edge("state/NEW", HUB, valid_from="2020-01-01"))
    edges.append(_edge("state/AA1", "state/BB2", valid_from="1990", valid_to="2000"))  # ended in 2000
    return nodes, edges


def expected_graph(*, as_of=None, family=None) -> nx.Graph:
    """The same network, written down by hand for each projection."""
    g = nx.Graph()
    for members in TRIANGLES.values():
        g.add_nodes_from(members)
        if family in (None, "alliance"):
            nx.add_cycle(g, members)
    g.add_node(HUB)
    if family in (None, "influence"):
        g.add_edges_from((HUB, m[0]) for m in TRIANGLES.values())
    if as_of is None or as_of >= "2020-01-01":
        g.add_node("state/NEW")
        if family in (None, "alliance"):
            g.add_edge("state/NEW", HUB)
    if family in (None, "alliance") and (as_of is None or "1990" <= as_of <= "2000-12-31"):
        g.add_edge("state/AA1", "state/BB2")
    return g


def _principal_eigenvector(g: nx.Graph, rounds: int = 5000) -> dict:
    """Plain power iteration on A + I (same eigenvector as A), unit Euclidean norm, written here."""
    x = {k: 1.0 for k in g}
    for _ in range(rounds):
        y = {k: x[k] + sum(x[m] for m in g[k]) for k in g}
        norm = sum(v * v for v in y.values()) ** 0.5
        x = {k: v / norm for k, v in y.items()}
    return x


@pytest.mark.parametrize("as_of, family", [(None, None), ("2010-06-01", None), ("2010-06-01", "alliance"),
                                           ("2010-06-01", "influence"), ("1995-01-01", None), ("2021-01-01", None)])
def test_projection(as_of, family):
    nodes, edges = hand_graph()
    g = project(nodes, edges, as_of=as_of, family=family)
    want = expected_graph(as_of=as_of, family=family)
    assert set(g.nodes) == set(want.nodes)
    assert {frozenset(e) for e in g.edges} == {frozenset(e) for e in want.edges}


def test_scores_match_networkx():
    nodes, edges = hand_graph()
    got = scores(project(nodes, edges, as_of="2010-06-01"))
    g = expected_graph(as_of="2010-06-01")
    degree, between = nx.degree_centrality(g), nx.betweenness_centrality(g)
    eigen = _principal_eigenvector(g)
    assert set(got) == set(g.nodes)
    for k in g:
        assert got[k]["degree"] == pytest.approx(degree[k], abs=1e-6)
        assert got[k]["betweenness"] == pytest.approx(between[k], abs=1e-6)
        assert got[k]["eigenvector"] == pytest.approx(abs(eigen[k]), abs=1e-4)


def test_scores_known_by_hand():
    """10 nodes: the hub touches 3 of 9 others; every shortest path between two triangles crosses it."""
    nodes, edges = hand_graph()
    got = scores(project(nodes, edges, as_of="2010-06-01"))
    assert got[HUB]["degree"] == pytest.approx(3 / 9, abs=1e-6)
    assert got["state/AA2"]["degree"] == pytest.approx(2 / 9, abs=1e-6)
    # hub: 27 pairs across triangles (3*3*3) all pass through it, out of C(9,2)=36 pairs among the others
    assert got[HUB]["betweenness"] == pytest.approx(27 / 36, abs=1e-6)
    # a triangle corner on the hub side: pairs (its 2 mates) x (the 7 nodes beyond it) = 14, of C(9,2)=36
    assert got["state/AA1"]["betweenness"] == pytest.approx(14 / 36, abs=1e-6)
    assert got["state/AA2"]["betweenness"] == 0
    top = max(got, key=lambda k: got[k]["eigenvector"])
    assert top == HUB or top in {m[0] for m in TRIANGLES.values()}


def test_communities_and_brokers():
    nodes, edges = hand_graph()
    got = scores(project(nodes, edges, as_of="2010-06-01"))
    for members in TRIANGLES.values():
        assert len({got[k]["community"] for k in members}) == 1, "a triangle is one community"
    assert len({got[m[0]]["community"] for m in TRIANGLES.values()}) == 3
    assert {k for k, v in got.items() if v["broker"]} == {HUB}, "only the hub links two other communities"
    # community ids are 0..n-1, largest first
    ids = sorted({v["community"] for v in got.values()})
    assert ids == list(range(len(ids)))


def test_deterministic_whatever_the_input_order():
    nodes, edges = hand_graph()
    first = scores(project(nodes, edges))
    for seed in range(5):
        rnd = random.Random(seed)
        n2, e2 = nodes[:], edges[:]
        rnd.shuffle(n2)
        rnd.shuffle(e2)
        assert scores(project(n2, e2)) == first


def test_empty_graph():
    assert scores(nx.Graph()) == {}


def test_analyze_writes_scores_back(store):
    nodes, edges = hand_graph()
    store.write(nodes, edges)
    result = analyze(store, as_of="2010-06-01")
    want = scores(project(nodes, edges, as_of="2010-06-01"))
    assert result == {"nodes": len(want), "communities": 3, "brokers": 1}
    rows = store.query("MATCH (n:Entity) WHERE n.degree IS NOT NULL RETURN n.key AS key, n.degree AS degree, "
                       "n.betweenness AS betweenness, n.community AS community, n.broker AS broker ORDER BY key")
    assert {r["key"] for r in rows} == set(want)
    for r in rows:
        w = want[r["key"]]
        assert (r["degree"], r["betweenness"], r["community"], r["broker"]) == pytest.approx(
            (w["degree"], w["betweenness"], w["community"], w["broker"]))
    assert analyze(store, as_of="2010-06-01") == result  # idempotent
