// title: Asymmetric alliances
// description: Alliance relationships (alliedWith is symmetric) with no reverse relationship of identical valid_from and valid_to: an alliance stored one way only, or with different dates each way.
// audience: maintainer
// graph: from=from to=to type=type
MATCH (a:Entity)-[r:ALLIED_WITH]->(b:Entity)
OPTIONAL MATCH (b)-[s:ALLIED_WITH]->(a)
WHERE coalesce(s.valid_from, '') = coalesce(r.valid_from, '')
  AND coalesce(s.valid_to, '') = coalesce(r.valid_to, '')
WITH a, b, r, count(s) AS reverse
WHERE reverse = 0
RETURN a.key AS from, 'ALLIED_WITH' AS type, b.key AS to, r.key AS key,
       r.valid_from AS valid_from, r.valid_to AS valid_to
ORDER BY from, to, valid_from
