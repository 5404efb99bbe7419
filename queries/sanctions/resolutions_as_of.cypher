// title: Security Council resolutions on the DPRK adopted by a date
// description: UN Security Council resolutions adopted up to the date, with their vote and the tests they answered.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (i:SecurityCouncilResolution)
WHERE {{not_after(i.date)}}
OPTIONAL MATCH (i)-[:RESPONDS_TO]->(e:Event)
WITH i, e ORDER BY e.date, e.key  // collect keeps this order on both engines
RETURN i.key AS key, i.symbol AS symbol, i.date AS adopted, i.vote AS vote, collect(DISTINCT e.key) AS answers
ORDER BY adopted, key
