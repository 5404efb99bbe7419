// title: Dangling source references
// description: Source keys cited by an entity or a relationship with no Source node behind them.
// audience: maintainer
MATCH (n:Entity)
WHERE n.sources IS NOT NULL
UNWIND n.sources AS cited
OPTIONAL MATCH (s:Source {key: cited})
WITH n, cited, s
WHERE s IS NULL
RETURN n.key AS holder, cited AS missing
ORDER BY holder, missing
