// title: Public attributions of cyber operations
// description: Which government publicly attributed which operation, and on what date, up to the date given.
// audience: analyst
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (c:CyberOperation)-[b:ATTRIBUTED_BY]->(g:Actor)
WHERE b.valid_from IS NULL OR {{not_after(b.valid_from)}}
RETURN c.key AS from, 'ATTRIBUTED_BY' AS type, g.key AS to, c.name AS operation, c.date AS operation_date,
       g.name AS attributed_by, b.valid_from AS attributed_on, b.confidence AS confidence
ORDER BY attributed_on, from, to
