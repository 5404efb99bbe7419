// title: Events within N days of another
// description: Pairs of dated entities of two classes where the second falls during the first or 0 to `days` days after it ends (tests during or after exercises, resolutions after tests), with the day count: days after the first's last day (end_date, else its date), 0 when the second falls during the first (during = true). A date given by month or year counts from its first day (exact = false). Day numbers are computed from the text date itself (a proleptic Gregorian day count, integer arithmetic), the same on FalkorDB and Neo4j.
// audience: analyst
// param first: string = MilitaryExercise in MilitaryExercise|MissileTest|NuclearTest|SatelliteLaunch|Summit|TalksRound|CyberOperation|Veto|ArmsTransfer|TroopDeployment|Event|Sanction|SecurityCouncilResolution
// param second: string = MissileTest in MissileTest|NuclearTest|SatelliteLaunch|MilitaryExercise|Summit|TalksRound|CyberOperation|Veto|ArmsTransfer|TroopDeployment|Event|Sanction|SecurityCouncilResolution
// param days: int = 7
// param as_of: date = 2025-12-31
MATCH (a:Entity)
WHERE $first IN labels(a) AND a.date IS NOT NULL AND {{not_after(a.date)}}
WITH a, coalesce(a.end_date, a.date) AS a_last
WITH a, a.date + substring('-01-01', size(a.date) - 4) AS da, a_last + substring('-01-01', size(a_last) - 4) AS ea
MATCH (b:Entity)
WHERE $second IN labels(b) AND b.date IS NOT NULL AND b <> a AND {{not_after(b.date)}}
WITH a, b, da, ea, b.date + substring('-01-01', size(b.date) - 4) AS db
WHERE db >= da
WITH a, b, [x IN [ea, db] | [p IN [[toInteger(left(x, 4)) - CASE WHEN toInteger(substring(x, 5, 2)) <= 2 THEN 1 ELSE 0 END,
                                    toInteger(substring(x, 5, 2)), toInteger(substring(x, 8, 2))]] |
           365 * p[0] + p[0] / 4 - p[0] / 100 + p[0] / 400
           + (153 * (p[1] + CASE WHEN p[1] > 2 THEN -3 ELSE 9 END) + 2) / 5 + p[2]][0]] AS day
WITH a, b, day[1] - day[0] AS gap
WHERE gap <= $days
RETURN a.key AS from, 'FOLLOWED_WITHIN' AS type, b.key AS to, a.name AS first_event, a.date AS first_date,
       a.end_date AS first_end, b.name AS second_event, b.date AS second_date,
       CASE WHEN gap < 0 THEN 0 ELSE gap END AS days, gap < 0 OR (gap = 0 AND a.end_date IS NOT NULL AND a.end_date <> a.date) AS during,
       size(a.date) = 10 AND (a.end_date IS NULL OR size(a.end_date) = 10) AND size(b.date) = 10 AS exact
ORDER BY first_date, from, days, to
