// title: Negotiation processes and their parties
// description: Each negotiation process with its period, parties, number of rounds held by the date and the agreements it produced.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (p:NegotiationProcess)
WHERE p.valid_from IS NULL OR {{not_after(p.valid_from)}}
OPTIONAL MATCH (s:State)-[:PARTY_TO|PARTICIPATED_IN]->(p)
WITH p, s ORDER BY s.iso3
WITH p, collect(DISTINCT s.iso3) AS parties
OPTIONAL MATCH (r:TalksRound)-[:PART_OF]->(p)
WHERE {{not_after(r.date)}}
WITH p, parties, count(DISTINCT r) AS rounds
OPTIONAL MATCH (p)-[:PRODUCED]->(a:Agreement)
WITH p, parties, rounds, a ORDER BY a.key
RETURN p.key AS process, p.name AS name, p.valid_from AS since, p.valid_to AS until, parties, rounds,
       collect(a.key) AS produced
ORDER BY since, process
