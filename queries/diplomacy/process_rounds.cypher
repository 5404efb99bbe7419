// title: Rounds of a negotiation process
// description: The rounds of one negotiation process held by the date, in order, with host, outcome and how many states and persons took part.
// audience: analyst
// param process: key = process/six-party-talks
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (p:NegotiationProcess {key: $process})
WITH p
MATCH (r:TalksRound)-[:PART_OF]->(p)
WHERE {{not_after(r.date)}}
OPTIONAL MATCH (s:State)-[:PARTICIPATED_IN]->(r)
OPTIONAL MATCH (h:City)-[:HOSTED]->(r)
WITH p, r, count(DISTINCT s) AS states, collect(DISTINCT h.key) AS hosts
OPTIONAL MATCH (person:Person)-[:PARTICIPATED_IN]->(r)
RETURN r.key AS from, 'PART_OF' AS type, p.key AS to, r.name AS round, r.date AS date, r.end_date AS end_date,
       hosts, r.outcome AS outcome, states, count(DISTINCT person) AS persons
ORDER BY date, from
