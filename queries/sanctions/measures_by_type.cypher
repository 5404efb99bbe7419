// title: Sanction measures by type
// description: For each type of measure, the measures of that type and how many instruments imposed, extended or tightened them up to the date.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (i:Sanction)-[r:IMPOSES_MEASURE]->(m:SanctionMeasure)
WHERE NOT ()-[:VETOED]->(i) AND {{not_after(coalesce(r.valid_from, i.date))}}
WITH DISTINCT m.measure_type AS measure_type, m.key AS measure, i.key AS instrument
WITH measure_type, measure, count(*) AS instruments ORDER BY measure
WITH measure_type, collect(measure) AS measures, collect(instruments) AS counts
RETURN measure_type, measures, reduce(total = 0, c IN counts | total + c) AS impositions
ORDER BY impositions DESC, measure_type
