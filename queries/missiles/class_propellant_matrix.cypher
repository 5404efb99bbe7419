// title: Systems per class and propellant
// description: How many missile systems there are of each class and propellant (unknown where the propellant is not recorded).
// audience: educator
MATCH (m:MissileSystem)
RETURN m.missile_class AS class, coalesce(m.propellant, 'unknown') AS propellant, count(*) AS systems
ORDER BY class, propellant
