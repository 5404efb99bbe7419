// title: Who imposes sanctions on whom
// description: Each imposing actor and each target, with how many instruments in force on the date, the first adoption date and the measures imposed.
// audience: analyst
// param as_of: date = 2025-12-31
// graph: from=from to=to type=TARGETS
MATCH (by:Actor)-[r:IMPOSES]->(i:Sanction)-[:TARGETS]->(t:Actor)
WHERE NOT ()-[:VETOED]->(i) AND {{not_after(coalesce(r.valid_from, i.date))}}
OPTIONAL MATCH (i)-[:IMPOSES_MEASURE]->(m:SanctionMeasure)
WITH by, t, count(DISTINCT i) AS instruments, min(coalesce(r.valid_from, i.date)) AS first, collect(DISTINCT m.measure_type) AS types
RETURN by.key AS from, t.key AS to, by.name AS imposed_by, t.name AS target, instruments, first, size(types) AS measure_types
ORDER BY instruments DESC, from, to
