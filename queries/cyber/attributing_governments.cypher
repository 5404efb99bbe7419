// title: Governments that attribute operations
// description: For each government, how many operations it publicly attributed up to the date, and its first and latest attribution.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (c:CyberOperation)-[b:ATTRIBUTED_BY]->(g:Actor)
WHERE b.valid_from IS NULL OR {{not_after(b.valid_from)}}
RETURN g.key AS government, g.name AS name, count(DISTINCT c) AS operations,
       min(b.valid_from) AS first, max(b.valid_from) AS latest
ORDER BY operations DESC, government
