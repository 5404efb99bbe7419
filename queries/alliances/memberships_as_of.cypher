// title: Members of an organization on a date
// description: Who was a member of the organization on the date, since when, in what role, and until when (`open` while it still holds, `unknown` where it ended on a day no source gives). No membership holds before the organization existed or after it ended.
// audience: analyst
// param organization: key = org/un
// param as_of: date = 2006-10-14
// graph: from=from to=to type=type
MATCH (o:Organization {key: $organization})
WITH o
MATCH (m:Actor)-[r:MEMBER_OF]->(o)
WHERE {{holds(r)}}
  AND {{holds(o)}}
RETURN m.key AS from, 'MEMBER_OF' AS type, o.key AS to, m.name AS member, coalesce(r.valid_from, o.valid_from) AS since,
       r.role AS role, coalesce(r.valid_to, CASE WHEN r.end_unknown THEN 'unknown' ELSE 'open' END) AS until
ORDER BY member
