// title: Who led each side at a summit, on the summit's own day
// description: Summits up to the date, each participating or hosting state and the leaders whose term covers the summit's own date (compared at that date's precision), beside the persons recorded as attending. exact_day is false where the summit is dated by month or year only, so more than one leader may match.
// audience: analyst
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (e:Summit)
WHERE {{not_after(e.date)}}
MATCH (s:State)-[:PARTICIPATED_IN|HOSTED]->(e)
OPTIONAL MATCH (p:Person)-[r:LEADS]->(s)
WHERE r.valid_from IS NOT NULL AND {{holds(r.valid_from, r.valid_to, e.date)}}
WITH e, s, p, r ORDER BY p.key
WITH e, s, collect(DISTINCT CASE WHEN p IS NOT NULL THEN p.key + ' (' + coalesce(r.role, 'leader') + ')' END) AS leaders
OPTIONAL MATCH (a:Person)-[:PARTICIPATED_IN]->(e)
WHERE (a)-[:LEADS]->(s)
WITH e, s, leaders, a ORDER BY a.key
RETURN s.key AS from, 'PARTICIPATED_IN' AS type, e.key AS to, e.name AS summit, e.date AS date,
       size(e.date) = 10 AS exact_day, s.iso3 AS state, leaders, collect(DISTINCT a.key) AS attending_leaders
ORDER BY date, to, state
