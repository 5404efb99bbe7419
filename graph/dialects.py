"""What Neo4j runs and FalkorDB refuses, with the FalkorDB form to use instead.

A query FalkorDB refuses is checked against this table, and its message names the construct and
the form that works on both engines (the README has the same table for analysts).
"""

from __future__ import annotations

import re

# (pattern in the query, what Neo4j has and FalkorDB lacks, what to write instead)
NEO4J_ONLY = [
    (re.compile(r"\bEXISTS\s*\{", re.I), "EXISTS { ... } subqueries",
     "write a pattern predicate: WHERE (n)-[:T]->() or WHERE exists((n)-[:T]->())"),
    (re.compile(r"\bCOUNT\s*\{", re.I), "COUNT { ... } subqueries",
     "write size([(n)-[:T]->(m) | m]) or OPTIONAL MATCH ... count(m)"),
    (re.compile(r"=~"), "regular expressions (=~)",
     "write STARTS WITH, ENDS WITH, CONTAINS, or toLower(x) = toLower($y)"),
    (re.compile(r"\bduration\.(between|inDays|inMonths|inSeconds)\b", re.I), "duration.between and friends",
     "compare Peninsula's dates, which are text with their precision, as text: "
     "left(r.valid_from, 4) <= '2017', or toInteger(left(a.date, 4)) - toInteger(left(b.date, 4)) for years"),
    (re.compile(r"\bpoint\.distance\b", re.I), "point.distance", "write distance(p1, p2)"),
    (re.compile(r"\bshortestPath\s*\(\s*\(\s*\w*[^)]*\)\s*-\s*\[[^\]]*\]\s*-\s*\(", re.I),
     "undirected shortestPath", "write a directed pattern, or both directions unioned (see influence/shortest_path)"),
    (re.compile(r"\bCREATE\s+CONSTRAINT\b[\s\S]*\bREQUIRE\b", re.I), "CREATE CONSTRAINT ... REQUIRE",
     "leave it out: Peninsula creates the indexes each engine needs itself (ensure_schema)"),
]


def falkordb_hint(cypher: str) -> str:
    """' FalkorDB does not support X (Neo4j does); instead, write Y.' for each construct the query uses."""
    hints = [f" FalkorDB does not support {what} (Neo4j does); instead, {instead}."
             for pattern, what, instead in NEO4J_ONLY if pattern.search(cypher or "")]
    return "".join(hints)
