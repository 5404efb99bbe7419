// title: Facts whose end is unknown
// description: Relationships marked end_unknown (they ended on a day no source gives), and open ones the data itself says must have ended: a leadership, or an office a person holds in an organization (a membership with a role), with no end although a later holder of the same role in the same actor took over after it began (the successor's start implies the predecessor's end; both are listed with their dates); a person's policy with no end although the term of office in which the person adopted it has ended; a membership that starts before the organization existed. Each needs a sourced end date (valid_to) or start.
// audience: maintainer
// plan: one list per finding, joined and sorted (UNION cannot be sorted on both engines without a CALL subquery, which Neo4j wants scoped and FalkorDB cannot scope)
OPTIONAL MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.end_unknown = true AND r.valid_to IS NULL
WITH collect(CASE WHEN r IS NOT NULL THEN {key: r.key, type: type(r), from: a.key, to: b.key, since: r.valid_from,
                                           problem: 'end unknown'} END) AS unknown
OPTIONAL MATCH (p:Person)-[r:LEADS|MEMBER_OF]->(s:Actor)<-[later:LEADS|MEMBER_OF]-(q:Person)
WHERE r.valid_to IS NULL AND later.valid_from IS NOT NULL AND r.valid_from IS NOT NULL
  AND type(later) = type(r) AND (type(r) = 'LEADS' OR r.role IS NOT NULL)
  AND coalesce(later.role, '') = coalesce(r.role, '') AND q <> p
  AND NOT {{not_after(later.valid_from, r.valid_from)}}
WITH unknown, collect(CASE WHEN r IS NOT NULL THEN {key: r.key, type: type(r), from: p.key, to: s.key, since: r.valid_from,
     problem: 'open, but ' + q.key + ' holds the role from ' + later.valid_from} END) AS succeeded
OPTIONAL MATCH (p:Person)-[r:PURSUES_POLICY]->(x:Policy), (p)-[term:LEADS]->(s:Actor)
WHERE r.valid_to IS NULL AND r.valid_from IS NOT NULL
  AND term.valid_to IS NOT NULL AND {{holds(term.valid_from, term.valid_to, r.valid_from)}}
WITH unknown, succeeded, collect(CASE WHEN r IS NOT NULL THEN {key: r.key, type: 'PURSUES_POLICY', from: p.key, to: x.key,
     since: r.valid_from, problem: 'open, but ' + p.key + "'s term as " + coalesce(term.role, 'leader') + ' of ' + s.key
     + ' (from ' + coalesce(term.valid_from, '?') + ') ended ' + term.valid_to} END) AS outlasted
OPTIONAL MATCH (m:Actor)-[r:MEMBER_OF]->(o:Organization)
WHERE o.valid_from IS NOT NULL AND r.valid_from IS NOT NULL AND NOT {{not_before(r.valid_from, o.valid_from)}}
WITH unknown, succeeded, outlasted, collect(CASE WHEN r IS NOT NULL THEN {key: r.key, type: 'MEMBER_OF', from: m.key,
     to: o.key, since: r.valid_from, problem: 'member before ' + o.key + ' existed (' + o.valid_from + ')'} END) AS early
UNWIND unknown + succeeded + outlasted + early AS row
RETURN DISTINCT row.key AS key, row.type AS type, row.from AS from, row.to AS to, row.since AS since, row.problem AS problem
ORDER BY type, from, to, key, problem
