// title: Dialogue partners of a state
// description: With whom a state met in talks rounds and summits up to the date, and how often.
// audience: analyst
// param state: iso3 = PRK
// param as_of: date = 2025-12-31
// graph: from=from to=to type=PARTICIPATED_IN
MATCH (s:State {iso3: $state})
WITH s
MATCH (s)-[:PARTICIPATED_IN]->(e:Event)<-[:PARTICIPATED_IN]-(other:State)
WHERE (e:TalksRound OR e:Summit) AND {{not_after(e.date)}} AND other <> s
RETURN s.key AS from, other.key AS to, other.name AS partner, count(DISTINCT e) AS meetings,
       min(e.date) AS first, max(e.date) AS latest
ORDER BY meetings DESC, to
