// title: Nuclear tests and the resolutions that answered them
// description: The DPRK's nuclear tests up to the date, with yield estimates, magnitude and the instruments responding to each.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (t:NuclearTest)
WHERE {{not_after(t.date)}}
OPTIONAL MATCH (i:Sanction)-[:RESPONDS_TO]->(t)
WITH t, i ORDER BY i.key
RETURN t.key AS key, t.date AS date, t.yield_min_kt AS yield_min_kt, t.yield_max_kt AS yield_max_kt,
       t.magnitude AS magnitude, collect(i.key) AS answered_by
ORDER BY date
