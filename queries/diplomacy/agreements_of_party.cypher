// title: Agreements a state is party to
// description: The agreements (treaties, declarations, joint statements, armistice) a state is a party to on the date, with the other parties; negotiation processes are not agreements (diplomacy/processes lists them). Parties are PARTY_TO; SIGNED records who signed.
// audience: analyst
// param state: iso3 = PRK
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
// plan: anchored on the indexed iso3; every party is matched (the state itself at least) and left out by CASE, not by a per-row OPTIONAL MATCH
MATCH (s:State {iso3: $state})
WITH s
MATCH (s)-[p:PARTY_TO]->(a:Agreement)
WHERE (p.valid_from IS NULL OR left(p.valid_from, size($as_of)) <= $as_of)
  AND (p.valid_to IS NULL OR p.valid_to >= left($as_of, size(coalesce(p.valid_to, ''))))
MATCH (a)<-[:PARTY_TO]-(party:State)
WITH s, a, p, CASE WHEN party <> s THEN party.iso3 END AS other ORDER BY other
RETURN s.key AS from, 'PARTY_TO' AS type, a.key AS to, a.name AS agreement, a.class AS class,
       p.valid_from AS since, p.valid_to AS until, collect(DISTINCT other) AS other_parties
ORDER BY since, to
