// title: Treaties in force on a date
// description: Treaties and armistices in force on the date, with the parties that were parties on that date.
// audience: analyst
// param as_of: date = 2018-06-12
// graph: from=from to=to type=type
MATCH (party:Actor)-[p:PARTY_TO]->(t:Agreement)
WHERE (t:Treaty OR t:Armistice)
  AND left(coalesce(t.date_in_force, t.date_signed), size($as_of)) <= $as_of
  AND (p.valid_from IS NULL OR left(p.valid_from, size($as_of)) <= $as_of)
  AND (p.valid_to IS NULL OR p.valid_to >= left($as_of, size(coalesce(p.valid_to, ''))))
  AND (t.date_terminated IS NULL OR t.date_terminated >= left($as_of, size(coalesce(t.date_terminated, ''))))
RETURN party.key AS from, 'PARTY_TO' AS type, t.key AS to, t.name AS treaty, party.name AS party,
       coalesce(t.date_in_force, t.date_signed) AS in_force_since
ORDER BY treaty, party
