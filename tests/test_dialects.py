"""Cypher that Neo4j runs and FalkorDB refuses: Neo4j answers it, FalkorDB's refusal names the
construct and the form to use instead (graph/dialects.py); the write check looks inside CALL {}."""

from __future__ import annotations

import pytest

from peninsula.graph.dialects import NEO4J_ONLY
from peninsula.graph.store import is_write
from peninsula.ontology import QueryError

NEO4J_ONLY_QUERIES = {
    "EXISTS {": "MATCH (n:State) WHERE EXISTS { MATCH (n)-[:ALLIED_WITH]->() } RETURN n.key AS k",
    "COUNT {": "MATCH (n:State) RETURN n.key AS k, COUNT { (n)-[:ALLIED_WITH]->() } AS c",
    "=~": "MATCH (n:State) WHERE n.name =~ 'North.*' RETURN n.key AS k",
    "duration.between": "RETURN duration.between(date('2017-07-04'), date('2017-11-29')).days AS d",
    "point.distance": "RETURN point.distance(point({latitude: 39.0, longitude: 125.7}), "
                      "point({latitude: 37.5, longitude: 127.0})) AS d",
}


def test_the_table_covers_each_query():
    for text in NEO4J_ONLY_QUERIES.values():
        assert any(pattern.search(text) for pattern, _, _ in NEO4J_ONLY)


@pytest.mark.parametrize("name", sorted(NEO4J_ONLY_QUERIES))
def test_falkordb_names_the_construct_and_the_alternative(store, name):
    with pytest.raises(QueryError) as err:
        store.query(NEO4J_ONLY_QUERIES[name])
    assert "FalkorDB does not support" in str(err.value) and "instead" in str(err.value)


@pytest.mark.neo4j
@pytest.mark.parametrize("name", sorted(NEO4J_ONLY_QUERIES))
def test_neo4j_runs_what_falkordb_refuses(neo4j_store, name):
    neo4j_store.execute("CREATE (:Entity:Actor:State {key: 'state/PRK', name: 'North Korea'})"
                        "-[:ALLIED_WITH {key: 'r1'}]->(:Entity:Actor:State {key: 'state/CHN', name: 'China'})")
    rows = neo4j_store.query(NEO4J_ONLY_QUERIES[name])
    assert rows and all(v is not None for v in rows[0].values())


READ_ONLY_SUBQUERY = ("MATCH (s:State) CALL { WITH s MATCH (s)-[:ALLIED_WITH]->(a) RETURN count(a) AS allies } "
                      "RETURN s.key AS state, allies ORDER BY state")


def test_the_write_check_looks_inside_call_subqueries():
    assert not is_write(READ_ONLY_SUBQUERY)
    assert is_write("MATCH (s) CALL { WITH s SET s.x = 1 } RETURN s")
    assert is_write("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS")


@pytest.mark.parametrize("engine", ["falkordb", "neo4j"])
def test_a_read_only_subquery_runs_without_write_on_both_engines(request, engine):
    s = request.getfixturevalue("store" if engine == "falkordb" else "neo4j_store")
    s.execute("CREATE (:Entity:Actor:State {key: 'state/PRK'})-[:ALLIED_WITH {key: 'r1'}]->"
              "(:Entity:Actor:State {key: 'state/CHN'})")
    assert s.query(READ_ONLY_SUBQUERY) == [{"state": "state/CHN", "allies": 0}, {"state": "state/PRK", "allies": 1}]
