// title: Dependence of an actor on its supporters
// description: For one actor, every other actor that supports it or supplies it arms on the date, the kinds of support and how many relationships each gives.
// audience: analyst
// param actor: key = state/PRK
// param as_of: date = 2025-01-01
// graph: from=from to=to type=type
MATCH (a:Actor)-[r:SUPPORTS|SUPPLIES_ARMS_TO]->(b:Actor {key: $actor})
WHERE {{holds(r)}}
WITH a, b, type(r) AS rel, r.kind AS kind ORDER BY kind  // collect keeps this order on both engines
WITH a, b, rel, collect(DISTINCT kind) AS kinds, count(*) AS links
RETURN a.key AS from, rel AS type, b.key AS to, a.name AS supporter, kinds, links
ORDER BY links DESC, supporter, type
