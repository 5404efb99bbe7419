// title: Facts whose end is unknown
// description: Relationships marked end_unknown (they ended on a day no source gives), and open ones the data itself says must have ended: a leadership with no end although a later holder of the same role in the same actor took over, or a membership that starts before the organization existed. Each needs a sourced end date (valid_to) or start.
// audience: maintainer
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.end_unknown = true AND r.valid_to IS NULL
RETURN r.key AS key, type(r) AS type, a.key AS from, b.key AS to, r.valid_from AS since, 'end unknown' AS problem
UNION
MATCH (p:Person)-[r:LEADS]->(s:Actor)<-[later:LEADS]-(q:Person)
WHERE r.valid_to IS NULL AND later.valid_from IS NOT NULL AND r.valid_from IS NOT NULL
  AND coalesce(later.role, '') = coalesce(r.role, '') AND later.valid_from > r.valid_from AND q <> p
RETURN r.key AS key, 'LEADS' AS type, p.key AS from, s.key AS to, r.valid_from AS since,
       'open, but ' + q.key + ' holds the role from ' + later.valid_from AS problem
UNION
MATCH (m:Actor)-[r:MEMBER_OF]->(o:Organization)
WHERE o.valid_from IS NOT NULL AND r.valid_from IS NOT NULL AND NOT {{not_before(r.valid_from, o.valid_from)}}
RETURN r.key AS key, 'MEMBER_OF' AS type, m.key AS from, o.key AS to, r.valid_from AS since,
       'member before ' + o.key + ' existed (' + o.valid_from + ')' AS problem
