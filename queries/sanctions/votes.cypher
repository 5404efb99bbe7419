// title: Who voted how in the Security Council
// description: Every Security Council resolution and vetoed draft on the DPRK up to the date, with the tally (in favour-against-abstentions), the members that voted against or abstained (VOTED_ON, from the UN record) and who vetoed; a tally of 15-0-0 means every member voted in favour. sanctions/member_votes gives one row per member and instrument.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (s:Sanction)
WHERE (s:SecurityCouncilResolution OR (s)<-[:VETOED]-(:Veto)) AND s.date IS NOT NULL AND {{not_after(s.date)}}
OPTIONAL MATCH (m:State)-[v:VOTED_ON]->(s)
WITH s, m, v ORDER BY m.iso3
WITH s, collect(CASE WHEN v.vote_cast = 'against' THEN m.iso3 END) AS against,
     collect(CASE WHEN v.vote_cast = 'abstention' THEN m.iso3 END) AS abstaining
OPTIONAL MATCH (veto:Veto)-[:VETOED]->(s)
OPTIONAL MATCH (veto)-[:CONDUCTED_BY]->(p:State)
WITH s, against, abstaining, veto, p ORDER BY p.iso3
RETURN s.key AS key, s.symbol AS symbol, s.date AS date, veto IS NULL AS adopted, s.vote AS tally,
       against, abstaining, collect(DISTINCT p.iso3) AS vetoed_by
ORDER BY date, key
