// title: Sanctions instruments in force on a date
// description: Instruments adopted by the date and not ended (vetoed drafts left out), with who imposed them and the regime they belong to.
// audience: analyst
// param as_of: date = 2017-12-31
// graph: from=from to=to type=type
MATCH (by:Actor)-[r:IMPOSES]->(i:Sanction)
WHERE NOT ()-[:VETOED]->(i)
  AND coalesce(r.valid_from, i.date) <= $as_of
  AND (r.valid_to IS NULL OR r.valid_to >= left($as_of, size(coalesce(r.valid_to, ''))))
OPTIONAL MATCH (i)-[:PART_OF_REGIME]->(g:SanctionsRegime)
RETURN by.key AS from, 'IMPOSES' AS type, i.key AS to, by.name AS imposed_by, i.name AS instrument,
       i.class AS class, i.symbol AS symbol, coalesce(r.valid_from, i.date) AS since, collect(DISTINCT g.key) AS regimes
ORDER BY since, to, from
