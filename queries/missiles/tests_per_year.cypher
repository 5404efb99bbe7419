// title: Missile tests per year
// description: Missile test events per year up to the date, with the missiles fired (count, 1 where not recorded) and the failures.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (t:MissileTest)
WHERE {{not_after(t.date)}}
RETURN toInteger(left(t.date, 4)) AS year, count(*) AS events, toInteger(sum(coalesce(t.count, 1))) AS missiles,
       size([x IN collect(t.outcome) WHERE x = 'failure']) AS failures
ORDER BY year
