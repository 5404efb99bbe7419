// title: Who supports whom, and how, on a date
// description: Support relationships (economic, diplomatic, military, humanitarian, intelligence) in force on the date, with their basis and end (`open` while it still holds, `unknown` where no source gives the day it ended); `kind` = any for all kinds.
// audience: analyst
// param as_of: date = 2025-01-01
// param kind: string = any in any|@kind
// graph: from=from to=to type=type
MATCH (a:Actor)-[r:SUPPORTS]->(b:Actor)
WHERE ($kind = 'any' OR r.kind = $kind)
  AND {{holds(r)}}
RETURN a.key AS from, 'SUPPORTS' AS type, b.key AS to, a.name AS supporter, b.name AS supported,
       r.kind AS kind, r.basis AS basis, r.valid_from AS since,
       coalesce(r.valid_to, CASE WHEN r.end_unknown THEN 'unknown' ELSE 'open' END) AS until, r.confidence AS confidence
ORDER BY supporter, supported, kind, since, basis
