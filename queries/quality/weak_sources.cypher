// title: Facts resting only on weak sources
// description: Entities and relationships whose every cited source is a reference work (an encyclopedia, a wiki) or a mirror (a copy of another publisher's text), one row per weak citation; a fact that also cites an official, press or research source is not listed. Replace each with the primary document or the original report.
// audience: maintainer
MATCH (n:Entity)
WHERE NOT n:Source AND n.sources IS NOT NULL
UNWIND n.sources AS cited
MATCH (s:Source {key: cited})
WITH n, collect(s) AS cites
WITH n, [s IN cites WHERE s.source_kind IN ['reference', 'mirror']] AS weak, size(cites) AS total
WHERE size(weak) > 0 AND size(weak) = total
UNWIND weak AS w
WITH n.key AS holder, n.class AS type, w.key AS source, w.source_kind AS kind, w.url AS url
ORDER BY holder, source
RETURN holder, type, source, kind, url
UNION ALL
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.sources IS NOT NULL
UNWIND r.sources AS cited
MATCH (s:Source {key: cited})
WITH r, collect(s) AS cites
WITH r, [s IN cites WHERE s.source_kind IN ['reference', 'mirror']] AS weak, size(cites) AS total
WHERE size(weak) > 0 AND size(weak) = total
UNWIND weak AS w
WITH r.key AS holder, type(r) AS type, w.key AS source, w.source_kind AS kind, w.url AS url
ORDER BY holder, source
RETURN holder, type, source, kind, url
