// title: Defense commitments of a state
// description: The alliances a state holds (in either direction) on a date, with the treaties in force it shares with each ally.
// audience: analyst
// param state: iso3 = USA
// param as_of: date = 2025-01-01
// graph: from=from to=to type=type
// plan: anchored on the indexed iso3; the state's treaties are matched once, not once per ally
MATCH (s:State {iso3: $state})
WITH s
MATCH (s)-[r:ALLIED_WITH]-(ally:State)
WHERE {{holds(r)}}
WITH s, ally, min(r.valid_from) AS since, collect(DISTINCT r.note) AS notes
WITH s, collect([ally, since, notes]) AS allies
OPTIONAL MATCH (s)-[:PARTY_TO]->(t:Treaty)<-[:PARTY_TO]-(party:State)
WHERE {{holds(coalesce(t.date_in_force, t.date_signed), t.date_terminated)}}
WITH s, allies, party, t ORDER BY t.key
WITH s, allies, collect(DISTINCT [party, t.key]) AS shared
UNWIND allies AS a
WITH s, a[0] AS ally, a[1] AS since, a[2] AS notes, [x IN shared WHERE x[0] = a[0] | x[1]] AS treaties
RETURN s.key AS from, 'ALLIED_WITH' AS type, ally.key AS to, ally.name AS ally, since, treaties, size(notes) AS records
ORDER BY ally
