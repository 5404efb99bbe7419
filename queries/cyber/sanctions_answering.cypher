// title: Sanctions that answered cyber operations
// description: Instruments or regimes that designated the actor an operation is attributed to (or an organization that actor belongs to) after the operation, up to the date.
// audience: analyst
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (c:CyberOperation)-[:ATTRIBUTED_TO]->(actor:Organization)-[:PART_OF*0..2]->(listed:Organization)<-[d:DESIGNATES]-(x:Entity)
WHERE left(d.valid_from, size(coalesce(c.date, ''))) >= left(c.date, size(coalesce(d.valid_from, ''))) AND left(d.valid_from, size($as_of)) <= $as_of
RETURN DISTINCT x.key AS from, 'DESIGNATES' AS type, listed.key AS to, x.name AS instrument, d.valid_from AS designated,
       c.key AS operation, c.date AS operation_date, actor.key AS attributed_to
ORDER BY operation_date, operation, designated, from, to
