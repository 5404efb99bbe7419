// title: Symmetric relationships stored one way
// description: Relationships of a symmetric type (alliedWith, hasDiplomaticRelationsWith: owl:SymmetricProperty in the ontology, stored both ways) with no reverse relationship of the same type and identical valid_from and valid_to: stored one way only, or with different dates each way.
// audience: maintainer
// graph: from=from to=to type=type
MATCH (a:Entity)-[r:ALLIED_WITH|HAS_DIPLOMATIC_RELATIONS_WITH]->(b:Entity)
OPTIONAL MATCH (b)-[s]->(a)
WHERE type(s) = type(r)
  AND coalesce(s.valid_from, '') = coalesce(r.valid_from, '')
  AND coalesce(s.valid_to, '') = coalesce(r.valid_to, '')
WITH a, b, r, count(s) AS reverse
WHERE reverse = 0
RETURN a.key AS from, type(r) AS type, b.key AS to, r.key AS key,
       r.valid_from AS valid_from, r.valid_to AS valid_to
ORDER BY from, type, to, valid_from
