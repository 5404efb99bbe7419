// title: Threat actors and the organizations they belong to
// description: The structure of the DPRK's cyber units: each threat actor and the organization it is part of.
// audience: educator
// graph: from=from to=to type=type
MATCH (t:ThreatActor)-[r:PART_OF]->(o:Organization)
RETURN t.key AS from, 'PART_OF' AS type, o.key AS to, t.name AS actor, o.name AS part_of, r.valid_from AS since
ORDER BY from, to
