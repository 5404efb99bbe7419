// title: Defense commitments of a state
// description: The alliances a state holds (in either direction) on a date, with the treaties in force it shares with each ally.
// audience: analyst
// param state: iso3 = USA
// param as_of: date = 2025-01-01
// graph: from=from to=to type=type
MATCH (s:State {iso3: $state})-[r:ALLIED_WITH]-(ally:State)
WHERE (r.valid_from IS NULL OR left(r.valid_from, size($as_of)) <= $as_of)
  AND (r.valid_to IS NULL OR r.valid_to >= left($as_of, size(coalesce(r.valid_to, ''))))
WITH s, ally, min(r.valid_from) AS since, collect(DISTINCT r.note) AS notes
OPTIONAL MATCH (s)-[p1:PARTY_TO]->(t:Treaty)<-[p2:PARTY_TO]-(ally)
WHERE (t.date_in_force IS NULL OR left(t.date_in_force, size($as_of)) <= $as_of)
  AND (t.date_terminated IS NULL OR t.date_terminated >= left($as_of, size(coalesce(t.date_terminated, ''))))
WITH s, ally, since, notes, collect(DISTINCT t.key) AS treaties
RETURN s.key AS from, 'ALLIED_WITH' AS type, ally.key AS to, ally.name AS ally, since, treaties, size(notes) AS records
ORDER BY ally
