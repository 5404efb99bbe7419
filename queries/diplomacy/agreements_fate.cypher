// title: Agreements and their fate on a date
// description: Agreements signed or in force by the date, with their status on that date (in force, broken by a party, suspended, terminated), and who suspended or ended them.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (a:Agreement)
WHERE left(coalesce(a.date_signed, a.date_in_force), size($as_of)) <= $as_of
OPTIONAL MATCH (x:Entity)-[s:SUSPENDS]->(a)
WHERE s.valid_from IS NULL OR left(s.valid_from, size($as_of)) <= $as_of
WITH a, x, s ORDER BY x.key
WITH a, collect(DISTINCT x.key) AS suspended_by, min(s.valid_from) AS first_suspension
RETURN a.key AS key, a.class AS class, a.name AS name, coalesce(a.date_signed, a.date_in_force) AS since,
       CASE
         WHEN a.date_terminated IS NOT NULL AND a.date_terminated < left($as_of, size(coalesce(a.date_terminated, ''))) THEN 'terminated'
         WHEN a.date_suspended IS NOT NULL AND left(a.date_suspended, size($as_of)) <= $as_of THEN 'suspended'
         WHEN size(suspended_by) > 0 THEN 'broken by a party'
         ELSE 'in force'
       END AS status,
       coalesce(a.date_terminated, a.date_suspended, first_suspension) AS status_date, suspended_by
ORDER BY since, key
