// title: Launches per site
// description: Missile tests and satellite launches per launch place up to the date, with the first and latest; nuclear tests are not launches and are left out (missiles/nuclear_tests lists them).
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (e:Event)-[:LAUNCHED_FROM]->(p:Place)
WHERE (e:MissileTest OR e:SatelliteLaunch) AND {{not_after(e.date)}}
RETURN p.key AS site, p.name AS name, count(e) AS launches, min(e.date) AS first, max(e.date) AS latest
ORDER BY launches DESC, site
