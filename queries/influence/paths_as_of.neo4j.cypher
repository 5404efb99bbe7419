// title: Influence paths between two actors on a date
// description: Neo4j variant: the same hops as connected patterns (Neo4j's planner joins them itself; its linter warns on the disconnected patterns FalkorDB needs for a hash join).
MATCH (a:Actor {key: $from_actor})
WITH a
MATCH (b:Actor {key: $to_actor})
OPTIONAL MATCH (a)-[r1:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(b)
WHERE {{holds(r1)}}
WITH a, b, collect(DISTINCT CASE WHEN r1 IS NOT NULL THEN [1, [a.key, b.key], [type(r1) + ':' + coalesce(r1.kind, '')]] END) AS one
OPTIONAL MATCH (a)-[r1:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(x)-[r2:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(b)
WHERE r1 <> r2
  AND {{holds(r1)}}
  AND {{holds(r2)}}
WITH a, b, one, collect(DISTINCT CASE WHEN r2 IS NOT NULL THEN
       [2, [a.key, x.key, b.key], [type(r1) + ':' + coalesce(r1.kind, ''), type(r2) + ':' + coalesce(r2.kind, '')]] END) AS two
WITH a, b, one + two AS found
OPTIONAL MATCH (a)-[r1:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(x)-[r2:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(y)-[r3:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(b)
WHERE size(reduce(seen = [], f IN found | CASE WHEN f[1] IN seen THEN seen ELSE seen + [f[1]] END)) < $limit
  AND r1 <> r2 AND r1 <> r3 AND r2 <> r3
  AND {{holds(r1)}}
  AND {{holds(r2)}}
  AND {{holds(r3)}}
WITH found, collect(DISTINCT CASE WHEN r3 IS NOT NULL THEN
       [3, [a.key, x.key, y.key, b.key], [type(r1) + ':' + coalesce(r1.kind, ''), type(r2) + ':' + coalesce(r2.kind, ''),
                                          type(r3) + ':' + coalesce(r3.kind, '')]] END) AS three
UNWIND found + three AS f
UNWIND range(0, f[0] - 1) AS hop
WITH f[0] AS hops, f[1] AS chain, hop, f[2][hop] AS link ORDER BY link
WITH hops, chain, hop, collect(DISTINCT link) AS alternatives ORDER BY hop
WITH hops, chain, collect(alternatives) AS links
RETURN hops, chain, links
ORDER BY hops, chain
LIMIT $limit
