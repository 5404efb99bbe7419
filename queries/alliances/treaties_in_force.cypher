// title: Treaties in force on a date
// description: Treaties and armistices in force on the date, with the parties that were parties on that date.
// audience: analyst
// param as_of: date = 2018-06-12
// graph: from=from to=to type=type
MATCH (party:Actor)-[p:PARTY_TO]->(t:Agreement)
WHERE (t:Treaty OR t:Armistice)
  AND {{not_after(coalesce(t.date_in_force, t.date_signed))}}
  AND {{holds(p)}}
  AND (t.date_terminated IS NULL OR {{not_before(t.date_terminated)}})
RETURN party.key AS from, 'PARTY_TO' AS type, t.key AS to, t.name AS treaty, party.name AS party,
       coalesce(t.date_in_force, t.date_signed) AS in_force_since
ORDER BY treaty, party
