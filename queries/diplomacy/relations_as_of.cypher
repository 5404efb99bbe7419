// title: Diplomatic relations of a state on a date
// description: The states the state had diplomatic relations with on the date (status `relations`, since when), and those whose relations had been severed or suspended by then (status `severed` or `suspended`, with the period that ended); one row per partner, from its latest period begun by the date, so relations restored after a break show as restored. States that never had relations with it (the DPRK with the ROK, the US and Japan) are absent, as are those whose dates no source in data/ confirms.
// audience: analyst
// param state: key = state/PRK
// param as_of: date = 2021-06-01
// graph: from=from to=to type=type
MATCH (x:State {key: $state})-[r:HAS_DIPLOMATIC_RELATIONS_WITH]->(y:State)
WHERE r.valid_from IS NULL OR {{not_after(r.valid_from)}}
WITH x, y, r
ORDER BY coalesce(r.valid_from, '') DESC  // a period whose start no source gives came first
WITH x, y, collect(r)[0] AS latest, count(r) AS periods
RETURN x.key AS from, 'HAS_DIPLOMATIC_RELATIONS_WITH' AS type, y.key AS to, y.name AS state,
       CASE WHEN {{holds(latest)}} THEN 'relations' ELSE coalesce(latest.end_reason, 'ended') END AS status,
       latest.valid_from AS since,
       coalesce(latest.valid_to, CASE WHEN latest.end_unknown THEN 'unknown' ELSE 'open' END) AS until,
       periods
ORDER BY status, state
