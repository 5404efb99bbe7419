// title: National measures dated before the resolution they implement
// description: A national or regional instrument that implements a Security Council resolution (IMPLEMENTS) and imposes one of that resolution's measures from a date before every resolution it implements that imposes the measure: the measure most likely entered the instrument by a later amendment, whose date (and amending act) the IMPOSES_MEASURE link should carry instead of the consolidated instrument's. A link with no valid_from is dated by its instrument.
// audience: maintainer
MATCH (n:Sanction)-[:IMPLEMENTS]->(u:SecurityCouncilResolution)-[:IMPOSES_MEASURE]->(m:SanctionMeasure)<-[r:IMPOSES_MEASURE]-(n)
WHERE u.date IS NOT NULL AND coalesce(r.valid_from, n.date) IS NOT NULL
WITH n, r, m, coalesce(r.valid_from, n.date) AS since, collect(u) AS resolutions
WHERE all(u IN resolutions WHERE NOT {{not_before(since, u.date)}})
UNWIND resolutions AS u
WITH n, r, m, since, u ORDER BY u.date
WITH n, r, m, since, collect(u.key)[0] AS first_resolution, collect(u.date)[0] AS resolution_date
RETURN r.key AS key, n.key AS instrument, m.key AS measure, since, first_resolution, resolution_date
ORDER BY instrument, measure, key
