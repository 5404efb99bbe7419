// title: Arms supply relationships on a date
// description: Who supplies weapons or munitions to whom on the date (relationships without a start date are counted as held).
// audience: analyst
// param as_of: date = 2025-01-01
// graph: from=from to=to type=type
MATCH (a:Actor)-[r:SUPPLIES_ARMS_TO]->(b:Actor)
WHERE {{holds(r)}}
RETURN a.key AS from, 'SUPPLIES_ARMS_TO' AS type, b.key AS to, a.name AS supplier, b.name AS recipient,
       r.valid_from AS since, r.valid_to AS until, r.confidence AS confidence, r.note AS note
ORDER BY supplier, recipient, since, note
