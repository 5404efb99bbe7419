// title: Which systems could reach a place as of a date
// description: The systems whose maximum range estimate covers the place and that had flown by the date (a test or launch dated on or before it, or a first flight), with the date of their first flight; the range estimate itself is today's.
// audience: analyst
// param place: key = place/washington
// param as_of: date = 2017-12-31
// graph: from=from to=to type=type
MATCH (p:Place {key: $place})
WITH p
MATCH (m:WeaponSystem)-[r:CAN_REACH]->(p)
OPTIONAL MATCH (t:Event)-[:TESTED]->(m)
WITH p, m, r, min(t.date) AS first_test
WITH p, m, r, CASE WHEN m.first_flight IS NOT NULL AND (first_test IS NULL OR m.first_flight < first_test)
                   THEN m.first_flight ELSE first_test END AS first_flight
WHERE first_flight IS NOT NULL AND {{not_after(first_flight)}}
RETURN m.key AS from, 'CAN_REACH' AS type, p.key AS to, m.name AS system,
       coalesce(m.missile_class, CASE WHEN m:SpaceLaunchVehicle THEN 'SLV' END) AS class,
       first_flight, r.distance_km AS distance_km, r.margin_km AS margin_km, r.max_only AS max_only
ORDER BY first_flight, from
