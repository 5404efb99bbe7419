// title: Negotiators
// description: Persons who took part in talks rounds or negotiation processes, with the number of rounds and their recorded roles.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (p:Person)-[x:PARTICIPATED_IN]->(e:Entity)
WHERE (e:TalksRound OR e:NegotiationProcess) AND {{not_after(coalesce(e.date, e.valid_from, ''))}}
WITH p, e, x ORDER BY x.role
RETURN p.key AS person, p.name AS name, count(DISTINCT e) AS meetings, collect(DISTINCT x.role) AS roles,
       min(e.date) AS first, max(e.date) AS latest
ORDER BY meetings DESC, person
