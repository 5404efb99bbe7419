// title: Confidence-building measures made and broken
// description: Non-treaty agreements the state is a party to (joint statements, declarations, military and missile agreements), when they were made and when and by whom they were suspended or ended.
// audience: analyst
// param state: iso3 = PRK
// graph: from=from to=to type=SUSPENDS
MATCH (s:State {iso3: $state})
WITH s
MATCH (s)-[:PARTY_TO]->(a:Agreement)
WHERE NOT a:Treaty AND NOT a:Armistice
OPTIONAL MATCH (x:Entity)-[b:SUSPENDS]->(a)
RETURN x.key AS from, a.key AS to, a.name AS agreement, a.class AS class, a.date_signed AS made,
       b.valid_from AS broken, coalesce(a.date_terminated, a.date_suspended) AS ended,
       CASE WHEN x IS NULL AND a.date_terminated IS NULL AND a.date_suspended IS NULL THEN 'holding' ELSE 'broken' END AS fate
ORDER BY made, to, from, broken
