// title: Alliance network as of a date
// description: Alliances in force on the date, with their period (`until` is `open` while the alliance still holds, `unknown` where it ended on a day no source gives) and sources.
// audience: analyst
// param as_of: date = 2018-06-12
// graph: from=from to=to type=type
MATCH (a:State)-[r:ALLIED_WITH]->(b:State)
WHERE {{holds(r)}}
RETURN a.key AS from, 'ALLIED_WITH' AS type, b.key AS to, a.name AS state, b.name AS ally,
       r.valid_from AS since, coalesce(r.valid_to, CASE WHEN r.end_unknown THEN 'unknown' ELSE 'open' END) AS until,
       r.sources AS sources
ORDER BY state, ally, since
