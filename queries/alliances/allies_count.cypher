// title: Number of allies per state on a date
// description: How many distinct allies each state has on the date (alliances counted in either direction).
// audience: analyst
// param as_of: date = 2025-01-01
MATCH (s:State)-[r:ALLIED_WITH]-(ally:State)
WHERE {{holds(r)}}
WITH DISTINCT s, ally ORDER BY ally.iso3  // collect keeps this order on both engines
RETURN s.key AS state, s.name AS name, count(ally) AS allies, collect(ally.iso3) AS ally_codes
ORDER BY allies DESC, state
