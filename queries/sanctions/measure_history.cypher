// title: History of one sanction measure
// description: Every instrument that imposed, extended or tightened the measure, in order, with what it did.
// audience: analyst
// param measure: key = measure/coal-ban
// graph: from=from to=to type=type
MATCH (i:Sanction)-[r:IMPOSES_MEASURE]->(m:SanctionMeasure {key: $measure})
RETURN i.key AS from, 'IMPOSES_MEASURE' AS type, m.key AS to, i.name AS instrument,
       coalesce(r.valid_from, i.date) AS date, r.note AS what, size([(v:Veto)-[:VETOED]->(i) | v.key]) > 0 AS vetoed
ORDER BY date, from, what
