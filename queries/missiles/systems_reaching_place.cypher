// title: Which systems can reach a place
// description: The weapon systems whose maximum range estimate covers the place, by margin, and whether only the maximum estimate reaches. Space launch vehicles show as class SLV; space_launchers=false leaves them out.
// audience: analyst
// param place: key = place/guam
// param space_launchers: bool = true
// graph: from=from to=to type=type
MATCH (p:Place {key: $place})
WITH p
MATCH (m:WeaponSystem)-[r:CAN_REACH]->(p)
WHERE $space_launchers OR NOT m:SpaceLaunchVehicle
RETURN m.key AS from, 'CAN_REACH' AS type, p.key AS to, m.name AS system,
       coalesce(m.missile_class, CASE WHEN m:SpaceLaunchVehicle THEN 'SLV' END) AS class,
       r.distance_km AS distance_km, r.margin_km AS margin_km, r.max_only AS max_only
ORDER BY margin_km, from
