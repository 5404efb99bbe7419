// title: Influence paths between two actors on a date
// description: Every directed chain of up to three support, arms-supply or alliance relationships from one actor to another, all of them in force on the date, shortest first.
// audience: analyst
// param from_actor: key = state/USA
// param to_actor: key = state/RUS
// param as_of: date = 2025-01-01
// param limit: int = 10
MATCH p = (a:Actor {key: $from_actor})-[:SUPPORTS|SUPPLIES_ARMS_TO|ALLIED_WITH*1..3]->(b:Actor {key: $to_actor})
WHERE all(r IN relationships(p) WHERE (r.valid_from IS NULL OR left(r.valid_from, size($as_of)) <= $as_of)
          AND (r.valid_to IS NULL OR r.valid_to >= left($as_of, size(coalesce(r.valid_to, '')))))
WITH [n IN nodes(p) | n.key] AS chain, [r IN relationships(p) | type(r) + ':' + coalesce(r.kind, '')] AS links
RETURN DISTINCT size(links) AS hops, chain, links
ORDER BY hops, chain, links
LIMIT $limit
