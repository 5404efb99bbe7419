// title: Shortest influence path between two actors
// description: The shortest directed chain of support, arms supply and alliance from one actor to another (all periods), one row per step with every relationship type linking that step.
// audience: analyst
// param from_actor: key = state/CHN
// param to_actor: key = state/RUS
// graph: from=from to=to type=type
MATCH (a:Actor {key: $from_actor}), (b:Actor {key: $to_actor})
WITH shortestPath((a)-[:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH*1..6]->(b)) AS p
WHERE p IS NOT NULL
UNWIND range(0, length(p) - 1) AS step
WITH step, nodes(p)[step] AS x, nodes(p)[step + 1] AS y
MATCH (x)-[r:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(y)
WITH step, x, y, type(r) AS rel ORDER BY rel
RETURN step + 1 AS step, x.key AS from, y.key AS to, collect(DISTINCT rel) AS types, head(collect(rel)) AS type
ORDER BY step
