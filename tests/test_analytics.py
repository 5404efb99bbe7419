"""Analytics: the projection and the scores, checked against networkx run independently on a
hand-made graph, against values known by hand, and for determinism."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from peninsula.graph.analytics import analyze, check_date, families, project, scores
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
    """The same network, written down by hand for each projection: alliances weigh 3, economic support 1;
    actors without a tie are left out."""
    g = nx.Graph()
    for members in TRIANGLES.values():
        if family in (None, "alliance"):
            nx.add_cycle(g, members, weight=3.0)
    if family in (None, "influence"):
        g.add_edges_from(((HUB, m[0]) for m in TRIANGLES.values()), weight=1.0)
    if (as_of is None or as_of >= "2020-01-01") and family in (None, "alliance"):
        g.add_edge("state/NEW", HUB, weight=3.0)
    if family in (None, "alliance") and (as_of is None or "1990" <= as_of <= "2000-12-31"):
        g.add_edge("state/AA1", "state/BB2", weight=3.0)
    return g


def _principal_eigenvector(g: nx.Graph, rounds: int = 5000) -> dict:
    """Plain power iteration on W + I (same eigenvector as the weight matrix W), unit norm, written here."""
    x = {k: 1.0 for k in g}
    for _ in range(rounds):
        y = {k: x[k] + sum(x[m] * g[k][m]["weight"] for m in g[k]) for k in g}
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
    assert all(g[a][b]["weight"] == want[a][b]["weight"] for a, b in want.edges)


def test_scores_match_networkx():
    nodes, edges = hand_graph()
    got = scores(project(nodes, edges, as_of="2010-06-01"))
    g = expected_graph(as_of="2010-06-01")
    for a, b in g.edges:
        g[a][b]["length"] = 1 / g[a][b]["weight"]
    degree, between = nx.degree_centrality(g), nx.betweenness_centrality(g, weight="length")
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
    assert {k: result[k] for k in ("nodes", "communities", "brokers")} == {"nodes": len(want), "communities": 3,
                                                                          "brokers": 1}
    rows = store.query("MATCH (n:Entity) WHERE n.degree IS NOT NULL RETURN n.key AS key, n.degree AS degree, "
                       "n.betweenness AS betweenness, n.community AS community, n.broker AS broker ORDER BY key")
    assert {r["key"] for r in rows} == set(want)
    for r in rows:
        w = want[r["key"]]
        assert (r["degree"], r["betweenness"], r["community"], r["broker"]) == pytest.approx(
            (w["degree"], w["betweenness"], w["community"], w["broker"]))
    assert analyze(store, as_of="2010-06-01") == result  # idempotent


# ------------------------------------------------------------ one projection for build and analyze
REACH_YAML = """\
sources:
  - id: src/xx-atlas
    publisher: Test Publisher
    title: A made-up atlas for tests
    date: 2020-01-01
entities:
  - id: state/PRK
    type: State
    name: {en: Alpha}
    iso3: PRK
    sources: [src/xx-atlas]
    links:
      - {rel: develops, to: missile/xx-1, sources: [src/xx-atlas]}
  - id: state/XXB
    type: State
    name: {en: Beta}
    iso3: XXB
    sources: [src/xx-atlas]
    links:
      - {rel: alliedWith, to: state/PRK, valid_from: 1990, sources: [src/xx-atlas]}
  - id: place/xx-site
    type: LaunchSite
    name: {en: Alpha launch site}
    latitude: 40.0
    longitude: 125.0
    sources: [src/xx-atlas]
    links:
      - {rel: locatedIn, to: state/PRK, sources: [src/xx-atlas]}
  - id: place/xx-city
    type: City
    name: {en: Beta city}
    latitude: 35.0
    longitude: 135.0
    sources: [src/xx-atlas]
    links:
      - {rel: locatedIn, to: state/XXB, sources: [src/xx-atlas]}
  - id: missile/xx-1
    type: MissileSystem
    name: {en: XX-1}
    range_max_km: 5000
    sources: [src/xx-atlas]
"""


def _scores_in(store) -> dict:
    rows = store.query("MATCH (n:Entity) WHERE n.degree IS NOT NULL RETURN n.key AS key, n.degree AS degree, "
                       "n.betweenness AS betweenness, n.community AS community")
    return {r["key"]: (r["degree"], r["betweenness"], r["community"]) for r in rows}


def test_projection_leaves_derived_reach_out():
    nodes, edges = hand_graph()
    reach = [_edge("state/AA2", "state/CC2", "CAN_REACH")]  # would join two triangles if counted
    for family in (None, "capability"):
        g = project(nodes, edges + reach, family=family)
        assert not g.has_edge("state/AA2", "state/CC2")
    assert project(nodes, edges + reach).edges == project(nodes, edges).edges


def test_build_then_analyze_then_build_changes_nothing(store, tmp_path):
    from peninsula.graph.build import build

    (tmp_path / "reach.yaml").write_text(REACH_YAML, encoding="utf-8")
    first = build(store, tmp_path)
    assert first.derived["can_reach"] == 1, "the fixture must derive a CAN_REACH edge, or this tests nothing"
    built = _scores_in(store)
    analyze(store)
    assert _scores_in(store) == built, "analyze without options scores what build scored"
    again = build(store, tmp_path)
    c = again.counters
    assert (c.nodes_created, c.relationships_created, c.properties_set) == (0, 0, 0)


def test_as_of_clears_scores_outside_the_projection_and_a_plain_run_restores_them(store):
    nodes, edges = hand_graph()
    store.write(nodes, edges)
    analyze(store)
    full = _scores_in(store)
    assert "state/NEW" in full
    result = analyze(store, as_of="2010-06-01")
    assert result["cleared"] == 1
    assert set(_scores_in(store)) == set(full) - {"state/NEW"}, "state/NEW did not exist in 2010"
    rows = store.query("MATCH (n:Entity {key: 'state/NEW'}) RETURN n.betweenness AS b, n.broker AS broker, "
                       "n.eigenvector AS e, n.community AS c")
    assert rows == [{"b": None, "broker": None, "e": None, "c": None}]
    analyze(store)
    assert _scores_in(store) == full


def test_dry_run_writes_nothing_and_ranks_by_betweenness(store):
    nodes, edges = hand_graph()
    store.write(nodes, edges)
    result = analyze(store, as_of="2010-06-01", write=False, top=3)
    assert _scores_in(store) == {}
    assert result["top"][0]["key"] == HUB
    assert len(result["top"]) == 3
    between = [r["betweenness"] for r in result["top"]]
    assert between == sorted(between, reverse=True)


def test_families_are_the_ontology_annotations():
    from rdflib import Namespace

    pen = Namespace("https://peninsula.invalid/ontology#")
    declared = {str(o) for o in ONT.graph.objects(None, pen.family)}
    assert families() == sorted(declared)
    assert "alliance" in families() and "bogus" not in families()


@pytest.mark.parametrize("text", ["2006", "2006-10", "2006-10-09", "2024-02-29"])
def test_check_date_accepts_partial_dates(text):
    assert check_date(text) == text


@pytest.mark.parametrize("text, words", [("notadate", "not a date"), ("2006-13", "not a real calendar date"),
                                          ("2023-02-29", "not a real calendar date"), ("06-10-09", "not a date"),
                                          ("2006-1-9", "not a date")])
def test_check_date_refuses_others(text, words):
    from peninsula.ontology import InputError

    with pytest.raises(InputError) as err:
        check_date(text)
    assert words in str(err.value) and text in str(err.value)


# ------------------------------------------------------------ the actor network on the curated data


def test_projection_holds_actors_only_and_shared_facts_tie_them():
    """Persons, events, documents and places are never nodes; an agreement of n parties ties each pair with
    weight 1/(n-1); co-sanctioning one target ties the imposers (0.5 shared); terminated agreements do not."""
    nodes = [_node(k) for k in ("state/AA1", "state/AA2", "state/AA3", "state/TGT")]
    nodes += [_node("person/p", "Person"), _node("agreement/bi", "Treaty", date_signed="2000"),
              _node("agreement/tri", "JointStatement", date_signed="2005", date_terminated="2008"),
              _node("sanction/s1", "AutonomousMeasure", date="2010"), _node("sanction/s2", "AutonomousMeasure", date="2011")]
    edges = [_edge("state/AA1", "agreement/bi", "PARTY_TO", valid_from="2000"),
             _edge("state/AA2", "agreement/bi", "PARTY_TO", valid_from="2000"),
             *[_edge(f"state/AA{i}", "agreement/tri", "PARTY_TO") for i in (1, 2, 3)],
             _edge("person/p", "state/AA1", "LEADS"),
             _edge("state/AA1", "sanction/s1", "IMPOSES"), _edge("sanction/s1", "state/TGT", "TARGETS"),
             _edge("state/AA3", "sanction/s2", "IMPOSES"), _edge("sanction/s2", "state/TGT", "TARGETS")]
    g = project(nodes, edges, as_of="2006")
    assert set(g) == {"state/AA1", "state/AA2", "state/AA3"}
    assert g["state/AA1"]["state/AA2"]["weight"] == pytest.approx(1.0 + 0.5)
    assert g["state/AA1"]["state/AA3"]["weight"] == pytest.approx(0.5)
    later = project(nodes, edges, as_of="2012")  # the joint statement ended in 2008; both sanction TGT
    assert later["state/AA1"]["state/AA2"]["weight"] == pytest.approx(1.0)
    assert later["state/AA1"]["state/AA3"]["weight"] == pytest.approx(0.5) and "state/TGT" not in later
    assert project(nodes, edges, as_of="2012", family="agreement").has_edge("state/AA1", "state/AA2")
    assert not project(nodes, edges, as_of="2012", family="agreement").has_edge("state/AA1", "state/AA3")


def test_partial_dates_follow_the_packs():
    """A start of 2017-07 holds as of 2017 (any day of 2017), as the packs say; an end of 2017-03 too."""
    nodes = [_node("state/AA1"), _node("state/AA2"), _node("state/AA3")]
    edges = [_edge("state/AA1", "state/AA2", valid_from="2017-07"), _edge("state/AA2", "state/AA3", valid_to="2017-03")]
    assert set(project(nodes, edges, as_of="2017").edges) == {("state/AA1", "state/AA2"), ("state/AA2", "state/AA3")}
    assert set(project(nodes, edges, as_of="2017-03").edges) == {("state/AA2", "state/AA3")}
    assert set(project(nodes, edges, as_of="2017-07").edges) == {("state/AA1", "state/AA2")}
    assert set(project(nodes, edges, as_of="2017-05").edges) == set()


def test_blocs_on_the_curated_data(built):
    from peninsula.graph.analytics import analyze as run

    result = run(built, as_of="2017", write=False, top=50)
    got = scores(project(list(built.nodes()), list(built.edges()), as_of="2017"))
    community = {k: v["community"] for k, v in got.items()}
    west = {community[f"state/{c}"] for c in ("USA", "KOR", "JPN")}
    east = {community[f"state/{c}"] for c in ("CHN", "RUS", "PRK")}
    assert len(west) == 1 and len(east) == 1 and west != east
    assert not any(k.startswith(("event/", "agreement/", "place/", "missile/", "person/", "src/")) for k in got)
    assert result["nodes"] == len(got) and result["brokers"] < len(got) / 2


def test_analyze_alliances_is_the_alliances_pack(built):
    """`analyze --as-of 2017 --family alliance` scores exactly the network `alliances/network_as_of` returns."""
    from peninsula import queries

    for as_of in ("2017", "1995-06", "2025-01-01"):
        g = project(list(built.nodes()), list(built.edges()), as_of=as_of, family="alliance")
        pack = {frozenset((r["from"], r["to"])) for r in queries.run(built, "alliances/network_as_of", {"as_of": as_of})}
        assert {frozenset(e) for e in g.edges} == pack and pack
