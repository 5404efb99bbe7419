// title: Number of allies per state on a date
// description: How many distinct allies each state has on the date (alliances counted in either direction).
// audience: analyst
// param as_of: date = 2025-01-01
MATCH (s:State)-[r:ALLIED_WITH]-(ally:State)
WHERE (r.valid_from IS NULL OR left(r.valid_from, size($as_of)) <= $as_of)
  AND (r.valid_to IS NULL OR r.valid_to >= left($as_of, size(coalesce(r.valid_to, ''))))
WITH DISTINCT s, ally ORDER BY ally.iso3  // collect keeps this order on both engines
RETURN s.key AS state, s.name AS name, count(ally) AS allies, collect(ally.iso3) AS ally_codes
ORDER BY allies DESC, state
