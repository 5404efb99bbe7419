// title: States targeted by cyber operations
// description: For each targeted state, the operations aimed at it up to the date.
// audience: analyst
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (c:CyberOperation)-[:TARGETS]->(t:State)
WHERE {{not_after(c.date)}}
RETURN c.key AS from, 'TARGETS' AS type, t.key AS to, t.name AS target, c.name AS operation, c.date AS date
ORDER BY target, date, from
