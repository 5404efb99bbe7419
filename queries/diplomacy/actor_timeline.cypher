// title: Timeline of one actor
// description: Everything dated that involves the actor between two dates, in order: events it conducted, took part in, hosted, was targeted by or is blamed for, and the start and end of its relationships (alliances, memberships, agreements, sanctions, support, leaders), with the other side.
// audience: analyst
// param actor: key = state/PRK
// param start: date = 2017-01-01
// param end: date = 2018-12-31
// graph: from=from to=to type=type
MATCH (x:Actor {key: $actor})
WITH x
OPTIONAL MATCH (x)-[r]-(e:Event)
WHERE type(r) IN ['CONDUCTED_BY', 'PARTICIPATED_IN', 'HOSTED', 'ATTRIBUTED_TO', 'TARGETS']
  AND e.date IS NOT NULL AND {{not_before(e.date, $start)}} AND {{not_after(e.date, $end)}}
WITH x, collect(CASE WHEN e IS NOT NULL THEN [e.date, startNode(r).key, type(r), endNode(r).key, e.class, e.name, 'event'] END) AS events
OPTIONAL MATCH (x)-[r]-(o:Entity)
WHERE NOT o:Event AND NOT o:Source AND type(r) <> 'CAN_REACH' AND (r.valid_from IS NOT NULL OR r.valid_to IS NOT NULL)
WITH events, collect(CASE WHEN o IS NOT NULL THEN [r.valid_from, r.valid_to, startNode(r).key, type(r), endNode(r).key, o.class, o.name] END) AS links
WITH events + reduce(acc = [], q IN links | acc + [c IN [['started', q[0]], ['ended', q[1]]]
       WHERE c[1] IS NOT NULL AND {{not_before(c[1], $start)}} AND {{not_after(c[1], $end)}}
       | [c[1], q[2], q[3], q[4], q[5], q[6], c[0]]]) AS found
UNWIND found AS row
RETURN row[0] AS date, row[1] AS from, row[2] AS type, row[3] AS to, row[4] AS what, row[5] AS name, row[6] AS change
ORDER BY date, type, from, to, change
