// title: Heads of state and government on a date
// description: Who led each state on the date (heads of state and government, with their role and term), compared at the precision of the date given: an as_of of YYYY lists everyone in office during that year.
// audience: analyst
// param as_of: date = 2018-06-12
// graph: from=from to=to type=type
MATCH (p:Person)-[r:LEADS]->(s:State)
WHERE {{holds(r)}}
RETURN p.key AS from, 'LEADS' AS type, s.key AS to, s.name AS state, p.name AS leader, r.role AS role,
       r.valid_from AS since, coalesce(r.valid_to, CASE WHEN r.end_unknown THEN 'unknown' ELSE 'open' END) AS until
ORDER BY state, role, since
