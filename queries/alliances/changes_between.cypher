// title: Alliance changes between two dates
// description: Alliances that were formed or ended between two dates (inclusive), one row per change.
// audience: analyst
// param start: date = 1990-01-01
// param end: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (a:State)-[r:ALLIED_WITH]->(b:State)
WITH a, b, r,
     CASE WHEN r.valid_from IS NOT NULL AND {{not_before(r.valid_from, $start)}} AND {{not_after(r.valid_from, $end)}} THEN 'formed' END AS formed,
     CASE WHEN r.valid_to IS NOT NULL AND {{not_before(r.valid_to, $start)}} AND {{not_after(r.valid_to, $end)}} THEN 'ended' END AS ended
WHERE formed IS NOT NULL OR ended IS NOT NULL
UNWIND [x IN [[formed, r.valid_from], [ended, r.valid_to]] WHERE x[0] IS NOT NULL] AS change
RETURN a.key AS from, 'ALLIED_WITH' AS type, b.key AS to, a.name AS state, b.name AS ally,
       change[0] AS change, change[1] AS date, r.sources AS sources
ORDER BY date, state, ally
