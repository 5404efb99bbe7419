// title: Events within N days of another
// description: Pairs of dated entities of two classes where the second falls 0 to `days` days after the first (tests after exercises, resolutions after tests), with the day count. A date given by month or year counts from its first day (exact = false). Day numbers are computed from the text date itself (a proleptic Gregorian day count, integer arithmetic), the same on FalkorDB and Neo4j.
// audience: analyst
// param first: string = MilitaryExercise in MilitaryExercise|MissileTest|NuclearTest|SatelliteLaunch|Summit|TalksRound|CyberOperation|Veto|ArmsTransfer|TroopDeployment|Event|Sanction|SecurityCouncilResolution
// param second: string = MissileTest in MissileTest|NuclearTest|SatelliteLaunch|MilitaryExercise|Summit|TalksRound|CyberOperation|Veto|ArmsTransfer|TroopDeployment|Event|Sanction|SecurityCouncilResolution
// param days: int = 7
// param as_of: date = 2025-12-31
MATCH (a:Entity)
WHERE $first IN labels(a) AND a.date IS NOT NULL AND {{not_after(a.date)}}
WITH a, a.date + substring('-01-01', size(a.date) - 4) AS da
MATCH (b:Entity)
WHERE $second IN labels(b) AND b.date IS NOT NULL AND b <> a AND {{not_after(b.date)}}
WITH a, b, da, b.date + substring('-01-01', size(b.date) - 4) AS db
WHERE db >= da
WITH a, b, [x IN [da, db] | [p IN [[toInteger(left(x, 4)) - CASE WHEN toInteger(substring(x, 5, 2)) <= 2 THEN 1 ELSE 0 END,
                                    toInteger(substring(x, 5, 2)), toInteger(substring(x, 8, 2))]] |
           365 * p[0] + p[0] / 4 - p[0] / 100 + p[0] / 400
           + (153 * (p[1] + CASE WHEN p[1] > 2 THEN -3 ELSE 9 END) + 2) / 5 + p[2]][0]] AS day
WITH a, b, day[1] - day[0] AS gap
WHERE gap <= $days
RETURN a.key AS from, 'FOLLOWED_WITHIN' AS type, b.key AS to, a.name AS first_event, a.date AS first_date,
       b.name AS second_event, b.date AS second_date, gap AS days, size(a.date) = 10 AND size(b.date) = 10 AS exact
ORDER BY first_date, from, days, to
