// title: Which systems can reach a place
// description: The weapon systems whose maximum range estimate covers the place, by margin, and whether only the maximum estimate reaches.
// audience: analyst
// param place: key = place/guam
// graph: from=from to=to type=type
MATCH (m:WeaponSystem)-[r:CAN_REACH]->(p:Place {key: $place})
RETURN m.key AS from, 'CAN_REACH' AS type, p.key AS to, m.name AS system, m.missile_class AS class,
       r.distance_km AS distance_km, r.margin_km AS margin_km, r.max_only AS max_only
ORDER BY margin_km, from
