// title: Reach per system
// description: For each system the DPRK develops, operates or deploys with a range estimate (the systems `build` measures reach for, from DPRK launch sites), how many places it can reach, how many only at its maximum estimate, and the farthest.
// audience: analyst
MATCH (:State {key: 'state/PRK'})-[:DEVELOPS|OPERATES|DEPLOYS]->(m:WeaponSystem)
WHERE m.range_max_km IS NOT NULL AND NOT m:MissileDefenseSystem
WITH DISTINCT m
OPTIONAL MATCH (m)-[r:CAN_REACH]->(p:Place)
WITH m, r, p ORDER BY r.distance_km DESC, p.key
WITH m, count(p) AS places, size([x IN collect(r.max_only) WHERE x = true]) AS max_only, head(collect(p.key)) AS farthest
RETURN m.key AS system,
       coalesce(m.missile_class, CASE WHEN m:SpaceLaunchVehicle THEN 'SLV' END) AS class, m.range_max_km AS range_max_km, places, max_only, farthest
ORDER BY range_max_km DESC, system
