// title: Contradictory dates
// description: Facts whose dates contradict each other (compared at the precision both dates have): an end before a start, an agreement in force, suspended or ended before it was signed, a range or yield minimum above its maximum, a test before its system's recorded first flight (unless the test's identification is of low confidence).
// audience: maintainer
MATCH (n:Entity)
WHERE NOT n:Source
UNWIND [['valid_to before valid_from', n.valid_from, n.valid_to],
        ['end_date before date', n.date, n.end_date],
        ['date_in_force before date_signed', n.date_signed, n.date_in_force],
        ['date_suspended before date_signed', n.date_signed, n.date_suspended],
        ['date_terminated before date_signed', n.date_signed, n.date_terminated]] AS check
WITH n.key AS holder, check[0] AS problem, check[1] AS earlier, check[2] AS later
WHERE earlier IS NOT NULL AND later IS NOT NULL
  AND NOT {{not_before(later, earlier)}}
RETURN holder, problem, earlier, later
UNION ALL
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.valid_from IS NOT NULL AND r.valid_to IS NOT NULL
  AND NOT {{not_before(r.valid_to, r.valid_from)}}
RETURN r.key AS holder, type(r) + ' valid_to before valid_from' AS problem, r.valid_from AS earlier, r.valid_to AS later
UNION ALL
MATCH (n:Entity)
WHERE (n.range_min_km IS NOT NULL AND n.range_max_km IS NOT NULL AND n.range_min_km > n.range_max_km)
   OR (n.yield_min_kt IS NOT NULL AND n.yield_max_kt IS NOT NULL AND n.yield_min_kt > n.yield_max_kt)
RETURN n.key AS holder, 'minimum estimate above maximum' AS problem,
       toString(coalesce(n.range_min_km, n.yield_min_kt)) AS earlier, toString(coalesce(n.range_max_km, n.yield_max_kt)) AS later
UNION ALL
MATCH (e:Event)-[r:TESTED]->(m:WeaponSystem)
WHERE m.first_flight IS NOT NULL AND e.date IS NOT NULL AND coalesce(r.confidence, '') <> 'low'
  AND NOT {{not_before(e.date, m.first_flight)}}
RETURN e.key AS holder, 'test before the first flight of ' + m.key AS problem, m.first_flight AS earlier, e.date AS later
