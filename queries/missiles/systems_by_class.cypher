// title: Missile systems by class and propellant
// description: Missile systems with their class, propellant, stages, range estimates and status; `class` and `propellant` filter (any = all), and take only the values the ontology allows.
// audience: analyst
// param class: string = any in any|@missile_class
// param propellant: string = any in any|@propellant
MATCH (m:MissileSystem)
WHERE ($class = 'any' OR m.missile_class = $class) AND ($propellant = 'any' OR m.propellant = $propellant)
RETURN m.key AS key, m.name AS name, m.missile_class AS class, m.propellant AS propellant, m.stages AS stages,
       m.range_min_km AS range_min_km, m.range_max_km AS range_max_km, m.status AS status, m.first_flight AS first_flight
ORDER BY class, key
