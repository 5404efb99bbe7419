// title: Entities with no relationships
// description: Entities other than sources and sanction measures' own catalogue that take part in no relationship at all.
// audience: maintainer
MATCH (n:Entity)
WHERE NOT n:Source AND NOT (n)--()
RETURN n.key AS key, n.class AS class, n.name AS name
ORDER BY key
