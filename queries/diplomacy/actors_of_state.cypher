// title: Who acts for a state on a date
// description: The state's agencies and military units (agencyOf) and its nationals (nationalOf) in the graph, one row each: the offices each held on the date (LEADS: the state itself, a body, a delegation; compared at the precision of the date given), how many events, talks rounds and summits each took part in, and who designated each under sanctions. Agencies first, then people, by name. Only actors whose state a source in data/ gives are listed.
// audience: analyst
// param state: key = state/PRK
// param as_of: date = 2018-06-12
// graph: from=from to=to type=type
MATCH (s:State {key: $state})
WITH s
MATCH (a)-[tie:NATIONAL_OF|AGENCY_OF]->(s)
OPTIONAL MATCH (a)-[l:LEADS]->(led)
WHERE {{holds(l)}}
WITH s, a, tie, l, led
ORDER BY coalesce(l.valid_from, ''), led.name
WITH s, a, tie, collect(CASE WHEN led IS NULL THEN NULL
                             ELSE led.name + ' (' + coalesce(l.role, 'leads') + ', ' + coalesce(l.valid_from, '?') + ' to '
                                  + coalesce(l.valid_to, CASE WHEN l.end_unknown THEN 'unknown' ELSE 'open' END) + ')' END) AS led
OPTIONAL MATCH (a)-[:PARTICIPATED_IN]->(e)
WITH s, a, tie, led, count(DISTINCT e) AS events
OPTIONAL MATCH (d)-[:DESIGNATES]->(a)
WITH s, a, tie, led, events, d
ORDER BY d.name
RETURN a.key AS from, type(tie) AS type, s.key AS to,
       CASE type(tie) WHEN 'AGENCY_OF' THEN 'agency' ELSE 'person' END AS kind,
       a.name AS actor, a.class AS class, led, events, collect(DISTINCT d.name) AS designated_by
ORDER BY kind, actor
