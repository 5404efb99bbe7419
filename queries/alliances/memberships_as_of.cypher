// title: Members of an organization on a date
// description: Who was a member of the organization on the date, since when, in what role.
// audience: analyst
// param organization: key = org/un
// param as_of: date = 2006-10-14
// graph: from=from to=to type=type
MATCH (m:Actor)-[r:MEMBER_OF]->(o:Organization {key: $organization})
WHERE (r.valid_from IS NULL OR left(r.valid_from, size($as_of)) <= $as_of)
  AND (r.valid_to IS NULL OR r.valid_to >= left($as_of, size(coalesce(r.valid_to, ''))))
RETURN m.key AS from, 'MEMBER_OF' AS type, o.key AS to, m.name AS member, r.valid_from AS since, r.role AS role
ORDER BY member
