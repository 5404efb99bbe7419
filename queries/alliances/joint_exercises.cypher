// title: Joint military exercises up to a date
// description: Military exercises held by two or more states, up to the date, with the states that held them and whom they were aimed at.
// audience: analyst
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (e:MilitaryExercise)-[:CONDUCTED_BY]->(s:State)
WHERE {{not_after(e.date)}}
WITH e, collect(DISTINCT s) AS states
WHERE size(states) >= 2
UNWIND states AS s
OPTIONAL MATCH (e)-[:TARGETS]->(t:Actor)
RETURN e.key AS from, 'CONDUCTED_BY' AS type, s.key AS to, e.name AS exercise, e.date AS date,
       s.name AS state, collect(DISTINCT t.key) AS aimed_at
ORDER BY date, from, to
