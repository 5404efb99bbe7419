"""Query plans that hold at scale (issue 17): every pack query that names its anchor by a key or an
ISO code starts from an index, on both engines, as each engine's own EXPLAIN plans it; a scan of a
whole label is left only where the question is about every member of it (listed, with why)."""

from __future__ import annotations

import pytest

from peninsula import queries

# an optional anchor (`iso3?`, `key?`) anchors nothing when it is `any`, its default: such a query
# reads its whole first label by design, so only required anchors are checked
ANCHORED = [q for pack in queries.packs().values() for q in pack.values()
            if any(p.type in queries.ANCHOR_CHECKS and not p.optional for p in q.params.values())]
# anchored queries that still read a whole label on purpose, and why
WHOLE_LABEL = {
    "missiles/places_within": "Place: every place is measured against the anchor's coordinates",
}


def _operators(store, q) -> list[str]:
    """The plan's operators, each as 'Operator | details' (FalkorDB) or 'Operator@neo4j details'."""
    text, params = q.text_for(store.dialect), q.bind({})
    if store.dialect == "neo4j":
        with store.driver.session(database=store.database) as session:
            # indexes online, and no plan cached from an earlier test's tiny graph (Neo4j replans
            # only after dbms.cypher.min_replan_interval): the plan the built graph gets
            session.run("CALL db.awaitIndexes(300)").consume()
            session.run("CALL db.clearQueryCaches()").consume()
            plan = session.run("EXPLAIN " + text, params).consume().plan
        out, todo = [], [plan]
        while todo:
            op = todo.pop()
            out.append(f"{op['operatorType']} {op.get('args', {}).get('Details', '')}")
            todo += op.get("children", [])
        return out
    return [line.strip() for line in str(store.graph.explain(text, params)).splitlines()]


def _is_seek(op: str) -> bool:
    """An operator that reads an index: FalkorDB's Node By Index Scan, Neo4j's NodeIndexSeek,
    NodeUniqueIndexSeek or NodeIndexScan (Neo4j's cost planner takes the last, a scan of the
    index, not of the label, when its sampled statistics of a freshly built graph favour it)."""
    return any(s in op for s in ("Index Scan", "IndexSeek", "Index Seek", "IndexScan"))


def _is_scan(op: str) -> bool:
    return any(s in op for s in ("Label Scan", "All Node Scan", "NodeByLabelScan", "AllNodesScan"))


def test_there_are_anchored_queries_to_check():
    assert len(ANCHORED) >= 15 and set(WHOLE_LABEL) <= {q.id for q in ANCHORED}


@pytest.mark.parametrize("q", ANCHORED, ids=lambda q: q.id)
def test_anchored_queries_start_from_an_index(engine_built, q):
    ops = _operators(engine_built, q)
    assert any(_is_seek(op) for op in ops), (q.id, "\n".join(ops))
    scans = [op for op in ops if _is_scan(op)]
    assert not scans or q.id in WHOLE_LABEL, (q.id, scans)


def test_the_check_sees_a_label_scan(built):
    """The same check fails a query that filters an indexed property after scanning the label."""
    q = queries.parse("t", "scan", "// param state: iso3 = PRK\nMATCH (s:State) WHERE toLower(s.iso3) = toLower($state)"
                      " RETURN s.key AS key")
    ops = _operators(built, q)
    assert any(_is_scan(op) for op in ops) and not any(_is_seek(op) for op in ops), ops
