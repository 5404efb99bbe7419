// title: Tests of one system
// description: Every test event up to the date that flew the system, with site, outcome, apogee and distance.
// audience: analyst
// param system: key = missile/hwasong-17
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
// plan: anchored on the system's key; the WITH keeps FalkorDB from starting at a scan of every Event
MATCH (m:WeaponSystem {key: $system})
WITH m
MATCH (e:Event)-[r:TESTED]->(m)
WHERE {{not_after(e.date)}}
OPTIONAL MATCH (e)-[:LAUNCHED_FROM]->(site:Place)
RETURN e.key AS from, 'TESTED' AS type, m.key AS to, e.date AS date, e.outcome AS outcome, site.key AS site,
       e.apogee_km AS apogee_km, e.distance_km AS distance_km, r.confidence AS identification
ORDER BY date, from
