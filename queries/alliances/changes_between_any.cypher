// title: What changed between two dates, for any kind of relationship
// description: Relationships of the listed types (comma-separated, e.g. ALLIED_WITH,MEMBER_OF,PARTY_TO,LEADS) that started or ended between two dates (inclusive), one row per change; alliances/changes_between is the same for alliances alone.
// audience: analyst
// param start: date = 2017-01-01
// param end: date = 2018-12-31
// param types: string = ALLIED_WITH,MEMBER_OF,PARTY_TO,SUPPORTS,SUPPLIES_ARMS_TO,IMPOSES,LEADS,PURSUES_POLICY
// graph: from=from to=to type=type
MATCH (a:Entity)-[r]->(b:Entity)
WHERE type(r) IN split($types, ',')
UNWIND [c IN [['started', r.valid_from], ['ended', r.valid_to]]
        WHERE c[1] IS NOT NULL AND {{not_before(c[1], $start)}} AND {{not_after(c[1], $end)}}] AS c
RETURN a.key AS from, type(r) AS type, b.key AS to, a.name AS source_name, b.name AS target_name,
       c[0] AS change, c[1] AS date, r.sources AS sources
ORDER BY date, type, from, to
