// title: Multilateral versus bilateral tracks
// description: Talks rounds and summits up to the date split by the number of states taking part: bilateral (2) or multilateral (3 or more), with counts and periods.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (st:State)-[:PARTICIPATED_IN]->(e:Event)
WHERE (e:TalksRound OR e:Summit) AND {{not_after(e.date)}}
WITH e, count(DISTINCT st) AS states
WITH CASE WHEN states >= 3 THEN 'multilateral' WHEN states = 2 THEN 'bilateral' ELSE 'unilateral' END AS track,
     e.class AS kind, e
RETURN track, kind, count(e) AS meetings, min(e.date) AS first, max(e.date) AS latest
ORDER BY track, kind
