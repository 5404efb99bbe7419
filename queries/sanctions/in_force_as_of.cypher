// title: Sanctions instruments in force on a date
// description: Instruments adopted by the date and not ended (vetoed drafts left out), with who imposed them, the regime they belong to and how many measures each imposes. By default only instruments that impose measures are listed; measures_only=false adds those that impose none (resolutions that only demand, condemn or renew the Panel of Experts, such as S/RES/825 (1993) or 1540 (2004)).
// audience: analyst
// param as_of: date = 2017-12-31
// param measures_only: bool = true
// graph: from=from to=to type=type
MATCH (by:Actor)-[r:IMPOSES]->(i:Sanction)
WHERE NOT ()-[:VETOED]->(i)
  AND {{not_after(coalesce(r.valid_from, i.date))}}
  AND (r.valid_to IS NULL OR {{not_before(r.valid_to)}})
WITH by, r, i, size([(i)-[:IMPOSES_MEASURE]->(m:SanctionMeasure) | m.key]) AS measures
WHERE measures > 0 OR NOT $measures_only
OPTIONAL MATCH (i)-[:PART_OF_REGIME]->(g:SanctionsRegime)
RETURN by.key AS from, 'IMPOSES' AS type, i.key AS to, by.name AS imposed_by, i.name AS instrument,
       i.class AS class, i.symbol AS symbol, coalesce(r.valid_from, i.date) AS since, collect(DISTINCT g.key) AS regimes,
       measures > 0 AS imposes_measures, measures
ORDER BY since, to, from
