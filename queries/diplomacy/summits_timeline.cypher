// title: Summits timeline
// description: Summits between two dates, with the states taking part, the host and what they produced.
// audience: educator
// param start: date = 2000-01-01
// param end: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (s:Summit)
WHERE {{not_before(s.date, $start)}} AND {{not_after(s.date, $end)}}
OPTIONAL MATCH (st:State)-[:PARTICIPATED_IN]->(s)
WITH s, st ORDER BY st.iso3
WITH s, collect(DISTINCT st.iso3) AS states
OPTIONAL MATCH (h:Place)-[:HOSTED]->(s)
WITH s, states, h ORDER BY h.key
WITH s, states, collect(DISTINCT h.key) AS places
OPTIONAL MATCH (s)-[:PRODUCED]->(a:Agreement)
RETURN s.key AS from, 'PRODUCED' AS type, a.key AS to, s.name AS summit, s.date AS date, states, places,
       s.outcome AS outcome, a.name AS produced
ORDER BY date, from, to
