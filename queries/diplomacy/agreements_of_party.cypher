// title: Agreements a state is party to
// description: The agreements and processes a state is a party to on the date, with the other parties.
// audience: analyst
// param state: iso3 = PRK
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
MATCH (s:State {iso3: $state})-[p:PARTY_TO]->(a:Entity)
WHERE (p.valid_from IS NULL OR left(p.valid_from, size($as_of)) <= $as_of)
  AND (p.valid_to IS NULL OR p.valid_to >= left($as_of, size(coalesce(p.valid_to, ''))))
OPTIONAL MATCH (other:State)-[:PARTY_TO]->(a)
WHERE other <> s
WITH s, a, p, other ORDER BY other.iso3
RETURN s.key AS from, 'PARTY_TO' AS type, a.key AS to, a.name AS agreement, a.class AS class,
       p.valid_from AS since, p.valid_to AS until, collect(DISTINCT other.iso3) AS other_parties
ORDER BY since, to
