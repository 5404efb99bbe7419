// title: Nuclear tests and satellite launches no sanction answered
// description: Nuclear tests and satellite launches up to the date that no instrument in the graph responds to.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (e:Event)
WHERE (e:NuclearTest OR e:SatelliteLaunch) AND {{not_after(e.date)}}
  AND NOT (:Sanction)-[:RESPONDS_TO]->(e)
RETURN e.key AS key, e.class AS class, e.name AS name, e.date AS date, e.outcome AS outcome
ORDER BY date, key
