// title: Operations per threat actor
// description: Threat actors and government agencies with the number of operations attributed to them up to the date, and the organizations they belong to.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (a:Organization)
WHERE a:ThreatActor OR (a)<-[:ATTRIBUTED_TO]-(:CyberOperation)
OPTIONAL MATCH (c:CyberOperation)-[:ATTRIBUTED_TO]->(a)
WHERE {{not_after(c.date)}}
WITH a, count(DISTINCT c) AS operations, min(c.date) AS first, max(c.date) AS latest
OPTIONAL MATCH (a)-[:PART_OF]->(parent:Organization)
WITH a, operations, first, latest, parent ORDER BY parent.key
RETURN a.key AS actor, a.name AS name, a.class AS class, operations, first, latest, collect(parent.key) AS part_of
ORDER BY operations DESC, actor
