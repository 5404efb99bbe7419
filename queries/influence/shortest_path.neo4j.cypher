// title: Shortest influence path between two actors
// description: Neo4j variant: shortestPath in a MATCH clause.
MATCH p = shortestPath((:Actor {key: $from_actor})-[:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH*1..6]->(:Actor {key: $to_actor}))
UNWIND range(0, length(p) - 1) AS step
WITH step, nodes(p)[step] AS x, nodes(p)[step + 1] AS y
MATCH (x)-[r:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(y)
WITH step, x, y, type(r) AS rel ORDER BY rel
RETURN step + 1 AS step, x.key AS from, y.key AS to, collect(DISTINCT rel) AS types, head(collect(rel)) AS type
ORDER BY step
