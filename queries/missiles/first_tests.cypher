// title: First flight test of each system
// description: For every weapon system flown by the date, its first recorded test event, beside the first flight date the system record gives.
// audience: analyst
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (e:Event)-[:TESTED]->(m:WeaponSystem)
WHERE {{not_after(e.date)}}
WITH m, e ORDER BY e.date, e.key
WITH m, head(collect(e)) AS first, count(e) AS tests
RETURN first.key AS from, 'TESTED' AS type, m.key AS to, m.name AS system,
       coalesce(m.missile_class, CASE WHEN m:SpaceLaunchVehicle THEN 'SLV' END) AS class,
       first.date AS first_test, m.first_flight AS recorded_first_flight, first.outcome AS outcome, tests
ORDER BY first_test, to
