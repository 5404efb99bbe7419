// title: Unsourced entities
// description: Entities other than sources that cite no source at all.
// audience: maintainer
MATCH (n:Entity)
WHERE NOT n:Source AND (n.sources IS NULL OR size(n.sources) = 0)
RETURN n.key AS key, n.class AS class, n.name AS name
ORDER BY key
