// title: Cyber operations up to a date
// description: Cyber operations up to the date, with the actors they are attributed to and the states they targeted.
// audience: analyst
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (c:CyberOperation)-[:ATTRIBUTED_TO]->(a:Actor)
WHERE {{not_after(c.date)}}
OPTIONAL MATCH (c)-[:TARGETS]->(t:State)
WITH c, a, t ORDER BY t.iso3
RETURN c.key AS from, 'ATTRIBUTED_TO' AS type, a.key AS to, c.name AS operation, c.date AS date,
       a.name AS attributed_to, collect(DISTINCT t.iso3) AS targets
ORDER BY date, from, to
