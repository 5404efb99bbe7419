// title: Policies held on a date
// description: Declared policies held on the date, who holds them and which actor they are aimed at. A holder's pursuit ends no later than the policy itself; until is the end date, open or unknown.
// audience: analyst
// param as_of: date = 2018-06-12
// graph: from=from to=to type=type
MATCH (holder:Actor)-[h:PURSUES_POLICY]->(p:Policy)-[:POLICY_TOWARD]->(t:Actor)
WHERE {{holds(h)}} AND {{holds(p)}}
RETURN holder.key AS from, 'PURSUES_POLICY' AS type, p.key AS to, holder.name AS holder, p.name AS policy,
       t.key AS toward, h.valid_from AS since,
       coalesce(h.valid_to, p.valid_to, CASE WHEN h.end_unknown THEN 'unknown' ELSE 'open' END) AS until
ORDER BY holder, policy, since
