// title: Participants in the rounds of a process
// description: Who took part in each round, held by the date, of a negotiation process (states and persons), with their role where recorded.
// audience: analyst
// param process: key = process/six-party-talks
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (p:NegotiationProcess {key: $process})
WITH p
MATCH (r:TalksRound)-[:PART_OF]->(p)
WHERE {{not_after(r.date)}}
MATCH (a:Actor)-[x:PARTICIPATED_IN]->(r)
RETURN a.key AS from, 'PARTICIPATED_IN' AS type, r.key AS to, a.name AS participant, a.class AS class,
       r.date AS date, x.role AS role
ORDER BY date, to, class DESC, from
