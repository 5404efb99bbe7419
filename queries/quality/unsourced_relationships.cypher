// title: Unsourced relationships
// description: Relationships that cite no source (derived reach relationships cite the range estimates they come from).
// audience: maintainer
// graph: from=from to=to type=type
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.sources IS NULL OR size(r.sources) = 0
RETURN a.key AS from, type(r) AS type, b.key AS to, r.key AS key
ORDER BY key
