// title: Longest-range system flown by a date
// description: The DPRK's systems (developed, operated or deployed) with the longest maximum range estimate among those with a recorded test by the date (ties all shown).
// audience: analyst
// param as_of: date = 2017-12-31
MATCH (e:Event)-[:TESTED]->(m:WeaponSystem)
WHERE (:State {key: 'state/PRK'})-[:DEVELOPS|OPERATES|DEPLOYS]->(m) AND {{not_after(e.date)}} AND m.range_max_km IS NOT NULL
WITH m, min(e.date) AS first_test
WITH max(m.range_max_km) AS longest,
     collect({m: m, first_test: first_test, class: coalesce(m.missile_class, CASE WHEN m:SpaceLaunchVehicle THEN 'SLV' END)}) AS flown
UNWIND flown AS f
WITH f, longest WHERE f.m.range_max_km = longest
RETURN f.m.key AS key, f.m.name AS name, f.class AS class,
       f.m.range_max_km AS range_max_km, f.first_test AS first_test
ORDER BY key
