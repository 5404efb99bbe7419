// title: Agreements a state is party to
// description: The agreements (treaties, declarations, joint statements, armistice) a state is a party to on the date (not after the agreement ended), with the other parties and the end (`open` while it holds, `unknown` where no source gives the day); negotiation processes are not agreements (diplomacy/processes lists them). Parties are PARTY_TO; SIGNED records who signed.
// audience: analyst
// param state: iso3 = PRK
// param as_of: date = 2025-12-31
// graph: from=from to=to type=type
// plan: anchored on the indexed iso3; every party is matched (the state itself at least) and left out by CASE, not by a per-row OPTIONAL MATCH
MATCH (s:State {iso3: $state})
WITH s
MATCH (s)-[p:PARTY_TO]->(a:Agreement)
WHERE {{holds(p)}}
  AND (a.date_terminated IS NULL OR {{not_before(a.date_terminated)}})
MATCH (a)<-[:PARTY_TO]-(party:State)
WITH s, a, p, CASE WHEN party <> s THEN party.iso3 END AS other ORDER BY other
RETURN s.key AS from, 'PARTY_TO' AS type, a.key AS to, a.name AS agreement, a.class AS class,
       p.valid_from AS since,
       coalesce(p.valid_to, a.date_terminated, CASE WHEN p.end_unknown THEN 'unknown' ELSE 'open' END) AS until, collect(DISTINCT other) AS other_parties
ORDER BY since, to
