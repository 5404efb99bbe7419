// title: Entities without an English name
// description: Entities (sources aside) whose name is missing or empty, so views and tables would show a bare key.
// audience: maintainer
MATCH (n:Entity)
WHERE NOT n:Source AND (n.name IS NULL OR trim(n.name) = '')
RETURN n.key AS key, n.class AS class
ORDER BY key
