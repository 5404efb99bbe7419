// title: What one system can reach
// description: The places within the system's maximum range estimate from the nearest DPRK launch site (derived CAN_REACH), nearest first.
// audience: analyst
// param system: key = missile/hwasong-12
// graph: from=from to=to type=type
MATCH (m:WeaponSystem {key: $system})-[r:CAN_REACH]->(p:Place)
OPTIONAL MATCH (p)-[:LOCATED_IN]->(s:State)
RETURN m.key AS from, 'CAN_REACH' AS type, p.key AS to, p.name AS place, s.iso3 AS state,
       r.distance_km AS distance_km, r.margin_km AS margin_km, r.max_only AS max_only, r.from_site AS from_site
ORDER BY distance_km, to
