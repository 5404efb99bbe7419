// title: Dangling source references on relationships
// description: Source keys cited by a relationship with no Source node behind them.
// audience: maintainer
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.sources IS NOT NULL
UNWIND r.sources AS cited
OPTIONAL MATCH (s:Source {key: cited})
WITH a, r, b, cited, s
WHERE s IS NULL
RETURN r.key AS holder, type(r) AS type, a.key AS from, b.key AS to, cited AS missing
ORDER BY holder, missing
