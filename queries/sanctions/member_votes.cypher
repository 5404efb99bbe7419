// title: How each Security Council member voted
// description: One row per Council member per DPRK resolution or vetoed draft voted up to the date: the member's vote (in favour, against, abstention), its seat (permanent or elected), whether it cast a veto, and the basis. Members are the states whose memberOf link to org/unsc holds on the day of the vote (data/council.yaml, states.yaml); against and abstention are the VOTED_ON links of data/votes.yaml, recorded from the UN record; every other member present voted in favour, derived here rather than stored, and only for instruments with a recorded tally (the tally's first number is how many did). Members whose state the data does not hold yet have no row (see data/README.md, Security Council votes). state: an ISO3 code or any; instrument: a key such as unscr/2270 or any.
// audience: analyst
// param as_of: date = 2025-12-31
// param state: iso3? = any
// param instrument: key? = any
MATCH (s:Sanction)
WHERE (s:SecurityCouncilResolution OR (s)<-[:VETOED]-(:Veto)) AND s.vote IS NOT NULL AND s.date IS NOT NULL
  AND {{not_after(s.date)}} AND ($instrument = 'any' OR s.key = $instrument)
OPTIONAL MATCH (x:Veto)-[:VETOED]->(s)
WITH s, count(x) = 0 AS adopted
MATCH (m:State)-[r:MEMBER_OF]->(:Organization {key: 'org/unsc'})
WHERE {{holds(r.valid_from, r.valid_to, s.date)}} AND ($state = 'any' OR m.iso3 = $state)
OPTIONAL MATCH (m)-[v:VOTED_ON]->(s)
OPTIONAL MATCH (m)<-[:CONDUCTED_BY]-(w:Veto)-[:VETOED]->(s)
WITH s, adopted, m, r, v, count(w) > 0 AS vetoed
RETURN s.key AS key, s.symbol AS symbol, s.date AS date, adopted, s.vote AS tally, m.iso3 AS member, m.name AS name,
       CASE WHEN r.role = 'permanent member' THEN 'permanent' ELSE 'elected' END AS seat,
       coalesce(v.vote_cast, 'in favour') AS vote, vetoed,
       CASE WHEN v IS NULL THEN 'derived' ELSE 'recorded' END AS basis
ORDER BY date, key, member
