// title: Systems with no range estimate (what reach cannot cover)
// description: The DPRK's missile systems and space launch vehicles (those it develops, operates or deploys) that carry no maximum range estimate in the knowledge base, so no CAN_REACH is derived for them: reach answers say nothing about these. With their class, status, first flight and how many tests flew them.
// audience: analyst
MATCH (:State {key: 'state/PRK'})-[:DEVELOPS|OPERATES|DEPLOYS]->(m:WeaponSystem)
WITH DISTINCT m
WHERE (m:MissileSystem OR m:SpaceLaunchVehicle) AND m.range_max_km IS NULL
OPTIONAL MATCH (e:Event)-[:TESTED]->(m)
RETURN m.key AS key, m.name AS name, coalesce(m.missile_class, CASE WHEN m:SpaceLaunchVehicle THEN 'SLV' END) AS class,
       m.propellant AS propellant, m.status AS status, m.first_flight AS first_flight, count(DISTINCT e) AS tests
ORDER BY class, key
