// title: Influence paths between two actors on a date
// description: Every directed chain of up to three support, arms-supply or alliance relationships from one actor to another, all of them in force on the date, shortest first: one row per chain of actors, with the kinds of link in force at each hop (parallel links listed together, not one row per combination).
// audience: analyst
// param from_actor: key = state/USA
// param to_actor: key = state/RUS
// param as_of: date = 2025-01-01
// param limit: int = 10
// plan: one, two, then three hops, each relationship filtered as soon as it is matched and the last hop
// joined on its middle node (a hash join, not an expansion per row); three hops are looked for only
// while fewer than $limit shorter chains were found (b is null otherwise): among hubs, a *1..3 path
// enumerates millions of chains before the LIMIT.
MATCH (a:Actor {key: $from_actor})
WITH a
MATCH (b:Actor {key: $to_actor})
OPTIONAL MATCH (a)-[r1:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(b)
WHERE {{holds(r1)}}
WITH a, b, collect(DISTINCT CASE WHEN r1 IS NOT NULL THEN [1, [a.key, b.key], [type(r1) + ':' + coalesce(r1.kind, '')]] END) AS one
OPTIONAL MATCH (a)-[r1:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(x), (y)-[r2:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(b)
WHERE x = y AND r1 <> r2
  AND {{holds(r1)}}
  AND {{holds(r2)}}
WITH a, b, one, collect(DISTINCT CASE WHEN r2 IS NOT NULL THEN
       [2, [a.key, x.key, b.key], [type(r1) + ':' + coalesce(r1.kind, ''), type(r2) + ':' + coalesce(r2.kind, '')]] END) AS two
WITH a, b, one + two AS found
WITH a, found, CASE WHEN size(reduce(seen = [], f IN found | CASE WHEN f[1] IN seen THEN seen ELSE seen + [f[1]] END)) < $limit
                    THEN b END AS b
OPTIONAL MATCH (a)-[r1:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(x)-[r2:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(y),
               (z)-[r3:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH]->(b)
WHERE b IS NOT NULL AND y = z AND r1 <> r2 AND r1 <> r3 AND r2 <> r3
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
