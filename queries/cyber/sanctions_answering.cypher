// title: Sanctions that answered cyber operations
// description: Instruments that a source says answered a cyber operation (RESPONDS_TO), up to the date, with the attributed actor and whom the instrument designated among that actor and the bodies it belongs to. A designation made after an operation is not an answer to it unless a source says so.
// audience: analyst
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (x:Sanction)-[r:RESPONDS_TO]->(c:CyberOperation)
WHERE {{not_after(coalesce(x.date, r.valid_from, ''))}}
OPTIONAL MATCH (c)-[:ATTRIBUTED_TO]->(actor:Actor)
OPTIONAL MATCH (actor)-[:PART_OF*0..2]->(listed:Actor)<-[d:DESIGNATES]-(x)
WITH x, r, c, actor, listed ORDER BY listed.key
RETURN x.key AS from, 'RESPONDS_TO' AS type, c.key AS to, x.name AS instrument, x.date AS instrument_date,
       c.name AS operation, c.date AS operation_date, collect(DISTINCT actor.key) AS attributed_to,
       collect(DISTINCT listed.key) AS designated, r.sources AS sources
ORDER BY operation_date, to, instrument_date, from
