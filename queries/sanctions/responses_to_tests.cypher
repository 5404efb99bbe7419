// title: Which test each sanction answered
// description: Sanctions instruments and the missile, nuclear or satellite tests they respond to, with both dates (answers to cyber operations: cyber/sanctions_answering).
// audience: analyst
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (i:Sanction)-[:RESPONDS_TO]->(e:Event)
WHERE (e:MissileTest OR e:NuclearTest OR e:SatelliteLaunch) AND {{not_after(i.date)}}
OPTIONAL MATCH (by:Actor)-[:IMPOSES]->(i)
RETURN i.key AS from, 'RESPONDS_TO' AS type, e.key AS to, i.name AS instrument, i.date AS adopted,
       collect(DISTINCT by.key) AS imposed_by, e.name AS event, e.class AS event_class, e.date AS event_date
ORDER BY event_date, to, adopted, from
