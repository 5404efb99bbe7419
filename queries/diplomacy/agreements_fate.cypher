// title: Agreements and their fate on a date
// description: Agreements signed or in force by the date, with their status on that date (in force, broken by a party, suspended, terminated), and who suspended or ended them.
// audience: analyst
// param as_of: date = 2025-12-31
MATCH (a:Agreement)
WHERE {{not_after(coalesce(a.date_signed, a.date_in_force))}}
OPTIONAL MATCH (x:Entity)-[s:SUSPENDS]->(a)
WHERE s.valid_from IS NULL OR {{not_after(s.valid_from)}}
WITH a, x, s ORDER BY x.key
WITH a, collect(DISTINCT x.key) AS suspended_by, min(s.valid_from) AS first_suspension
RETURN a.key AS key, a.class AS class, a.name AS name, coalesce(a.date_signed, a.date_in_force) AS since,
       CASE
         WHEN a.date_terminated IS NOT NULL AND NOT {{not_before(a.date_terminated)}} THEN 'terminated'
         WHEN a.date_suspended IS NOT NULL AND {{not_after(a.date_suspended)}} THEN 'suspended'
         WHEN size(suspended_by) > 0 THEN 'broken by a party'
         ELSE 'in force'
       END AS status,
       coalesce(a.date_terminated, a.date_suspended, first_suspension) AS status_date, suspended_by
ORDER BY since, key
